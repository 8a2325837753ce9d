"""Writes of the planning app: need-group plans, moves, locks, publication."""

import hashlib
import json
from collections.abc import Callable, Collection

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appui.core.grouping.explain import explain
from appui.core.grouping.instance import InstanceError, Weights
from appui.diagnostics.models import NeedProfile
from appui.jobs.services import start_job
from appui.schools.computed import kept
from appui.schools.models import Level, Period, SchoolYear
from appui.schools.services import ChangedMeanwhile, EditConflict, text_version

from . import grouping, versions
from .models import Assignment, Group, Module, Partner, Plan, Resource, Room, Slot


@transaction.atomic
def plan_for_editing(*, level: Level, period: Period, user) -> Plan:
    """The plan being prepared for a level and period, or a new version of it.

    A published plan is never changed: a new draft version is made, starting from its groups.
    """
    editable = (
        Plan.objects.filter(
            level=level,
            period=period,
            status__in=[Plan.Status.DRAFT, Plan.Status.PROPOSED, Plan.Status.SOLVING],
        )
        .order_by("-version")
        .first()
    )
    if editable:
        return editable
    last = Plan.objects.filter(level=level, period=period).aggregate(v=Max("version"))["v"] or 0
    published = Plan.objects.filter(
        level=level, period=period, status=Plan.Status.PUBLISHED
    ).first()
    plan = Plan.objects.create(
        level=level,
        period=period,
        version=last + 1,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        weights=dict(published.weights) if published else {},
    )
    if published:
        _copy_groups(published, plan)
        plan.status = Plan.Status.PROPOSED
        plan.objective, plan.bound, plan.metrics = (
            published.objective,
            published.bound,
            published.metrics,
        )
        plan.save()
    return plan


def _copy_groups(source: Plan, target: Plan) -> None:
    for group in source.groups.prefetch_related("staff", "assignments"):
        copy = Group.objects.create(
            plan=target,
            slot_id=group.slot_id,
            round_id=group.round_id,
            module_id=group.module_id,
            room_id=group.room_id,
            label=group.label,
            locked=group.locked,
        )
        copy.staff.set(group.staff.all())
        Assignment.objects.bulk_create(
            Assignment(
                group=copy,
                student_id=a.student_id,
                locked=a.locked,
                lock_reason=a.lock_reason,
                explanation=a.explanation,
            )
            for a in group.assignments.all()
        )


def _require_editable(plan: Plan) -> None:
    if not plan.is_editable:
        raise ValidationError(_("This plan is published or being solved: it cannot be changed."))


@transaction.atomic
def plan_set_weights(*, plan: Plan, weights: dict) -> Plan:
    _require_editable(plan)
    try:
        Weights.from_dict(weights)
    except InstanceError as error:
        raise ValidationError(error.messages) from error
    plan.weights = weights
    plan.save(update_fields=["weights"])
    return plan


@transaction.atomic
def plan_solve(
    *, plan: Plan, minimal_change: bool = False, revision: int | None = None, user=None
) -> Plan:
    """Start solving in the background (the page polls the plan's status).

    The plan's ``progress`` records the mode: ``fresh`` (no groups yet), ``start`` (the
    current groups are the starting point and the solver never returns worse) or
    ``minimal`` (the same, changing as few placements as possible: mid-period adjustments).
    ``revision`` (the one the page was built on) refuses a stale request (``PlanChanged``).
    """
    from .tasks import solve_plan

    locked = versions.lock_for_write(plan, revision)
    _require_editable(locked)
    mode = "minimal" if minimal_change else "start"
    if not locked.groups.exists():
        mode = "fresh"
    plan.status = Plan.Status.SOLVING
    plan.solver_message = ""
    plan.progress = {"started": timezone.now().isoformat(), "mode": mode}
    if getattr(user, "is_authenticated", False):
        plan.progress["by"] = user.pk  # the author of the version the solve records
    # A background job (appui.jobs: its page shows the steps) per plan revision: a second
    # request for the same revision gets the job already running.
    job = start_job(
        "planning.solve",
        f"planning.solve:{plan.pk}:r{locked.revision}",
        solve_plan,
        plan.pk,
        title=_("Forming the groups — %(level)s, %(period)s")
        % {"level": plan.level.name, "period": plan.period.name},
        school=plan.level.year.school,
        user=user,
    )
    plan.progress["job"] = job.pk
    plan.save(update_fields=["status", "solver_message", "progress"])
    return plan


