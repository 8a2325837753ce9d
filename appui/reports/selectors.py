from django.utils import timezone

from appui.followup.models import Session
from appui.planning.models import Group, Plan, Slot
from appui.planning.selectors import student_groups
from appui.schools.selectors import letter_recipients


def division_timetable(division) -> dict:
    slots = (
        Slot.objects.filter(divisions=division)
        .prefetch_related("periods")
        .order_by("weekday", "start_time")
    )
    groups = (
        Group.objects.filter(
            plan__status=Plan.Status.PUBLISHED, assignments__student__division=division
        )
        .select_related("slot", "module", "room", "plan__period", "round")
        .prefetch_related("staff")
        .distinct()
        .order_by(
            "plan__period__number",
            "round__number",
            "slot__weekday",
            "slot__start_time",
            "module__code",
        )
    )
    by_period: dict = {}
    for group in groups:
        by_period.setdefault(group.plan.period, []).append(group)
    return {"slots": slots, "by_period": by_period}


def guardian_letter_context(student) -> dict:
    """What ``reports/guardian_letter.html`` shows of one student (one letter per postal
    address of a legal guardian), for the single letter and the division's batch."""
    tutorship = (
        student.tutorships.filter(end_date__isnull=True, proposed=False)
        .select_related("tutor__staff")
        .first()
    )
    return {
        "student": student,
        "assignments": student_groups(student),
        "tutorship": tutorship,
        "recipients": letter_recipients(student),
        "today": timezone.localdate(),
    }


def attendance_sheet_context(group) -> dict:
    """What ``reports/attendance_sheet.html`` shows of one group: members × session dates."""
    members = group.assignments.select_related("student__division").order_by(
        "student__last_name", "student__first_name"
    )
    sessions = list(
        Session.objects.filter(group=group)
        .exclude(status=Session.Status.CANCELLED)
        .order_by("date", "start_time")
    )
    return {"group": group, "members": members, "sessions": sessions}
