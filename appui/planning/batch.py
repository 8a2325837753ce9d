"""Batch regrouping: « proposer les groupes de la période suivante pour tous les niveaux » of
one school, or of every school of an académie (issue 19, item 3).

``batch_propose`` starts one parent job (kind ``planning.batch``) whose task, on a worker,
goes through the schools: for every level with AP it takes (or creates) the plan of the next
period and starts its solve with ``services.plan_solve`` — one job per plan, the same job the
plan's own page would start, so the solves spread over every worker. The parent job records,
in its ``data`` (``{"items": [...]}``), one entry per school and level: the plan and its solve
job, or the French reason the level could not be planned (no next period, no pupil, no slot,
no module); a school that fails for an unexpected reason is reported and the others go on.

Running it again starts nothing twice: a level whose plan is still being solved gets its
running job back (``start_job`` keys), a level whose next-period groups are already proposed
or published is left as it is (reported « already proposed »). Only the levels without groups
(never solved, or not solvable last time) are solved again.

The parent job itself only fans out (it is done once every solve is started: a worker never
waits for the others); the batch's progress — children finished / total, per school — is
read from the children on the batch page (``batch_status``).
"""

from __future__ import annotations

import hashlib
import logging
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, DurationField, ExpressionWrapper, F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from appui.jobs.models import Job
from appui.jobs.services import job_progress, start_job
from appui.schools.models import Level, Period, School
from appui.schools.selectors import current_year

from . import grouping, services
from .models import Plan

logger = logging.getLogger(__name__)

KIND = "planning.batch"
SOLVE_KIND = "planning.solve"

# What one entry of the batch is, on the page.
RUNNING, DONE, FAILED = "running", "done", "failed"


# Scope and estimate ----------------------------------------------------------------------


def next_period(school: School, today=None) -> Period | None:
    """The first period of the school's current year that starts after today (seed 004:
    « re-diagnostic après chaque période », the groups are formed again for the next one)."""
    year = current_year(school)
    if year is None:
        return None
    today = today or timezone.localdate()
    return year.periods.filter(start_date__gt=today).order_by("start_date", "number").first()


def ap_levels(school: School) -> list[Level]:
    year = current_year(school)
    if year is None:
        return []
    return list(year.levels.filter(has_ap=True).order_by("order", "year_in_cycle", "name"))


@dataclass
class Estimate:
    """What a batch will solve, and how long it should take with the workers there are."""

    schools: int = 0
    levels: int = 0
    pupils: int = 0
    workers: int = 1
    seconds_per_solve: float = 0.0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (school, reason)

    @property
    def wall_seconds(self) -> float:
        """ceil(levels / workers) rounds of one solve each (docs/deploiement.md)."""
        return math.ceil(self.levels / max(1, self.workers)) * self.seconds_per_solve

    @property
    def wall_minutes(self) -> int:
        return max(1, math.ceil(self.wall_seconds / 60)) if self.levels else 0


def batch_estimate(schools) -> Estimate:
    estimate = Estimate(workers=worker_count(), seconds_per_solve=seconds_per_solve())
    for school in schools:
        estimate.schools += 1
        period = next_period(school)
        if period is None:
            estimate.skipped.append((school.name, _("no period after today this school year")))
            continue
        for level in ap_levels(school):
            estimate.levels += 1
            estimate.pupils += grouping.plan_students(Plan(level=level, period=period)).count()
    return estimate


def worker_count() -> int:
    """Live RQ workers on the default queue; 1 for the other backends (one worker process)."""
    if "rq" not in settings.TASKS["default"]["BACKEND"].lower():
        return 1
    try:
        import django_rq
        from rq import Worker

        return max(1, Worker.count(queue=django_rq.get_queue("default")))
    except Exception:  # Redis unreachable right now: the estimate assumes one
        return 1


def seconds_per_solve() -> float:
    """The mean time of the last solves, or the solver's time limit plus reading and saving."""
    recent = (
        Job.objects.filter(kind=SOLVE_KIND, status=Job.Status.DONE, started_at__isnull=False)
        .order_by("-finished_at")
        .values_list("pk", flat=True)[:50]
    )
    mean = (
        Job.objects.filter(pk__in=list(recent))
        .annotate(
            took=ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
        )
        .aggregate(mean=Avg("took"))["mean"]
    )
    if mean is not None:
        return max(0.1, mean.total_seconds())
    return float(settings.GROUPING_TIME_LIMIT) + 2.0


