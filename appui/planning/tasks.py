"""Background tasks of the planning app."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from appui.core.grouping import validation
from appui.core.grouping.instance import Group as CoreGroup
from appui.core.grouping.solver import solve

from . import grouping, versions
from .models import Plan

#: Objectives closer than this are equal (they are sums of integer terms).
TOLERANCE = 1e-6


@task()
def solve_plan(plan_id: int) -> str:
    """Solve one plan with the CP-SAT model and store the proposed groups.

    The plan's ``progress["mode"]`` (set by ``services.plan_solve``) says how: ``fresh``
    (no groups yet), ``start`` (the current groups, with their locks, are the starting
    point) or ``minimal`` (the same, each changed placement penalised). A re-solve keeps the
    current plan when the result is not better on the objective, or is the same plan: the
    page then says the solver found nothing better. Every stored result is recorded as a
    version, with the version it started from, for the before/after shown on the page.
    """
    plan = Plan.objects.select_related("level__year__school", "period").get(pk=plan_id)
    progress = dict(plan.progress or {})
    mode = progress.get("mode", "fresh")
    try:
        before = versions.ensure_recorded(plan, _author(plan))
        start = grouping.current_groups(plan) if mode != "fresh" else []
        instance = grouping.build_instance(plan)
        solution = solve(
            instance,
            time_limit=settings.GROUPING_TIME_LIMIT,
            seed=plan.pk,
            start=start or None,
            minimal_change=mode == "minimal",
        )
        kept = bool(start) and not _improves(instance, start, solution)
    except Exception:
        _give_back(plan, progress)
        raise
    if kept:
        _keep_current(plan, progress, solution, before)
        return solution.status
    with transaction.atomic():
        grouping.store_solution(plan, solution)
        if not solution.is_plan:
            return solution.status
        versions.bump_revision(plan)
        origin = versions.Origin.MINIMAL if mode == "minimal" else versions.Origin.SOLVE
        after = versions.record(plan, origin, _author(plan), based_on=before)
        plan.progress = {
            **(plan.progress or {}),
            "before": before.pk if before else None,
            "after": after.pk,
        }
        plan.save(update_fields=["progress"])
    return solution.status


def _author(plan: Plan):
    """Who asked for the solve (``progress["by"]``), for the version it records."""
    from django.contrib.auth import get_user_model

    by = (plan.progress or {}).get("by")
    return get_user_model().objects.filter(pk=by).first() if by else None


def _placements(groups) -> set:
    return {(g.slot, g.module, g.room, frozenset(g.staff), frozenset(g.students)) for g in groups}


def _improves(instance, start: list[CoreGroup], solution) -> bool:
    """Whether a re-solve's result should replace the plan it started from: a plan, not the
    same groups, and — when the start breaks no rule — a strictly higher objective (an
    equally good reshuffle would move pupils for nothing). The solver promises never worse;
    this keeps the promise at the door whatever the solver does (the objective compared is
    the plan's score, without the minimal-change penalty)."""
    if not solution.is_plan:
        return False
    if _placements(solution.groups) == _placements(start):
        return False
    current = validation.check(instance, start)
    if current.violations:
        return True  # a broken plan (a teacher away, a new pupil): any valid plan is better
    new = validation.check(instance, list(solution.groups))
    return new.objective > current.objective + TOLERANCE


def _keep_current(plan: Plan, progress: dict, solution, before) -> None:
    plan.status = Plan.Status.PROPOSED
    plan.solver_status = solution.status
    plan.solver_message = "" if solution.is_plan else "\n".join(solution.messages)
    plan.progress = {
        **progress,
        "finished": timezone.now().isoformat(),
        "unchanged": True,
        "before": before.pk if before else None,
        "after": None,
    }
    plan.save(update_fields=["status", "solver_status", "solver_message", "progress"])


def _give_back(plan: Plan, progress: dict) -> None:
    """A solve that crashed leaves the plan as it was, editable, never stuck "solving"."""
    plan.status = Plan.Status.PROPOSED if plan.groups.exists() else Plan.Status.DRAFT
    plan.solver_message = _("The solve failed: the plan is unchanged. Try again later.")
    plan.progress = {**progress, "failed": timezone.now().isoformat()}
    plan.save(update_fields=["status", "solver_message", "progress"])
