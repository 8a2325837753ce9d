"""Study help outside class (« aide au travail personnel hors la classe », seed 000): staff
open slots, pupils sign up and cancel, supervisors take the attendance."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from appui.schools.models import Membership, Staff, Student
from appui.schools.selectors import current_year, selected_year
from appui.schools.templatetags.french import french_date

from . import selectors, services
from .access import (
    can_manage_slot,
    get_own_signup,
    get_slot_for,
    own_pupil,
    own_staff,
    require_manager,
    require_study_help_reader,
    school_access,
    supervises,
)
from .forms import StudyHelpSlotForm
from .models import StudyHelpSignup, StudyHelpSlot


def _date_label(slot: StudyHelpSlot) -> str:
    return french_date(slot.date, "l j F")


def _messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def slot_list(request):
    access = require_study_help_reader(request)
    year = selected_year(request)
    if year is None:
        raise Http404
    sees_all = access.can_coordinate or access.is_student_life_staff
    staff = None if sees_all else own_staff(access)
    if not sees_all and staff is None:
        raise PermissionDenied
    slots = selectors.study_help_slots(year, staff)
    now = timezone.now()
    when = selectors.study_help_when(now)
    return render(
        request,
        "tutoring/study_help_list.html",
        {
            "year": year,
            "upcoming": slots.filter(when["not_ended"]).order_by("date", "start_time", "pk")[:60],
            "past": slots.exclude(when["not_ended"]).order_by("-date", "-start_time", "-pk")[:30],
            "summary": selectors.study_help_summary(year) if access.can_coordinate else None,
            "can_create": access.can_coordinate and year == current_year(access.school),
            "own_staff_id": getattr(own_staff(access), "pk", None),
        },
    )


def _form_choices(access, year) -> dict:
    levels = year.levels.order_by("order", "name")
    if not access.coordinates_whole_school:
        levels = levels.filter(pk__in=access.coordinator_level_ids or [])
    return {
        "staff": Staff.objects.filter(school=access.school, exit_date__isnull=True),
        "levels": levels,
        "levels_required": not access.coordinates_whole_school,
    }


@login_required
def slot_create(request):
    access = require_manager(request)
    year = current_year(access.school)
    if year is None:
        raise Http404
    form = StudyHelpSlotForm(
        request.POST or None,
        initial={"supervisors": [own_staff(access)] if own_staff(access) else []},
        **_form_choices(access, year),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            slots = services.study_help_slots_create(
                year=year,
                first_date=data["first_date"],
                last_date=data["last_date"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                capacity=data["capacity"],
                supervisors=list(data["supervisors"]),
                levels=list(data["levels"]),
                room=data["room"],
                theme=data["theme"],
                user=request.user,
                today=timezone.localdate(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s study-help slot opened.",
                    "%(count)s study-help slots opened.",
                    len(slots),
                )
                % {"count": len(slots)},
            )
            return redirect("tutoring:study-help")
    return render(request, "tutoring/study_help_form.html", {"form": form, "year": year})


@login_required
def slot_detail(request, pk: int):
    slot, access = get_slot_for(request, pk)
    now = timezone.now()
    started = services.study_help_has_started(slot, now)
    may_record = started and (supervises(access, slot) or can_manage_slot(access, slot))
    signups = slot.signups.select_related("student__division").order_by(
        "student__last_name", "student__first_name"
    )
    return render(
        request,
        "tutoring/study_help_detail.html",
        {
            "slot": slot,
            "signups": signups,
            "started": started,
            "may_record": may_record,
            "may_delete": not started and can_manage_slot(access, slot),
            "statuses": StudyHelpSignup.Status.choices,
        },
    )


@login_required
@require_POST
def slot_attendance(request, pk: int):
    slot, access = get_slot_for(request, pk)
    if not (supervises(access, slot) or can_manage_slot(access, slot)):
        raise PermissionDenied
    marks = {}
    for signup in slot.signups.all():
        value = request.POST.get(f"eleve-{signup.student_id}")
        if value is not None:
            marks[signup.student_id] = value
    try:
        count = services.study_help_attendance_set(
            slot=slot, marks=marks, user=request.user, now=timezone.now()
        )
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        messages.success(
            request,
            ngettext(
                "Attendance saved (%(count)s change).",
                "Attendance saved (%(count)s changes).",
                count,
            )
            % {"count": count},
        )
    return redirect("tutoring:study-help-detail", slot.pk)


@login_required
@require_POST
def slot_delete(request, pk: int):
    slot, access = get_slot_for(request, pk)
    if not can_manage_slot(access, slot):
        raise PermissionDenied
    try:
        count = services.study_help_slot_delete(
            slot=slot, now=timezone.now(), following=request.POST.get("following") == "1"
        )
    except ValidationError as error:
        messages.error(request, _messages_of(error))
        return redirect("tutoring:study-help-detail", slot.pk)
    messages.success(
        request,
        ngettext("%(count)s study-help slot removed.", "%(count)s study-help slots removed.", count)
        % {"count": count},
    )
    return redirect("tutoring:study-help")


@login_required
def pupil_page(request):
    """The pupil signs up and cancels; a guardian reads their children's sign-ups."""
    access = school_access(request)
    now = timezone.now()
    pupil = own_pupil(access)
    if pupil is not None:
        return render(
            request,
            "tutoring/study_help_pupil.html",
            {
                "pupil": pupil,
                "slots": selectors.study_help_open_for(pupil, now),
                "past": selectors.study_help_signups_of([pupil], now, upcoming=False, limit=20),
            },
        )
    if Membership.Role.GUARDIAN not in access.roles:
        raise PermissionDenied
    children = list(
        Student.objects.filter(school=access.school, guardians__user=access.logged_in_user)
        .order_by("last_name", "first_name")
        .distinct()
    )
    return render(
        request,
        "tutoring/study_help_guardian.html",
        {
            "children": children,
            "upcoming": selectors.study_help_signups_of(children, now),
            "past": selectors.study_help_signups_of(children, now, upcoming=False, limit=30),
        },
    )


@login_required
@require_POST
def signup(request, pk: int):
    access = school_access(request)
    pupil = own_pupil(access)
    if pupil is None:
        raise PermissionDenied
    slot = StudyHelpSlot.objects.filter(pk=pk, year__school=access.school).first()
    if slot is None:
        raise Http404
    try:
        services.study_help_signup(slot=slot, student=pupil, now=timezone.now())
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        messages.success(
            request,
            _("You are signed up for %(date)s, %(start)s–%(end)s.")
            % {
                "date": _date_label(slot),
                "start": slot.start_time.strftime("%H:%M"),
                "end": slot.end_time.strftime("%H:%M"),
            },
        )
    return redirect("tutoring:study-help-pupil")


@login_required
@require_POST
def cancel(request, pk: int):
    signup, _access = get_own_signup(request, pk)
    try:
        services.study_help_cancel(signup=signup, now=timezone.now())
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        messages.success(request, _("Your sign-up is cancelled: the seat is free again."))
    return redirect("tutoring:study-help-pupil")