# Starting the batch ----------------------------------------------------------------------


def batch_key(school_ids: list[int]) -> str:
    if len(school_ids) == 1:
        return f"{KIND}:school:{school_ids[0]}"
    digest = hashlib.sha1(",".join(map(str, school_ids)).encode()).hexdigest()[:20]
    return f"{KIND}:schools:{len(school_ids)}:{digest}"


def batch_propose(*, schools, period_choice: str = "next", user, title: str = "") -> Job:
    """The parent job proposing the next period's groups of every level of ``schools``.

    While the same batch (same schools) is still starting its solves, the same job is
    returned. Only ``period_choice="next"`` exists.
    """
    if period_choice != "next":
        raise ValueError(f"Unknown period choice: {period_choice}")
    school_list = list(schools)
    ids = sorted(s.pk for s in school_list)
    if not title:
        if len(school_list) == 1:
            title = _("Groups of the next period — %(school)s") % {"school": school_list[0].name}
        else:
            title = ngettext(
                "Groups of the next period — %(n)d school",
                "Groups of the next period — %(n)d schools",
                len(ids),
            ) % {"n": len(ids)}
    return start_job(
        KIND,
        batch_key(ids),
        propose_batch,
        ids,
        period_choice,
        title=title,
        school=school_list[0] if len(school_list) == 1 else None,
        user=user,
    )


@task()
def propose_batch(school_ids: list[int], period_choice: str = "next", job_id=None) -> str:
    """Fan out: one solve job per (school, level with AP); failures isolated per school."""
    with job_progress(job_id) as progress:
        if progress.skip:
            return "skipped"
        parent = Job.objects.filter(pk=job_id).select_related("started_by").first()
        user = parent.started_by if parent else None
        schools = list(School.objects.filter(pk__in=school_ids).order_by("name"))
        url = reverse("planning:batch-detail", args=[job_id]) if job_id else ""
        progress.link(url)
        items: list[dict] = []
        for index, school in enumerate(schools):
            progress.step(index, len(schools), school.name)
            try:
                items.extend(_propose_school(school, user))
            except Exception as error:  # one school's surprise must not stop the others
                logger.exception("Batch %s: school %s failed", job_id, school.pk)
                items.append(
                    _item(
                        school,
                        error=_("This school could not be planned (%(error)s).")
                        % {"error": type(error).__name__},
                    )
                )
            if job_id:  # the page shows the entries as they come
                Job.objects.filter(pk=job_id).update(data={"items": items})
        progress.step(len(schools), len(schools))
        started = sum(1 for i in items if i.get("job"))
        failed = sum(1 for i in items if i.get("error"))
        summary = ngettext("%(n)d solve started", "%(n)d solves started", started) % {"n": started}
        if failed:
            summary += " · " + ngettext(
                "%(n)d level could not be planned", "%(n)d levels could not be planned", failed
            ) % {"n": failed}
        progress.finish(url=url, summary=summary)
        return "ok"


def _item(school: School, level: Level | None = None, **extra) -> dict:
    return {
        "school": school.pk,
        "school_name": school.name,
        "level": level.pk if level else None,
        "level_name": level.name if level else "",
        **extra,
    }


def _propose_school(school: School, user) -> list[dict]:
    if current_year(school) is None:
        return [_item(school, error=_("This school has no school year."))]
    period = next_period(school)
    if period is None:
        return [_item(school, error=_("No period starts after today in the current school year."))]
    levels = ap_levels(school)
    if not levels:
        return [_item(school, error=_("No level of this school has AP."))]
    return [_propose_level(school, level, period, user) for level in levels]


def _propose_level(school: School, level: Level, period: Period, user) -> dict:
    item = _item(school, level, period=period.pk, period_name=period.name)
    reason = _cannot_plan(level, period)
    if reason:
        return {**item, "error": reason}
    published = Plan.objects.filter(
        level=level, period=period, status=Plan.Status.PUBLISHED
    ).first()
    if published is not None:
        return {**item, "plan": published.pk, "kept": "published"}
    plan = services.plan_for_editing(level=level, period=period, user=user)
    item["plan"] = plan.pk
    if plan.status == Plan.Status.SOLVING:
        job = (plan.progress or {}).get("job")
        return {**item, "job": job} if job else {**item, "kept": "solving"}
    if plan.groups.exists():
        return {**item, "kept": "proposed"}
    plan = services.plan_solve(plan=plan, user=user)
    return {**item, "job": (plan.progress or {}).get("job")}


