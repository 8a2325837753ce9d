"""Study help on the home page: the pupil's (or the guardian's children's) next sign-ups, and
the supervisor's slots."""

from django import template
from django.utils import timezone

from appui.schools.models import Membership, Student

from ..access import own_pupil, own_staff
from ..selectors import study_help_signups_of, study_help_supervisor_home

register = template.Library()

HOME_SIGNUPS = 5


@register.simple_tag
def study_help_home(access):
    """For a pupil: ``{"pupil": True, "signups": …}``; for a guardian, their children's
    sign-ups; None for everyone else."""
    now = timezone.now()
    pupil = own_pupil(access)
    if pupil is not None:
        return {"pupil": True, "signups": study_help_signups_of([pupil], now, limit=HOME_SIGNUPS)}
    if Membership.Role.GUARDIAN not in access.roles:
        return None
    children = Student.objects.filter(school=access.school, guardians__user=access.logged_in_user)
    return {"pupil": False, "signups": study_help_signups_of(children, now, limit=HOME_SIGNUPS)}


@register.simple_tag
def study_help_staff_home(access):
    """For a supervisor: slots with attendance to take and their next slots; for the head and
    coordinators, at least the way to the study-help page. None for everyone else."""
    staff = own_staff(access)
    slots = study_help_supervisor_home(staff, timezone.now()) if staff is not None else {}
    if not (slots.get("to_record") or slots.get("upcoming") or access.can_coordinate):
        return None
    return slots
