"""French typography in templates:

- ``{{ text|elided:name }}`` turns « de Alexis » into « d'Alexis » once a translated sentence
  has the name in it (``appui.core.text``);
- ``{{ day|french_date:"j F Y" }}`` is Django's ``date`` filter that writes the first day of
  a month « 1er décembre » in French (``appui.core.text.first_of_month_format``); use it
  wherever a day and a month name are shown.
"""

from django import template
from django.utils import formats
from django.utils.translation import get_language

from appui.core.text import first_of_month_format, with_elision

register = template.Library()


@register.filter(is_safe=True)
def elided(text, word) -> str:
    return with_elision(str(text), str(word or ""))


@register.filter(expects_localtime=True, is_safe=False)
def french_date(value, arg: str | None = None) -> str:
    """``date`` with « 1er » for the first day of a month in French; "" for no date."""
    if value in (None, ""):
        return ""
    day = getattr(value, "day", None)
    if day is None:
        return ""
    if not arg:
        return formats.date_format(value)
    return formats.date_format(value, first_of_month_format(arg, day, get_language() or ""))