def _evaluation_key(plan: Plan, today) -> str:
    """What a plan's evaluation depends on besides the records outside the plan: its groups
    (the revision every write to them bumps), its weights and bound, the day (a round that
    has started is kept as it is) and the language of the messages."""
    weights = json.dumps(plan.weights or {}, sort_keys=True)
    language = translation.get_language() or ""
    return (
        f"r{plan.revision}:{today.isoformat()}:{language}:{weights}:{plan.bound}"
        f":{_inputs_key(plan)}"
    )


def _inputs_key(plan: Plan) -> str:
    """What the rules read outside the plan and a school changes between two moves: the
    level's pupils and their need profiles (a diagnosis imported, a pupil arrived or left),
    the school's rooms (a capacity) and active modules (sizes, sessions). Worked out again
    only when the school's records changed (``kept``: all of these bump its data version)."""
    school_id = plan.level.year.school_id
    return kept(
        school_id, "plan-inputs", [plan.pk], timezone.localdate(), lambda: _read_inputs_key(plan)
    )


def _read_inputs_key(plan: Plan) -> str:
    """:func:`_inputs_key` from the records: four aggregates, a few milliseconds against a
    hundred for evaluating the plan."""
    school = plan.level.year.school
    students = grouping.plan_students(plan).order_by().values("pk")
    needs = NeedProfile.objects.filter(student__in=students).aggregate(
        n=Count("pk"), latest=Max("computed_at")
    )
    rooms = Room.objects.filter(school=school).aggregate(n=Count("pk"), seats=Sum("capacity"))
    modules = Module.objects.filter(school=school, active=True).aggregate(
        n=Count("pk"),
        last=Max("pk"),
        sizes=Sum(F("min_size") + F("max_size") * 100 + F("sessions") * 10000),
    )
    pupils = grouping.plan_students(plan).order_by().count()
    row = (pupils, needs["n"], needs["latest"], rooms["n"], rooms["seats"], *modules.values())
    return hashlib.sha1(repr(row).encode()).hexdigest()[:12]


def plan_evaluation(plan: Plan) -> dict:
    """The plan's hard-rule violations, objective and metrics (``grouping.evaluate``), kept
    with the plan for its revision: a page shows the one stored while nothing changed, and
    evaluates (and stores) otherwise. Hand changes, solves and restores bump the revision; the
    changes outside the plan that the rules read (pupils, need profiles, rooms, modules:
    ``_inputs_key``) make the next view evaluate again."""
    key = _evaluation_key(plan, timezone.localdate())
    stored = (plan.progress or {}).get("evaluation")
    if isinstance(stored, dict) and stored.get("key") == key:
        return stored["value"]
    evaluation = grouping.evaluate(plan)
    _keep_evaluation(plan, evaluation)
    return evaluation


def _keep_evaluation(plan: Plan, evaluation: dict) -> None:
    """Store ``evaluation`` in the plan's progress, unless the plan changed meanwhile (another
    revision or status: the progress of a solve is never overwritten)."""
    key = _evaluation_key(plan, timezone.localdate())
    progress = {**(plan.progress or {}), "evaluation": {"key": key, "value": evaluation}}
    # An UPDATE without signals: keeping a result is not a change of the plan's records.
    if Plan.objects.filter(pk=plan.pk, revision=plan.revision, status=plan.status).update(
        progress=progress
    ):
        plan.progress = progress


def _refresh_evaluation(plan: Plan, *, students: Collection[int] | None = None) -> dict:
    """Re-check the plan after a hand change: hard rules, objective and metrics (the ones
    before are kept to show the difference), and the explanations of ``students`` only (all
    of them when None: a restore or a solve changes everyone's)."""
    before = dict(plan.metrics or {})
    if students is None:
        evaluation = grouping.evaluate(plan)
        instance, groups = None, None
    else:
        # Building the instance is most of a move's cost: one for the check and the
        # explanations.
        instance = grouping.build_instance(plan)
        groups = grouping.current_groups(plan)
        evaluation = grouping.evaluate(plan, instance=instance, groups=groups)
    plan.objective = evaluation["objective"]
    plan.metrics = evaluation["metrics"]
    plan.progress = {
        **(plan.progress or {}),
        "previous_metrics": before,
        "evaluation": {"key": _evaluation_key(plan, timezone.localdate()), "value": evaluation},
    }
    plan.save(update_fields=["objective", "metrics", "progress"])
    if students is None:
        grouping.refresh_explanations(plan)
    else:
        _refresh_explanations_of(plan, students, instance=instance, groups=groups)
    return evaluation


