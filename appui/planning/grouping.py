"""The only bridge between the ORM and the grouping solver (`appui.core.grouping`).

`build_instance` turns a plan's level, period, slots, modules, need profiles, last period's
groups and the coordinator's locks into a solver instance; `store_solution` writes the
solver's groups back. Identifiers in the instance: students, staff and rooms by primary key,
slots as "s<pk>", modules by code. A deepening need is keyed apart and served only by
approfondissement modules (the rule and its key live in `appui.core.needs.keys`).

Rounds (séquences, ``rounds.py``): when the plan's period is cut into rounds, each (slot,
round) pair is a slot of its own for the solver, "s<slot pk>-r<round pk>": every pupil is
placed once per slot and round, staff and rooms are available in every round (different
weeks), a module opens only in the rounds with dates enough for its sessions, and the groups
of a round that has started are kept whole (locked groups) while the later rounds are formed
again from the current need profiles.
"""

import dataclasses
import datetime as dt
from collections.abc import Collection

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from appui.audit import trail
from appui.core.grouping import validation as core_validation
from appui.core.grouping.explain import explain_all
from appui.core.grouping.instance import (
    Group as CoreGroup,
)
from appui.core.grouping.instance import (
    Instance,
    Lock,
    PreviousGroup,
    Weights,
)
from appui.core.grouping.instance import (
    Module as CoreModule,
)
from appui.core.grouping.instance import (
    Room as CoreRoom,
)
from appui.core.grouping.instance import (
    Slot as CoreSlot,
)
from appui.core.grouping.instance import (
    Staff as CoreStaff,
)
from appui.core.grouping.instance import (
    Student as CoreStudent,
)
from appui.core.grouping.solution import Solution
from appui.core.needs import NeedKind, need_key, parse_need_key
from appui.diagnostics.selectors import need_levels
from appui.schools.models import Enrolment, Student
from appui.schools.selectors import students_of, with_division_of

from . import rounds as round_rules
from . import wishes
from .models import Assignment, Group, Module, Plan, Room, Round, Slot

DEEPENING = Module.Kind.DEEPENING


# The need level a module's groups are meant for, by kind: support aims at the strongest
# needs, the other kinds at marked ones. With it the solver keeps students of similar need
# levels together (the "homogeneity" weight; see docs/grouping.md).
TARGET_LEVEL_BY_KIND = {
    Module.Kind.SUPPORT: 3,
    Module.Kind.METHODS: 2,
    Module.Kind.EXPRESSION: 2,
    Module.Kind.CULTURAL: 2,
    Module.Kind.ORIENTATION: 2,
    Module.Kind.DEEPENING: 2,
}


def slot_key(slot_id: int, round_id: int | None = None) -> str:
    """The solver's id of a slot, or of a slot in one round of the period."""
    return f"s{slot_id}" if round_id is None else f"s{slot_id}-r{round_id}"


def group_key(group: Group) -> str:
    return slot_key(group.slot_id, group.round_id)


def module_competency(module: Module) -> str:
    """The solver key a module focuses on: deepening modules serve deepening needs only."""
    return need_key(module.competency.code, deepening=module.kind == DEEPENING)


def plan_students(plan: Plan):
    """The pupils of the plan's level in its own year (``students_of``: the enrolments of a
    past or upcoming year), each with ``year_division_code``, their division that year."""
    year = plan.level.year
    students = with_division_of(students_of(year, level=plan.level), year)
    if not year.is_current:
        # Their scheme that year (a pupil may have joined or left a SEGPA, ULIS… since).
        enrolment = Enrolment.objects.filter(year=year, student=OuterRef("pk"))
        students = students.annotate(year_scheme=Subquery(enrolment.values("scheme")[:1]))
    # Their terminale parcours that year (chosen each year, kept on the enrolment).
    chosen = Enrolment.objects.filter(year=year, student=OuterRef("pk")).values("parcours")
    students = students.annotate(year_parcours=Subquery(chosen[:1]))
    return students.order_by("last_name", "first_name")


def plan_slots(plan: Plan):
    return (
        Slot.objects.filter(level=plan.level, periods=plan.period)
        .prefetch_related("staff", "rooms")
        .order_by("weekday", "start_time")
    )


