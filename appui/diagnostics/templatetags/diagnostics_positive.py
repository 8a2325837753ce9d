"""``{% diagnosis_summary student as summary %}``: the positive summary from the diagnosis,
shown to the pupil and the family on the need-profile page instead of the ranked needs."""

from django import template

from appui.diagnostics import selectors

register = template.Library()


@register.simple_tag
def diagnosis_summary(student):
    """The student's strengths, progress and aims from the diagnosis alone."""
    return selectors.positive_summary(student)
