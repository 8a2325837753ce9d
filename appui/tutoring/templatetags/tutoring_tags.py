"""The student's tutoring record, for the portfolio (student page): shown only to those who
may read it (see `appui.tutoring.access.can_read_student_tutoring`)."""

from django import template

from appui.schools.access import access_for

from ..access import can_read_student_tutoring
from ..selectors import student_tutorships

register = template.Library()


@register.simple_tag(takes_context=True)
def tutoring_record(context, student):
    """The student's tutorships with their meetings, or None when the viewer may not read
    them."""
    request = context.get("request")
    if request is None or student is None:
        return None
    access = access_for(request, student.school)
    if not access.is_member or not can_read_student_tutoring(access, student):
        return None
    return student_tutorships(student)
