"""``{% panels "place" %}``: the partials other apps registered for a place of a school page."""

from django import template
from django.utils.safestring import mark_safe

from appui.schools.panels import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, place: str):
    """Render each panel of ``place`` with the page's context, as ``{% include %}`` would."""
    parts = []
    for panel in panels_for(place):
        partial = context.template.engine.get_template(panel.template_name)
        with context.push(**panel.context):
            parts.append(partial.render(context))
    # Each part is the output of a template, escaped by it.
    return mark_safe("".join(parts))
