"""Pupils' wishes on the school pages: the home panel and the student page's panel."""

from django import template

from appui.planning import wishes
from appui.schools.models import Membership

register = template.Library()


@register.simple_tag
def pupil_open_windows(access):
    """For a logged-in pupil: the windows open today for them, each with whether they have
    answered. Empty for everyone else."""
    if Membership.Role.STUDENT not in access.roles:
        return []
    pupil = wishes.pupil_of_user(access.user, access.school)
    if pupil is None:
        return []
    windows = wishes.student_windows(pupil, only_open=True)
    recorded = wishes.wishes_of(pupil, windows)
    return [{"window": w, "answered": bool(recorded.get(w.pk))} for w in windows]


@register.simple_tag
def student_wish_entries(student):
    """The windows of the pupil's level that have opened, with the pupil's wishes in each."""
    windows = wishes.student_windows(student)
    recorded = wishes.wishes_of(student, windows)
    return [
        {
            "window": w,
            "state": wishes.window_state(w),
            "wishes": recorded.get(w.pk, []),
        }
        for w in windows
    ]


@register.simple_tag
def level_wish_window(level, period):
    """The wishes window of a level and period with its state, or None (for the workspace)."""
    window = wishes.window_for(level, period)
    if window is None:
        return None
    return {"window": window, "state": wishes.window_state(window)}
