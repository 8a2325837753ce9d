"""French typography in templates: ``{{ text|elided:name }}`` turns « de Alexis » into
« d'Alexis » once a translated sentence has the name in it (``appui.core.text``)."""

from django import template

from appui.core.text import with_elision

register = template.Library()


@register.filter(is_safe=True)
def elided(text, word) -> str:
    return with_elision(str(text), str(word or ""))
