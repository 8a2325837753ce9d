"""``{% family_summary student access as summary %}``: the positive summary pupils and
families see first on the student page and at home (None / empty for staff)."""

from django import template

from ..selectors.positive import family_summary as _family_summary
from ..selectors.positive import is_family_viewer

register = template.Library()


@register.simple_tag
def family_summary(student, access):
    """The student's positive summary when the viewer is the pupil or a guardian, else None
    (staff keep the detailed need profile)."""
    if not is_family_viewer(access):
        return None
    return _family_summary(student)


@register.simple_tag
def family_summaries(students, access):
    """``(student, summary)`` for each of the viewer's own students (pupil or guardian)."""
    if not is_family_viewer(access):
        return []
    return [(student, _family_summary(student)) for student in students]
