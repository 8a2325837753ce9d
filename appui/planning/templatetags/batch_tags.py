"""``{% administers_academy user as flag %}``: whether to offer the académie's batch regrouping
(``planning:batch-academy``) — to académie administrators only."""

from django import template

from appui.schools.selectors import administered_academies

register = template.Library()


@register.simple_tag
def administers_academy(user) -> bool:
    return administered_academies(user).exists()
