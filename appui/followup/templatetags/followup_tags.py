from django import template

from appui.core.hours import format_minutes
from appui.followup import selectors
from appui.followup.access import can_edit_reviews_of

register = template.Library()


@register.simple_tag
def staff_today(user):
    """Today's sessions of the groups the user runs, and the next one."""
    return {
        "sessions": selectors.today_sessions(user),
        "next": selectors.next_session(user),
    }


@register.simple_tag
def student_followup(student, access):
    """The AP follow-up block of a student's page, as the viewer may see it."""
    summary = selectors.student_summary(student, staff=access.is_staff_member)
    summary["is_self"] = student.user_id is not None and student.user_id == access.user.pk
    summary["can_edit_reviews"] = access.is_staff_member and can_edit_reviews_of(access, student)
    return summary


@register.filter
def minutes(value):
    """Minutes as French hours: 90 -> « 1 h 30 »."""
    if value is None:
        return "—"
    return format_minutes(int(value))


@register.filter
def minute_range(value):
    """A MinuteRange in French: « 42 h » or « de 40 h à 42 h »."""
    return str(value)


@register.filter
def percent(value):
    if value is None:
        return "—"
    return f"{round(float(value) * 100)} %"