def _cannot_plan(level: Level, period: Period) -> str:
    """Why the level cannot be planned for this period, in French; "" when it can."""
    fake = Plan(level=level, period=period)
    if not grouping.plan_students(fake).exists():
        return _("No pupil in this level this year.")
    if not grouping.plan_slots(fake).exists():
        return _("No slot (barrette) is set for this level in this period.")
    if not grouping.plan_modules(fake).exists():
        return _("No active module in the school's module catalogue.")
    return ""


# Reading a batch -------------------------------------------------------------------------


@dataclass
class Entry:
    level_name: str
    state: str  # RUNNING, DONE, FAILED
    note: str = ""
    plan_id: int | None = None
    job_id: int | None = None


@dataclass
class SchoolRow:
    school_id: int
    name: str
    entries: list[Entry] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for e in self.entries if e.state == state)

    @property
    def done(self) -> int:
        return self.count(DONE)

    @property
    def failed(self) -> int:
        return self.count(FAILED)

    @property
    def running(self) -> int:
        return self.count(RUNNING)


@dataclass
class BatchStatus:
    job: Job
    schools: list[SchoolRow]

    @property
    def entries(self) -> list[Entry]:
        return [e for row in self.schools for e in row.entries]

    @property
    def total(self) -> int:
        return len(self.entries)

    @property
    def finished(self) -> int:
        return sum(1 for e in self.entries if e.state != RUNNING)

    def count(self, state: str) -> int:
        return sum(1 for e in self.entries if e.state == state)

    @property
    def count_done(self) -> int:
        return self.count(DONE)

    @property
    def count_failed(self) -> int:
        return self.count(FAILED)

    @property
    def count_running(self) -> int:
        return self.count(RUNNING)

    @property
    def is_finished(self) -> bool:
        """The fan-out is over and every child has finished (or never started)."""
        return self.job.is_finished and self.finished == self.total

    @property
    def percent(self) -> int:
        return round(100 * self.finished / self.total) if self.total else 0


def batch_status(job: Job) -> BatchStatus:
    """Per school, each level: done, failed (with its reason) or running; from the children."""
    items = (job.data or {}).get("items", [])
    children = {
        c.pk: c
        for c in Job.objects.filter(pk__in=[i["job"] for i in items if i.get("job")]).only(
            "pk", "status", "error", "heartbeat_at", "started_at", "created_at"
        )
    }
    plans = {
        p.pk: p
        for p in Plan.objects.filter(pk__in=[i["plan"] for i in items if i.get("plan")]).only(
            "pk", "status", "solver_message"
        )
    }
    with_groups = set(
        Plan.objects.filter(pk__in=list(plans), groups__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    )
    rows: dict[int, SchoolRow] = {}
    for item in items:
        row = rows.setdefault(item["school"], SchoolRow(item["school"], item["school_name"]))
        row.entries.append(_entry(item, children, plans, with_groups))
    return BatchStatus(job=job, schools=list(rows.values()))


def _entry(item: dict, children: dict, plans: dict, with_groups: set) -> Entry:
    entry = Entry(
        level_name=item.get("level_name") or "",
        state=DONE,
        plan_id=item.get("plan"),
        job_id=item.get("job"),
    )
    if item.get("error"):
        entry.state, entry.note = FAILED, item["error"]
    elif item.get("kept") == "published":
        entry.note = _("Already published: left as it is.")
    elif item.get("kept") in ("proposed", "solving"):
        entry.note = _("Groups already proposed: left as they are.")
    elif item.get("job"):
        child = children.get(item["job"])
        plan = plans.get(item.get("plan"))
        if child is None:
            entry.state, entry.note = FAILED, _("Its solve job no longer exists.")
        elif child.status == Job.Status.FAILED:
            entry.state, entry.note = FAILED, child.error or _("The solve failed.")
        elif not child.is_finished:
            entry.state = RUNNING
            entry.note = (
                _("Being solved")
                if child.status == Job.Status.RUNNING
                else _("Waiting for a worker")
            )
        elif plan is not None and plan.pk in with_groups:
            entry.note = _("Groups proposed")
        else:
            entry.state = FAILED
            entry.note = (plan.solver_message if plan else "") or _("No plan could be formed.")
    return entry
