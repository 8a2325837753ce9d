"""The terminale parcours personnalisé (seed 001): each pupil of a Bac Pro terminale prepares
for professional insertion or for further studies. Staff set it from the pupil's page or for
a whole division in one table; the pupil and their family see it on the pupil's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import selectors, services
from .access import get_division_for, get_student_for
from .forms import ParcoursForm
from .models import Enrolment


def parcours_enrolment(student, history: list[Enrolment] | None = None) -> Enrolment | None:
    """The pupil's latest enrolment in a level with a parcours (a terminale), if any;
    ``history``: their ``selectors.enrolment_history`` when already read."""
    for enrolment in selectors.enrolment_history(student) if history is None else history:
        if enrolment.division is not None and enrolment.division.level.has_parcours:
            return enrolment
    return None


def _saved(request, count: int) -> None:
    if count:
        messages.success(
            request,
            ngettext(
                "The parcours of %(count)d pupil was saved.",
                "The parcours of %(count)d pupils were saved.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("Nothing changed."))


@login_required
@require_POST
def student_parcours(request, pk: int):
    student, access = get_student_for(request, pk)
    if not access.is_staff_member:
        raise PermissionDenied
    enrolment = parcours_enrolment(student)
    if enrolment is None:
        raise Http404
    form = ParcoursForm(request.POST, enrolments=[enrolment])
    if not form.is_valid():
        messages.error(request, _("Choose one of the parcours offered."))
    else:
        try:
            count = services.enrolments_parcours_set(
                choices=form.choices(), user=access.logged_in_user
            )
        except services.ParcoursChangedMeanwhile as conflict:
            messages.error(request, str(conflict))
        else:
            _saved(request, count)
    return redirect("schools:student-detail", pk=student.pk)


@login_required
def division_parcours(request, pk: int):
    division, access = get_division_for(request, pk)
    if not access.is_staff_member:
        raise PermissionDenied
    if not division.level.has_parcours:
        raise Http404
    pupils = selectors.division_students(division)
    enrolments = list(
        Enrolment.objects.filter(year=division.year, student__in=pupils)
        .select_related("student", "parcours_set_by")
        .order_by("student__last_name", "student__first_name")
    )
    form = ParcoursForm(request.POST or None, enrolments=enrolments)
    if request.method == "POST":
        if form.is_valid():
            try:
                count = services.enrolments_parcours_set(
                    choices=form.choices(), user=access.logged_in_user, year=division.year
                )
            except services.ParcoursChangedMeanwhile as conflict:
                messages.error(request, str(conflict))
            else:
                _saved(request, count)
            return redirect("schools:division-parcours", pk=division.pk)
        messages.error(request, _("Choose one of the parcours offered."))
    return render(
        request,
        "schools/division_parcours.html",
        {"division": division, "form": form, "access": access},
    )
