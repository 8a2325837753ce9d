from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from appui.planning.access import get_plan_for
from appui.planning.selectors import plan_groups
from appui.schools.access import get_division_for

from .rendering import render_pdf
from .selectors import division_timetable


def _respond(request, template, context, file_name):
    if request.GET.get("format") == "html":
        return render(request, template, context)
    return render_pdf(request, template, context, file_name=file_name)


@login_required
def plan_pdf(request, pk: int):
    """The period's group plan of a level, for the staff room board."""
    plan, _access = get_plan_for(request, pk)
    context = {"plan": plan, "by_slot": plan_groups(plan)}
    return _respond(
        request,
        "reports/plan.html",
        context,
        f"groupes-{plan.level.short_name}-{plan.period.name}-v{plan.version}",
    )


@login_required
def division_timetable_pdf(request, pk: int):
    """A division's AP timetable: its slots and, per period, the published groups."""
    division, _access = get_division_for(request, pk)
    context = {"division": division, **division_timetable(division)}
    return _respond(request, "reports/division_timetable.html", context, f"ap-{division.code}")
