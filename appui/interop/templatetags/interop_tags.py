"""Links to the list exports."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from appui.core.io.tabular import ExportFormat

register = template.Library()

# Filters of the student list that an export keeps (the page number is not one).
STUDENT_FILTERS = ("q", "niveau", "division", "sortis")


@register.simple_tag(takes_context=True)
def export_href(
    context, export: str, export_format: str, division=None, campaign=None, plan=None
) -> str:
    """The download URL of a list in one format, with the filters the page shows."""
    params: list[tuple[str, str]] = []
    if export == "students":
        url = reverse("interop:student-export")
        if division:
            params.append(("division", str(division.pk)))
        else:
            request = context.get("request")
            query = request.GET if request is not None else {}
            params += [(key, query[key]) for key in STUDENT_FILTERS if query.get(key)]
    elif export == "staff":
        url = reverse("interop:staff-export")
    elif export == "results":
        url = reverse("interop:result-export", args=[campaign.pk])
    elif export == "plan":
        url = reverse("interop:plan-export", args=[plan.pk])
    else:
        raise template.TemplateSyntaxError(f"unknown export {export!r}")
    params.append(("format", ExportFormat(export_format).value))
    return f"{url}?{urlencode(params)}"


@register.simple_tag
def export_formats() -> list[ExportFormat]:
    return list(ExportFormat)
