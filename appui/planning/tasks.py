"""Background tasks of the planning app."""

from django.conf import settings
from django_tasks import task

from appui.core.grouping.solver import solve

from . import grouping
from .models import Plan


@task()
def solve_plan(plan_id: int) -> str:
    """Solve one plan with the CP-SAT model and store the proposed groups."""
    plan = Plan.objects.select_related("level__year__school", "period").get(pk=plan_id)
    instance = grouping.build_instance(plan)
    solution = solve(instance, time_limit=settings.GROUPING_TIME_LIMIT, seed=plan.pk)
    grouping.store_solution(plan, solution)
    return solution.status
