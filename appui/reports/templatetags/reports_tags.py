from django import template

from appui.reports.access import can_print_division_letters

register = template.Library()


@register.filter
def may_print_letters(access, division) -> bool:
    """``{% if access|may_print_letters:division %}``: the division's batch of letters."""
    return access is not None and can_print_division_letters(access, division)