def plan_modules(plan: Plan):
    return (
        Module.objects.filter(school=plan.level.year.school, active=True)
        .select_related("competency")
        .prefetch_related("staff")
        .order_by("code")
    )


def plan_rounds(plan: Plan) -> list[Round]:
    """The rounds of the plan's period for its level (none: the period is one sequence)."""
    return round_rules.rounds_of(plan.level, plan.period)


def frozen_rounds(plan: Plan, rounds: list[Round], today: dt.date | None = None) -> set[int]:
    """Rounds that have started and hold groups of this plan: those groups are kept as they
    are when the plan is formed again (seed 004: the pupils follow them already)."""
    started = {r.pk for r in rounds if round_rules.is_started(r, today)}
    if not started:
        return set()
    return set(
        plan.groups.filter(round_id__in=started).values_list("round_id", flat=True).distinct()
    )


def instance_slots(
    plan: Plan, rounds: list[Round] | None = None
) -> dict[str, tuple[Slot, Round | None]]:
    """The solver's slots of a plan, by id: each slot, or each (slot, round) pair."""
    rounds = plan_rounds(plan) if rounds is None else rounds
    out: dict[str, tuple[Slot, Round | None]] = {}
    for slot in plan_slots(plan):
        if not rounds:
            out[slot_key(slot.pk)] = (slot, None)
        for r in rounds:
            out[slot_key(slot.pk, r.pk)] = (slot, r)
    return out


def student_needs(profile_needs: dict) -> dict[str, int]:
    """Solver needs from a stored profile: level per competency, deepening ones keyed apart."""
    needs: dict[str, int] = {}
    for code, need in profile_needs.items():
        level = int(need.get("level", 0))
        if not level:
            continue
        key = need_key(code, deepening=need.get("kind") == NeedKind.DEEPENING)
        needs[key] = max(needs.get(key, 0), level)
    return needs


def previous_plan(plan: Plan) -> Plan | None:
    """Last period's published plan of the same level (seed 002: groups must change)."""
    return (
        Plan.objects.filter(
            level=plan.level,
            period__year=plan.period.year,
            period__number__lt=plan.period.number,
            status=Plan.Status.PUBLISHED,
        )
        .order_by("-period__number")
        .first()
    )


def build_instance(plan: Plan, today: dt.date | None = None) -> Instance:
    """The solver instance of a plan: its students' needs and special schemes, the slots'
    staff and rooms (per round when the period is cut), the modules, last period's groups,
    what is locked and whether the level keeps special schemes apart."""
    students = list(plan_students(plan))
    modules = list(plan_modules(plan))
    competencies = sorted({module_competency(m) for m in modules})
    # Only the levels and kinds the modules work on, not each pupil's whole profile.
    profiles = need_levels(
        [s.pk for s in students], {parse_need_key(key)[0] for key in competencies}
    )
    rounds = plan_rounds(plan)
    slots = instance_slots(plan, rounds)
    frozen = frozen_rounds(plan, rounds, today)
    # Dates of each slot in each round: a module opens where its sessions fit.
    sessions = {
        key: None if r is None else len(round_rules.round_dates(r, slot))
        for key, (slot, r) in slots.items()
    }
    locked, locked_groups = _locks(plan, frozen, bool(rounds))
    # Pupils' wished modules, in rank order (appui/planning/wishes.py).
    wished = wishes.wishes_by_student(plan, codes={m.code for m in modules})
    core_students = tuple(
        _core_student(s, profiles.get(s.pk, {}), competencies, wished.get(s.pk, ()))
        for s in students
    )
    if frozen:
        core_students = _absent_from_frozen(core_students, slots, frozen, locked_groups)
    return Instance(
        competencies=tuple(competencies),
        students=core_students,
        slots=_core_slots(slots, modules),
        modules=tuple(_core_module(m, _module_slots(m, sessions)) for m in modules),
        previous_groups=_previous_groups(plan),
        weights=Weights.from_dict(plan.weights or {}),
        locked=tuple(locked),
        locked_groups=tuple(locked_groups),
        competency_labels={module_competency(m): m.competency.label for m in modules},
        # SEGPA, ULIS and UPE2A pupils get groups of their own unless the level says not.
        separate_schemes=plan.level.separate_schemes,
        # Terminale: the two parcours (and pupils who have not chosen) in groups of their own
        # when the level says so (seed 001; off by default).
        separate_parcours=plan.level.group_by_parcours,
    )


