"""Background tasks of the planning app."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from appui.core.grouping import validation
from appui.core.grouping.instance import Group as CoreGroup
from appui.core.grouping.solver import solve
from appui.jobs.services import job_progress

from . import grouping, versions
from .models import Plan

#: Objectives closer than this are equal (they are sums of integer terms).
TOLERANCE = 1e-6


@task()
def solve_plan(plan_id: int, job_id: int | None = None) -> str:
    """Solve one plan with the CP-SAT model and store the proposed groups.

    The plan's ``progress["mode"]`` (set by ``services.plan_solve``) says how: ``fresh``
    (no groups yet), ``start`` (the current groups, with their locks, are the starting
    point) or ``minimal`` (the same, each changed placement penalised). A re-solve keeps the
    current plan when the result is not better on the objective, or is the same plan: the
    page then says the solver found nothing better. Every stored result is recorded as a
    version, with the version it started from, for the before/after shown on the page.

    Run as the job ``job_id`` (``appui.jobs``): its page shows the steps. Safe to run twice:
    a plan no longer "solving" (solved already, or given back) is left alone, and the groups
    are written in one transaction at the end, so a worker killed mid-solve wrote nothing
    and the job can simply run again. A failure gives the plan back (editable, unchanged)
    only on the last attempt: before that, the backend retries.
    """
    with job_progress(job_id) as job:
        if job.skip:
            return "skipped"
        plan = Plan.objects.select_related("level__year__school", "period").get(pk=plan_id)
        url = reverse("planning:plan-detail", args=[plan.pk])
        job.link(url)
        if plan.status != Plan.Status.SOLVING:
            job.finish(url=url, summary=_("Nothing to do: this plan was not waiting for a solve."))
            return "skipped"
        status, kept = _solve(plan, job)
        job.finish(url=url, summary=_summary(plan, kept))
        return status


def _solve(plan: Plan, job) -> tuple[str, bool]:
    """The solver's status, and whether the current plan was kept (nothing better)."""
    progress = dict(plan.progress or {})
    try:
        return _solve_and_store(plan, job, progress)
    except Exception:
        if not job.retries_follow:
            _give_back(plan, progress)
        raise


def _solve_and_store(plan: Plan, job, progress: dict) -> tuple[str, bool]:
    mode = progress.get("mode", "fresh")
    job.step(1, 3, _("Reading the needs, the slots and the modules"))
    before = versions.ensure_recorded(plan, _author(plan))
    start = grouping.current_groups(plan) if mode != "fresh" else []
    instance = grouping.build_instance(plan)
    job.step(2, 3, _("Searching for the best groups"))
    solution = solve(
        instance,
        time_limit=settings.GROUPING_TIME_LIMIT,
        seed=plan.pk,
        start=start or None,
        minimal_change=mode == "minimal",
    )
    job.step(3, 3, _("Saving the groups"))
    if bool(start) and not _improves(instance, start, solution):
        _keep_current(plan, progress, solution, before)
        return solution.status, True
    with transaction.atomic():
        grouping.store_solution(plan, solution)
        if not solution.is_plan:
            return solution.status, False
        versions.bump_revision(plan)
        origin = versions.Origin.MINIMAL if mode == "minimal" else versions.Origin.SOLVE
        after = versions.record(plan, origin, _author(plan), based_on=before)
        plan.progress = {
            **(plan.progress or {}),
            "before": before.pk if before else None,
            "after": after.pk,
        }
        plan.save(update_fields=["progress"])
    return solution.status, False


def _summary(plan: Plan, kept: bool) -> str:
    if kept:
        return _("The solver found nothing better: the plan is unchanged.")
    if plan.groups.exists():
        return _("The groups are formed: review them, then publish the plan.")
    return _("No plan could be formed: the plan page says why.")


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