def _refresh_explanations_of(
    plan: Plan, students: Collection[int], *, instance=None, groups=None
) -> None:
    """Store the explanation of these pupils, and of the pupils they must stay with, for
    each of their groups in the plan. A pupil's sentence names their own group, needs,
    wishes, lock and partners (``appui.core.grouping.explain``): a hand change alters the
    sentences of the pupils it touches and nobody else's, so the other few hundred rows are
    left alone (rewriting them all made every move cost a quarter of a second)."""
    if not students:
        return
    if instance is None or groups is None:
        instance = grouping.build_instance(plan)
        groups = grouping.current_groups(plan)
    known = {s.id for s in instance.students}
    ids = {str(s) for s in students}
    for pair in instance.together:
        if ids & set(pair):
            ids |= set(pair)
    sentences: dict[tuple[int, int], str] = {}
    for sid in ids & known:
        for slot, sentence in zip(instance.slots, explain(instance, groups, sid), strict=False):
            for group in groups:
                if group.slot == slot.id and group.id and sid in group.students:
                    sentences[int(group.id), int(sid)] = sentence
    assignments = list(
        Assignment.objects.filter(group__plan=plan, student_id__in=[int(s) for s in ids])
    )
    grouping.save_explanations(
        assignments,
        {a.pk: sentences.get((a.group_id, a.student_id), "") for a in assignments},
    )


@transaction.atomic
def assignment_move(
    *,
    assignment: Assignment,
    group: Group,
    reason: str = "",
    user=None,
    revision: int | None = None,
) -> dict:
    """Move a student to another group of the same slot (and round); the move is locked (by
    hand). ``revision`` is the one the page was built on: a plan changed since is refused
    (``versions.PlanChanged``), nothing applied. Returns the plan's evaluation after it."""
    plan = assignment.group.plan
    current = versions.lock_for_write(plan, revision)
    _require_editable(current)
    source = Group.objects.get(pk=assignment.group_id)
    if (
        group.plan_id != plan.pk
        or group.slot_id != source.slot_id
        or group.round_id != source.round_id
    ):
        raise ValidationError(_("A student can only move to another group of the same slot."))
    if group.pk == source.pk:
        raise ValidationError(_("The student is already in this group."))
    if group.locked or source.locked:
        raise ValidationError(_("Unlock the group first."))
    # The plan as it stood is kept as a version before the first hand change (a plan formed
    # by the demo or before versions existed), so the move can be compared and undone.
    versions.ensure_baseline(plan, user)
    assignment.group = group
    assignment.locked = True
    assignment.lock_reason = reason or _("moved by hand")
    assignment.save(update_fields=["group", "locked", "lock_reason"])
    versions.bump_revision(plan)
    evaluation = _refresh_evaluation(plan, students={assignment.student_id})
    versions.record_moves(plan, user)
    return evaluation


@transaction.atomic
def assignment_set_lock(
    *, assignment: Assignment, locked: bool, reason: str = "", revision: int | None = None
) -> Assignment:
    """Lock a student in their group (the solver keeps them there) or free them."""
    plan = assignment.group.plan
    _require_editable(versions.lock_for_write(plan, revision))
    assignment.locked = locked
    assignment.lock_reason = (reason or _("locked by hand")) if locked else ""
    assignment.save(update_fields=["locked", "lock_reason"])
    versions.bump_revision(plan)
    _refresh_explanations_of(plan, {assignment.student_id})
    return assignment


@transaction.atomic
def group_set_lock(*, group: Group, locked: bool, revision: int | None = None) -> Group:
    """Lock a whole group (kept as it is when solving again) or free it."""
    _require_editable(versions.lock_for_write(group.plan, revision))
    group.locked = locked
    group.save(update_fields=["locked"])
    versions.bump_revision(group.plan)
    _refresh_explanations_of(
        group.plan, set(group.assignments.values_list("student_id", flat=True))
    )
    return group


