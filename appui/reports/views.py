from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from appui.followup.access import get_review_for
from appui.followup.models import ProgressMark, Session
from appui.planning.access import get_group_for, get_plan_for
from appui.planning.selectors import plan_groups, student_groups
from appui.schools.access import get_division_for, get_student_for
from appui.schools.selectors import letter_recipients

from .rendering import render_pdf
from .selectors import division_timetable


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
    tutorship = (
        student.tutorships.filter(end_date__isnull=True, proposed=False)
        .select_related("tutor__staff")
        .first()
    )
    context = {
        "student": student,
        "assignments": student_groups(student),
        "tutorship": tutorship,
        "recipients": letter_recipients(student),
        "today": timezone.localdate(),
    }
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
    members = group.assignments.select_related("student__division").order_by(
        "student__last_name", "student__first_name"
    )
    sessions = list(
        Session.objects.filter(group=group)
        .exclude(status=Session.Status.CANCELLED)
        .order_by("date", "start_time")
    )
    context = {"group": group, "members": members, "sessions": sessions}
    return _respond(
        request,
        "reports/attendance_sheet.html",
        context,
        f"emargement-{group.module.code}-{group.pk}",
    )
