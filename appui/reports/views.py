from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appui.followup.access import get_review_for
from appui.followup.models import ProgressMark
from appui.planning.access import get_group_for, get_plan_for
from appui.planning.models import Plan
from appui.planning.selectors import plan_groups
from appui.schools.access import get_division_for, get_student_for

from . import tasks
from .access import can_print_division_letters
from .rendering import render_pdf
from .selectors import attendance_sheet_context, division_timetable, guardian_letter_context


def _respond(request, template, context, file_name):
    if request.GET.get("format") == "html":
        return render(request, template, context)
    return render_pdf(request, template, context, file_name=file_name)


@login_required
def plan_pdf(request, pk: int):
    """The period's group plan of a level, for the staff room board."""
    plan, _access = get_plan_for(request, pk)
    context = {"plan": plan, "by_slot": plan_groups(plan)}
    return _respond(
        request,
        "reports/plan.html",
        context,
        f"groupes-{plan.level.short_name}-{plan.period.name}-v{plan.version}",
    )


@login_required
def division_timetable_pdf(request, pk: int):
    """A division's AP timetable: its slots and, per period, the published groups."""
    division, _access = get_division_for(request, pk)
    context = {"division": division, **division_timetable(division)}
    return _respond(request, "reports/division_timetable.html", context, f"ap-{division.code}")


@login_required
def review_pdf(request, pk: int):
    """A student's stage review for the family (only validated reviews reach families)."""
    review, _access = get_review_for(request, pk)
    context = {"review": review, "level_labels": dict(ProgressMark.Level.choices)}
    return _respond(
        request,
        "reports/stage_review.html",
        context,
        f"bilan-{review.student.last_name}-{review.student.first_name}-{review.period.name}",
    )


@login_required
def guardian_letter_pdf(request, pk: int):
    """The letter telling guardians of the student's AP plan and tutor (seed 003): one copy
    per legal guardian's postal address, the address placed for a window envelope."""
    student, access = get_student_for(request, pk)
    if not access.is_staff_member:
        raise PermissionDenied
    context = guardian_letter_context(student)
    return _respond(
        request,
        "reports/guardian_letter.html",
        context,
        f"lettre-{student.last_name}-{student.first_name}",
    )


@login_required
def attendance_sheet_pdf(request, pk: int):
    """A group's attendance sheet: members × session dates, to sign on paper if needed."""
    group, _access = get_group_for(request, pk)
    context = attendance_sheet_context(group)
    return _respond(
        request,
        "reports/attendance_sheet.html",
        context,
        f"emargement-{group.module.code}-{group.pk}",
    )


# Batches: built by a background job (appui.reports.tasks), downloaded from the job's page.


@login_required
@require_POST
def division_letters(request, pk: int):
    """Start (or find running) the job printing the letters of every pupil of a division."""
    division, access = get_division_for(request, pk)
    if not can_print_division_letters(access, division):
        raise PermissionDenied
    job = tasks.start_division_letters(division, user=request.user)
    return redirect("jobs:job-detail", pk=job.pk)


@login_required
@require_POST
def plan_attendance_sheets(request, pk: int):
    """Start (or find running) the job printing the attendance sheets of a published plan."""
    plan, _access = get_plan_for(request, pk)
    if plan.status != Plan.Status.PUBLISHED:
        messages.error(request, _("Only a published plan has attendance sheets to print."))
        return redirect("planning:plan-detail", pk=plan.pk)
    job = tasks.start_attendance_sheets(plan, user=request.user)
    return redirect("jobs:job-detail", pk=job.pk)