@transaction.atomic
def plan_publish(*, plan: Plan, user, revision: int | None = None) -> Plan:
    """Publish a proposed plan that breaks no hard rule; the previous publication is kept
    as superseded, and the publication is recorded as a version.

    ``revision`` is the one the confirmation page showed: a plan changed since is refused
    (``PlanChanged``), so what is published is what the coordinator saw.
    """
    current = versions.lock_for_write(plan, revision)
    plan.status, plan.revision = current.status, current.revision
    if plan.status != Plan.Status.PROPOSED:
        raise ValidationError(_("Only a proposed plan can be published."))
    evaluation = grouping.evaluate(plan)
    if evaluation["violations"]:
        raise ValidationError(
            [_("This plan breaks rules and cannot be published:")] + evaluation["violations"]
        )
    Plan.objects.filter(level=plan.level, period=plan.period, status=Plan.Status.PUBLISHED).update(
        status=Plan.Status.SUPERSEDED
    )
    plan.status = Plan.Status.PUBLISHED
    plan.published_at = timezone.now()
    plan.save(update_fields=["status", "published_at"])
    versions.bump_revision(plan)
    versions.record(plan, versions.Origin.PUBLISH, user)
    for callback in _PUBLISH_HOOKS:
        callback(plan=plan)
    return plan


_PUBLISH_HOOKS: list[Callable[..., object]] = []


def on_publish(callback: Callable[..., object]) -> Callable[..., object]:
    """Call ``callback(plan=plan)`` inside every publication's transaction.

    Planning is a lower layer than the apps that act on a publication (follow-up generates
    the sessions): they register here, in their ``AppConfig.ready()``, instead of planning
    importing them. Registering the same callback twice has no effect.
    """
    if callback not in _PUBLISH_HOOKS:
        _PUBLISH_HOOKS.append(callback)
    return callback


# Which periods each slot runs in: one matrix for the year (the head's settings). -----------


def slot_periods_version(year: SchoolYear) -> str:
    """The version of a year's slot × period matrix, carried by its form (see
    ``appui.schools.services.EditConflict``): a save on a changed matrix is refused."""
    links = Slot.periods.through.objects.filter(slot__year=year).order_by("slot_id", "period_id")
    slots = Slot.objects.filter(year=year).order_by("pk").values_list("pk", flat=True)
    text = (
        ",".join(map(str, slots))
        + ";"
        + ",".join(f"{s}-{p}" for s, p in links.values_list("slot_id", "period_id"))
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@transaction.atomic
def slot_periods_set(*, year: SchoolYear, version: str, chosen: dict[int, set[int]]) -> None:
    """Set the periods each slot of ``year`` runs in (``chosen``: slot id → period ids)."""
    SchoolYear.objects.select_for_update().get(pk=year.pk)
    if slot_periods_version(year) != version:
        raise EditConflict
    period_ids = set(year.periods.values_list("pk", flat=True))
    for slot in Slot.objects.filter(year=year):
        slot.periods.set(chosen.get(slot.pk, set()) & period_ids)


# Modules and slots: two coordinators may edit one at once. ---------------------------------


def catalogue_version(row: Module | Slot | Partner | Resource) -> str:
    """The version a module's or slot's form carries: a fingerprint of every stored value of
    the row and of its many-to-many links (these models keep no last-change time)."""
    values: list[object] = [field.value_from_object(row) for field in row._meta.concrete_fields]
    for field in row._meta.many_to_many:
        values.append(sorted(getattr(row, field.name).values_list("pk", flat=True)))
    return text_version(repr(values))


@transaction.atomic
def catalogue_save(*, form, version: str | None) -> Module | Slot | Partner | Resource:
    """Save a module's, slot's, partner's or resource's bound, valid ``form``. Editing an
    existing row is refused (``ChangedMeanwhile``, nothing written) if the stored row no
    longer matches ``version``, the ``catalogue_version`` its form was opened on; ``None``
    skips the check."""
    row = form.instance
    if row.pk is not None:
        stored = type(row).objects.select_for_update().get(pk=row.pk)
        if version is not None and catalogue_version(stored) != version:
            raise ChangedMeanwhile()
    return form.save()