def _absent_from_frozen(
    students: tuple[CoreStudent, ...],
    slots: dict[str, tuple[Slot, Round | None]],
    frozen: set[int],
    locked_groups: list[CoreGroup],
) -> tuple[CoreStudent, ...]:
    """A pupil in no group of a started round (arrived since) is not placed in it: its
    groups are kept as they are."""
    frozen_keys = {key for key, (_slot, r) in slots.items() if r is not None and r.pk in frozen}
    placed = {(s, g.slot) for g in locked_groups if g.slot in frozen_keys for s in g.students}
    return tuple(
        dataclasses.replace(
            student,
            unavailable_slots=student.unavailable_slots
            | {key for key in frozen_keys if (student.id, key) not in placed},
        )
        if any((student.id, key) not in placed for key in frozen_keys)
        else student
        for student in students
    )


def _module_slots(module: Module, sessions: dict[str, int | None]) -> frozenset[str] | None:
    """Where a module may open: every slot, or in a period cut into rounds only the (slot,
    round) pairs with at least as many dates as the module has sessions (``sessions``: the
    dates of each solver slot, None for a slot of a period without rounds)."""
    fitting = frozenset(key for key, n in sessions.items() if n is None or module.sessions <= n)
    return None if len(fitting) == len(sessions) else fitting


def _core_slots(
    slots: dict[str, tuple[Slot, Round | None]], modules: list[Module]
) -> tuple[CoreSlot, ...]:
    """The plan's slots (per round) with the staff able to run one of its modules, and the
    rooms."""
    staff_competencies: dict[int, set[str]] = {}
    for module in modules:
        for member in module.staff.all():
            staff_competencies.setdefault(member.pk, set()).add(module_competency(module))
    return tuple(
        CoreSlot(
            id=key,
            label=str(slot) if r is None else f"{slot} ({r})",
            staff=tuple(
                CoreStaff(
                    id=str(member.pk),
                    name=str(member),
                    competencies=frozenset(staff_competencies.get(member.pk, ())),
                )
                for member in slot.staff.all()
                if member.pk in staff_competencies
            ),
            rooms=tuple(
                CoreRoom(id=str(room.pk), capacity=room.capacity, label=room.name)
                for room in slot.rooms.all()
            ),
        )
        for key, (slot, r) in slots.items()
    )


def _members(groups) -> dict[int, list[tuple[int, bool]]]:
    """The pupils of ``groups`` (a queryset), by group: ``(student_id, locked)`` in one
    query, without building an ``Assignment`` a pupil."""
    members: dict[int, list[tuple[int, bool]]] = {}
    for group_id, student_id, locked in Assignment.objects.filter(
        group__in=groups.values("pk")
    ).values_list("group_id", "student_id", "locked"):
        members.setdefault(group_id, []).append((student_id, locked))
    return members


def _previous_groups(plan: Plan) -> tuple[PreviousGroup, ...]:
    """Last period's published groups (the solver avoids repeating a module)."""
    previous = previous_plan(plan)
    if previous is None:
        return ()
    groups = previous.groups.all()
    members = _members(groups)
    return tuple(
        PreviousGroup(
            students=tuple(str(student_id) for student_id, _locked in members.get(pk, ())),
            module=code,
        )
        for pk, code in groups.values_list("pk", "module__code")
    )


def _locks(
    plan: Plan, frozen: Collection[int] = (), rounded: bool = False
) -> tuple[list[Lock], list[CoreGroup]]:
    """Locked groups (kept whole: locked by hand, or of a started round) and locked students
    of the other groups. In a period cut into rounds, groups made before the cut (no round)
    are left out: forming the plan again replaces them."""
    locked: list[Lock] = []
    locked_groups: list[CoreGroup] = []
    groups = plan.groups.all()
    members = _members(groups)
    for group in groups.select_related("module", "room").prefetch_related("staff"):
        if rounded and group.round_id is None:
            continue
        key = group_key(group)
        if group.locked or group.round_id in frozen:
            locked_groups.append(
                CoreGroup(
                    slot=key,
                    module=group.module.code,
                    staff=tuple(str(s.pk) for s in group.staff.all()),
                    room=str(group.room_id or ""),
                    students=tuple(str(student) for student, _ in members.get(group.pk, ())),
                    locked=True,
                )
            )
            continue
        locked.extend(
            Lock(student=str(student), slot=key, module=group.module.code)
            for student, is_locked in members.get(group.pk, ())
            if is_locked
        )
    return locked, locked_groups


