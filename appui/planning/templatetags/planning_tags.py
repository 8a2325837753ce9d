from django import template

from appui.planning import selectors

register = template.Library()


@register.simple_tag
def student_groups(student):
    """Published need groups of a student, newest period first."""
    return list(selectors.student_groups(student))


@register.simple_tag
def staff_groups(user):
    """Published need groups the user runs."""
    return list(selectors.staff_groups(user))
