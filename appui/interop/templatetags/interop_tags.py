"""Links to the list exports."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from appui.core.io.tabular import ExportFormat

register = template.Library()

# Filters of the student list that an export keeps (the page number is not one).
STUDENT_FILTERS = ("q", "niveau", "division", "sortis")


# Exports of one object: kind → (URL name, the tag argument that holds the object).
OBJECT_EXPORTS = {
    "results": ("interop:result-export", "campaign"),
    "plan": ("interop:plan-export", "plan"),
    "group-sessions": ("interop:group-sessions-export", "group"),
    "attendance": ("interop:level-attendance-export", "level"),
    "hours-divisions": ("interop:hours-divisions-export", "level"),
    "hours-students": ("interop:hours-students-export", "level"),
}
# Exports of the user's school as a whole: kind → URL name.
SCHOOL_EXPORTS = {
    "staff": "interop:staff-export",
    "week": "interop:week-export",
    "hours": "interop:hours-export",
    "hours-staff": "interop:hours-staff-export",
    "lsu-template": "interop:lsu-template",
}
# Exports whose ``period`` argument picks the period.
PERIOD_EXPORTS = {"attendance", "lsu-template"}


@register.simple_tag(takes_context=True)
def export_href(
    context,
    export: str,
    export_format: str,
    division=None,
    campaign=None,
    plan=None,
    group=None,
    level=None,
    period=None,
    week=None,
) -> str:
    """The download URL of a list in one format, with the filters the page shows.

    ``period`` picks the period of a level's attendance or of the LSU template, ``week`` (a Monday) the week of the
    user's sessions.
    """
    params: list[tuple[str, str]] = []
    objects = {"campaign": campaign, "plan": plan, "group": group, "level": level}
    if export == "students":
        url = reverse("interop:student-export")
        if division:
            params.append(("division", str(division.pk)))
        else:
            request = context.get("request")
            query = request.GET if request is not None else {}
            params += [(key, query[key]) for key in STUDENT_FILTERS if query.get(key)]
    elif export in OBJECT_EXPORTS:
        name, argument = OBJECT_EXPORTS[export]
        url = reverse(name, args=[objects[argument].pk])
    elif export in SCHOOL_EXPORTS:
        url = reverse(SCHOOL_EXPORTS[export])
        if export == "week" and week:
            params.append(("semaine", week.isoformat()))
    else:
        raise template.TemplateSyntaxError(f"unknown export {export!r}")
    if export in PERIOD_EXPORTS and period:
        params.append(("periode", str(period.pk)))
    params.append(("format", ExportFormat(export_format).value))
    return f"{url}?{urlencode(params)}"


@register.simple_tag
def export_formats() -> list[ExportFormat]:
    return list(ExportFormat)