def _core_student(
    student: Student, profile: dict, competencies: list[str], wished: tuple[str, ...] = ()
) -> CoreStudent:
    # plan_students() selects students by their division's level that year: they all have one.
    division_code = getattr(student, "year_division_code", None)
    assert division_code is not None
    # The scheme of the plan's year (``plan_students``); without an enrolment that year, the
    # pupil's own, which mirrors the current year's.
    scheme = getattr(student, "year_scheme", None)
    return CoreStudent(
        id=str(student.pk),
        division=division_code,
        needs={k: v for k, v in student_needs(profile).items() if k in competencies},
        name=f"{student.first_name} {student.last_name}",
        scheme=student.scheme if scheme is None else scheme,
        wishes=wished,
        parcours=getattr(student, "year_parcours", None) or "",
    )


def _core_module(module: Module, slots: frozenset[str] | None = None) -> CoreModule:
    return CoreModule(
        id=module.code,
        competency=module_competency(module),
        kind=module.kind,
        min_size=module.min_size,
        max_size=module.max_size,
        label=module.title,
        target_level=TARGET_LEVEL_BY_KIND.get(Module.Kind(module.kind)),
        slots=slots,
    )


def current_groups(plan: Plan) -> list[CoreGroup]:
    """The plan's groups as the solver sees them (for checking hand-made changes)."""
    groups = plan.groups.all()
    members = _members(groups)
    return [
        CoreGroup(
            id=str(group.pk),
            slot=group_key(group),
            module=group.module.code,
            staff=tuple(str(s.pk) for s in group.staff.all()),
            room=str(group.room_id or ""),
            students=tuple(str(student) for student, _locked in members.get(group.pk, ())),
            locked=group.locked,
        )
        for group in groups.select_related("module").prefetch_related("staff")
    ]


def evaluate(plan: Plan, *, instance: Instance | None = None, groups=None) -> dict:
    """Hard-rule violations (French) and metrics of the plan as it stands now.

    ``instance`` and ``groups`` may be passed when the caller has built them already (a move
    on the board builds them once for the check and the explanations)."""
    if instance is None:
        instance = build_instance(plan)
    if groups is None:
        groups = current_groups(plan)
    if not groups:
        return {"violations": [], "objective": None, "metrics": {}}
    report = core_validation.check(instance, groups)
    metrics = dict(report.metrics)
    if plan.bound:
        metrics["gap"] = max(0.0, (plan.bound - report.objective) / abs(plan.bound))
    return {
        "violations": [str(v) for v in report.violations],
        "objective": report.objective,
        "metrics": metrics,
    }


def refresh_explanations(plan: Plan) -> None:
    """Store, on each assignment, why the student is in that group (French, to the student)."""
    instance = build_instance(plan)
    groups = current_groups(plan)
    sentences = explain_all(instance, groups)
    slot_index = {slot.id: index for index, slot in enumerate(instance.slots)}
    assignments = list(Assignment.objects.filter(group__plan=plan).select_related("group"))
    explanations: dict[int, str] = {}
    for assignment in assignments:
        lines = sentences.get(str(assignment.student_id), [])
        index = slot_index.get(group_key(assignment.group))
        if index is not None and index < len(lines):
            explanations[assignment.pk] = lines[index]
        else:
            explanations[assignment.pk] = ""
    save_explanations(assignments, explanations)


