"""Pages of the académie's shared module catalogue (issue 19, item 7): publish a module from its
page, read and search the catalogue, copy an entry into one's school, and — for the académie's
accounts — see which modules spread and with what results. Writes are in :mod:`.sharing`.

Tenancy: a school reads only its own académie's catalogue (an entry of another académie, or a
withdrawn one, answers 404); copying needs the coordinator's rights in the current school; the
diffusion page answers only an ``AcademyMembership`` of that académie.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from appui.planning.models import Module, SharedModule, SharedModuleCopy
from appui.schools.access import SchoolAccess, school_access
from appui.schools.models import Academy, School
from appui.schools.selectors import selected_year

from . import sharing
from .forms_sharing import CatalogueSearchForm, CopyForm, PublishForm


def _reader(access: SchoolAccess) -> bool:
    return access.is_staff_member or access.is_academy


def entry_context(entry) -> dict:
    """What the entry template shows of a snapshot (``sharing.Snapshot``) or an entry."""
    results = entry.results or {}
    return {
        "entry": entry,
        "kind_label": Module.Kind(entry.kind).label,
        "partner_kinds": sharing.partner_kind_labels(entry.partner_kinds),
        "results": results,
        "attendance": sharing.share_of(results.get("attendance")),
        "secure_before": sharing.share_of(results.get("secure_before")),
        "secure_after": sharing.share_of(results.get("secure_after")),
    }


def _listed_entry(access: SchoolAccess, pk: int) -> SharedModule:
    """An entry of the current school's académie catalogue, else 404."""
    return get_object_or_404(
        sharing.listed(access.school.academy_id).select_related("academy"), pk=pk
    )


@login_required
def module_share(request, pk: int):
    """Publish a module to the académie's catalogue, after a preview of exactly what is shared."""
    access = school_access(request, lambda a: a.can_coordinate)
    module = get_object_or_404(
        Module.objects.select_related("competency", "school__academy"), pk=pk, school=access.school
    )
    shared = SharedModule.objects.filter(module=module).first()
    year, today = selected_year(request), timezone.localdate()
    initial = shared.session_plan if shared else sharing.default_session_plan(module, year)
    form = PublishForm(request.POST or None, initial={"session_plan": initial})
    action = request.POST.get("action")
    if request.method == "POST" and access.school.academy_id is not None:
        if action == "withdraw" and shared is not None:
            sharing.shared_module_withdraw(shared=shared)
            messages.success(request, _("Withdrawn from the académie's catalogue."))
            return redirect("sharing:module-share", module.pk)
        if action == "publish" and form.is_valid():
            try:
                shared = sharing.shared_module_publish(
                    module=module,
                    user=request.user,
                    session_plan=form.cleaned_data["session_plan"],
                    year=year,
                    today=today,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Published in the académie's catalogue."))
                return redirect("sharing:entry", shared.pk)
    plan = form.data.get("session_plan", initial) if form.is_bound else initial
    snapshot = sharing.snapshot_of(module, session_plan=plan, year=year, today=today)
    return render(
        request,
        "reports/shared_publish.html",
        {
            "module": module,
            "academy": access.school.academy,
            "shared": shared,
            "form": form,
            "names": sharing.names_in(
                [getattr(snapshot, name) for name in sharing.TEXT_FIELDS], access.school
            ),
            **entry_context(snapshot),
        },
    )


@login_required
def catalogue(request):
    """The académie's catalogue, searched and filtered; each entry with its results and copies."""
    access = school_access(request, _reader)
    academy_id = access.school.academy_id
    schools = School.objects.filter(academy_id=academy_id).order_by("name")
    form = CatalogueSearchForm(request.GET or None, schools=schools)
    entries = sharing.listed(academy_id)
    if form.is_valid():
        entries = sharing.search(
            entries,
            query=form.cleaned_data["q"],
            kind=form.cleaned_data["kind"],
            school=form.cleaned_data["school"],
        )
    entries = entries.annotate(copy_schools=Count("copies__school", distinct=True)).order_by(
        "title", "pk"
    )
    mine = set(
        SharedModuleCopy.objects.filter(school=access.school).values_list("shared_id", flat=True)
    )
    return render(
        request,
        "reports/shared_catalogue.html",
        {
            "academy": access.school.academy,
            "form": form,
            "entries": [(entry_context(entry), entry.pk in mine) for entry in entries],
            "can_copy": access.can_coordinate,
            "school_id": access.school.pk,
        },
    )


@login_required
def entry(request, pk: int):
    access = school_access(request, _reader)
    shared = _listed_entry(access, pk)
    copies = list(shared.copies.select_related("school", "module").order_by("copied_at"))
    return render(
        request,
        "reports/shared_entry.html",
        {
            "shared": shared,
            "copy_schools": len({c.school_id for c in copies}),
            "my_copies": [c for c in copies if c.school_id == access.school.pk and c.module],
            "can_copy": access.can_coordinate and shared.school_id != access.school.pk,
            "is_source": shared.school_id == access.school.pk and access.can_coordinate,
            **entry_context(shared),
        },
    )


@login_required
def copy(request, pk: int):
    """« Copier dans mon établissement »: a new module, not offered until reviewed."""
    access = school_access(request, _reader)
    shared = _listed_entry(access, pk)
    if not access.can_coordinate:
        raise PermissionDenied
    school = access.school
    if shared.school_id == school.pk:  # its own module: the catalogue's duplicate
        return redirect("planning:module-copy", shared.module_id)
    match = sharing.matching_competency(shared, school)
    form = CopyForm(
        request.POST or None,
        school=school,
        initial={"code": sharing.free_code(shared.code, school), "competency": match},
    )
    if request.method == "POST" and form.is_valid():
        try:
            module = sharing.shared_module_copy(
                shared=shared,
                school=school,
                user=request.user,
                competency=form.cleaned_data["competency"],
                code=form.cleaned_data["code"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Module %(code)s created, not offered: review it, then tick « offered ».")
                % {"code": module.code},
            )
            return redirect("planning:module-edit", module.pk)
    return render(
        request,
        "reports/shared_copy.html",
        {"shared": shared, "form": form, "match": match},
    )


@login_required
def diffusion(request):
    """For an académie account: which modules spread, to which schools, with what results."""
    academies = Academy.objects.filter(memberships__user=request.user).distinct().order_by("name")
    if not academies:
        raise PermissionDenied
    code = request.GET.get("academie")
    academy = academies.filter(code=code).first() if code else academies.first()
    if academy is None:
        raise Http404
    return render(
        request,
        "reports/shared_diffusion.html",
        {
            "academy": academy,
            "academies": academies,
            "rows": sharing.diffusion(academy, timezone.localdate()),
        },
    )
