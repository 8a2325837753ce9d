"""A module's fiche action (seed 000: « fiche(s) action(s) présentant les objectifs visés et
les besoins identifiés des élèves ») and the public page of a remarkable action (seed 000:
actions « remarquables, innovantes, inspirantes » valued on the school's website).

Both read :func:`appui.followup.selectors.modules.module_results`. The public page and its PDF
need no login: they show the module, its partners (names of organisations, never a contact),
its resources and aggregated results with every count of 1 to 4 people suppressed — never a
pupil's or a staff member's name.
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from appui.core.indicators import Share, is_detailed, suppress
from appui.core.scales import LsuLevel
from appui.followup.models import ProgressMark
from appui.followup.selectors.modules import ModuleResults, module_results
from appui.planning.models import Module
from appui.schools.access import school_access
from appui.schools.models import SchoolYear
from appui.schools.selectors import selected_year

from .rendering import render_pdf


def _levels() -> list[tuple[int, str, str]]:
    """(value, LSU code, label) of the four levels, MI to TBM."""
    return [
        (value, LsuLevel(value).code, str(label)) for value, label in ProgressMark.Level.choices
    ]


@login_required
def module_fiche_pdf(request, pk: int):
    """The fiche action of a module for the selected school year (staff only)."""
    access = school_access(request, lambda a: a.is_staff_member)
    module = get_object_or_404(
        Module.objects.select_related("competency__domain", "school"), pk=pk, school=access.school
    )
    results = module_results(module, selected_year(request), timezone.localdate())
    context = {
        "module": module,
        "results": results,
        "levels": list(zip(_levels(), results.before, results.after, strict=True)),
        "staff": list(module.staff.all()),
        "today": timezone.localdate(),
    }
    template = "reports/module_fiche.html"
    if request.GET.get("format") == "html":
        return render(request, template, context)
    return render_pdf(request, template, context, file_name=f"fiche-action-{module.code}")


@dataclass(frozen=True)
class PublicFigures:
    """The results a public page may show: counts of people under 5 are None (suppressed),
    and so are shares computed on fewer than 5 people."""

    students: int | None
    groups: int
    sessions_held: int
    attendance: Share | None
    secure_before: Share | None
    secure_after: Share | None
    levels: list[tuple[tuple[int, str, str], int | None, int | None]]

    @classmethod
    def of(cls, results: ModuleResults) -> "PublicFigures":
        detailed = is_detailed(results.students)

        def share(value: Share) -> Share | None:
            return value if detailed and not value.suppressed() else None

        return cls(
            students=suppress(results.students),
            groups=results.groups,
            sessions_held=results.sessions_held,
            attendance=share(results.attendance),
            secure_before=share(results.secure_before),
            secure_after=share(results.secure_after),
            levels=[
                (level, suppress(before), suppress(after))
                for level, before, after in zip(
                    _levels(), results.before, results.after, strict=True
                )
            ]
            if detailed
            else [],
        )


def _public_module(slug: str) -> Module:
    module = Module.objects.select_related("competency", "school").filter(public_slug=slug).first()
    if module is None or not module.is_public:
        raise Http404
    return module


def _public_context(module: Module) -> dict:
    year = SchoolYear.objects.filter(school=module.school, is_current=True).first()
    results = module_results(module, year, timezone.localdate())
    return {
        "module": module,
        "school": module.school,
        "year": year,
        "partners": results.partners,
        "resources": results.resources,
        "figures": PublicFigures.of(results),
        "levels_run": results.levels,
    }


def remarkable_action(request, slug: str):
    """The public page of a remarkable action: no login (listed on the school's website)."""
    module = _public_module(slug)
    return render(request, "reports/remarkable_action.html", _public_context(module))


def remarkable_action_pdf(request, slug: str):
    """The public page as a PDF, to print or attach (no login)."""
    module = _public_module(slug)
    return render_pdf(
        request,
        "reports/remarkable_action_print.html",
        _public_context(module),
        file_name=f"action-{module.public_slug}",
    )