def save_explanations(assignments: Collection[Assignment], explanations: dict[int, str]) -> None:
    """Give each assignment its explanation (``explanations`` by assignment pk, "" when
    missing), writing only those that changed, in one batched statement.

    Django's ``bulk_update`` writes a CASE with one branch per row: storing the explanations
    of a 500-pupil level that way took about 0.15 s per plan on SQLite, most of a solve's
    storing; an ``executemany`` of plain UPDATEs is several times cheaper on both databases.
    Like ``bulk_update``, it sends no signal (an explanation is not a record of the pupil).
    """
    changed = []
    for assignment in assignments:
        text = explanations.get(assignment.pk, "")
        if assignment.explanation != text:
            assignment.explanation = text
            changed.append((text, assignment.pk))
    if not changed:
        return
    table = connection.ops.quote_name(Assignment._meta.db_table)
    column = connection.ops.quote_name("explanation")  # the field's own column name
    key = connection.ops.quote_name("id")
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE {key} = %s", changed)


@transaction.atomic
def store_solution(plan: Plan, solution: Solution) -> Plan:
    """Replace the plan's unlocked groups by the solver's; locked groups, and the groups of a
    round that has started, stay as they are."""
    plan.solver_status = solution.status
    plan.solver_message = "\n".join(solution.messages)
    if not solution.is_plan:
        plan.status = Plan.Status.DRAFT
        plan.save()
        return plan
    rounds = plan_rounds(plan)
    slots = instance_slots(plan, rounds)
    # Kept as they are: locked groups, and the groups of a started round (which the solver
    # received as locked groups). Groups made before the period was cut into rounds go.
    kept = plan.groups.filter(locked=True)
    if rounds:
        kept = kept.exclude(round=None)
    frozen = frozen_rounds(plan, rounds)
    kept_ids = set(kept.values_list("pk", flat=True)) | set(
        plan.groups.filter(round_id__in=frozen).values_list("pk", flat=True)
    )
    # Locked students are placed again by the solver where they were locked; keep the lock
    # and its reason on their new assignment.
    kept_locks = {
        (str(a.student_id), group_key(a.group), a.group.module.code): a.lock_reason
        for a in Assignment.objects.filter(group__plan=plan, locked=True)
        .exclude(group_id__in=kept_ids)
        .select_related("group__module")
    }
    # The audit trail gets one entry for the whole replacement, naming each pupil whose
    # groups changed (not one deletion and one creation per assignment of every solve).
    before = placements(plan)
    with trail.muted():
        plan.groups.exclude(pk__in=kept_ids).delete()
    modules = {m.code: m for m in plan_modules(plan)}
    rooms = {str(r.pk): r for r in Room.objects.filter(school=plan.level.year.school)}
    for group in solution.groups:
        if group.locked:
            continue
        slot, round = slots[group.slot]
        db_group = Group.objects.create(
            plan=plan,
            slot=slot,
            round=round,
            module=modules[group.module],
            room=rooms.get(group.room),
        )
        db_group.staff.set([int(s) for s in group.staff])
        Assignment.objects.bulk_create(
            [
                Assignment(
                    group=db_group,
                    student_id=int(s),
                    locked=(s, group.slot, group.module) in kept_locks,
                    lock_reason=kept_locks.get((s, group.slot, group.module), ""),
                )
                for s in group.students
            ]
        )
    plan.objective = solution.objective
    plan.bound = solution.bound
    plan.gap = solution.gap
    plan.metrics = dict(solution.metrics)
    plan.status = Plan.Status.PROPOSED
    plan.progress = {**(plan.progress or {}), "finished": timezone.now().isoformat()}
    plan.save()
    refresh_explanations(plan)
    trail.record_moves(plan, before=before, after=placements(plan), label=_("need groups"))
    return plan


def placements(plan: Plan) -> dict[int, str]:
    """Each pupil's groups in ``plan`` as one line (module, slot, round), for the audit
    trail's record of a solve or a restored version."""
    lines: dict[int, list[str]] = {}
    assignments = Assignment.objects.filter(group__plan=plan).select_related(
        "group__module", "group__slot", "group__round"
    )
    for assignment in assignments:
        group = assignment.group
        where = f"{group.slot}, {group.round}" if group.round_id else f"{group.slot}"
        lines.setdefault(assignment.student_id, []).append(f"{group.module.code} ({where})")
    return {pk: " ; ".join(sorted(groups)) for pk, groups in lines.items()}
