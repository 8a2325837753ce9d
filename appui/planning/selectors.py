"""Reads of the planning app: plan inputs and their warnings, plans, groups."""

import re
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.utils import timezone

from appui.core.needs import NeedKind, parse_need_key
from appui.core.text import plural
from appui.diagnostics.models import Competency, NeedProfile
from appui.diagnostics.selectors import need_levels
from appui.schools.computed import kept
from appui.schools.models import Level, Period, Student

from . import grouping
from .models import Assignment, Group, Module, Plan, Room, Round, Slot
from .rounds import round_label


def plan_inputs(level: Level, period: Period) -> dict:
    """What the solver will read, with French warnings a coordinator should see first: the
    number of pupils, the slots (each with ``staff_count`` and ``room_count``), the modules."""
    fake_plan = Plan(level=level, period=period)
    students = list(grouping.plan_students(fake_plan).values_list("pk", flat=True))
    profiled = (
        NeedProfile.objects.filter(student__in=students).exclude(needs={}).count()
        if students
        else 0
    )
    # Counts, not the staff of every slot and module (hundreds of rows on a large school).
    slots = list(grouping.plan_slots(fake_plan).prefetch_related(None))
    modules = list(grouping.plan_modules(fake_plan).prefetch_related(None))
    staffed_slots = Counter(
        Slot.staff.through.objects.filter(slot__in=slots).values_list("slot_id", flat=True)
    )
    rooms: dict[int, list[int]] = {}
    for slot_id, seats in Slot.rooms.through.objects.filter(slot__in=slots).values_list(
        "slot_id", "room__capacity"
    ):
        rooms.setdefault(slot_id, []).append(seats)
    for slot in slots:
        slot.staff_count = staffed_slots[slot.pk]  # type: ignore[attr-defined]
        slot.room_count = len(rooms.get(slot.pk, []))  # type: ignore[attr-defined]
    staffed_modules = set(
        Module.staff.through.objects.filter(module__in=modules).values_list("module_id", flat=True)
    )
    warnings = []
    if profiled < len(students):
        warnings.append(
            f"{plural(len(students) - profiled, 'élève', 'élèves')} sans profil de besoins "
            "(aucun résultat de diagnostic) : placement selon la taille des groupes seulement."
        )
    if not slots:
        warnings.append(f"Aucune barrette n'est définie pour {level.name} en {period.name}.")
    for slot in slots:
        capacity = sum(rooms.get(slot.pk, []))
        if capacity < len(students):
            warnings.append(
                f"Barrette {slot} : {len(students)} élèves mais capacité des salles {capacity}."
            )
        if not staffed_slots[slot.pk]:
            warnings.append(f"Barrette {slot} : aucun personnel disponible.")
    for module in modules:
        if module.pk not in staffed_modules:
            warnings.append(f"Module {module.code} : personne ne peut l'animer.")
    labels = dict(
        Competency.objects.filter(framework__school=level.year.school).values_list("code", "label")
    )
    demand = level_first_needs(level, students, labels)
    offered = {grouping.module_competency(m) for m in modules}

    def describe(key: str) -> str:
        code, deepening = parse_need_key(key)
        text = f"{code} {labels.get(code, '')}".strip()
        return f"{text} (approfondissement)" if deepening else text

    for competency, count in demand:
        if competency not in offered:
            warnings.append(
                f"{plural(count, 'élève a', 'élèves ont')} pour premier besoin "
                f"« {describe(competency)} », qu'aucun module ne travaille."
            )
    demand_rows = [(describe(key), count) for key, count in demand]
    return {
        "students": len(students),
        "profiled": profiled,
        "slots": slots,
        "modules": modules,
        "warnings": warnings,
        "demand": demand_rows,
    }


def level_first_needs(level: Level, students: list[int], labels: dict) -> list[tuple[str, int]]:
    """How many of the level's ``students`` have each need (a solver key) as their first
    one, most frequent first: read from the profiles' levels in SQL (a whole profile weighs
    kilobytes a pupil) and kept while the school's records stay the same (``kept``)."""

    def count() -> list[tuple[str, int]]:
        demand: Counter[str] = Counter()
        for profile_needs in need_levels(students, labels).values():
            needs = grouping.student_needs(profile_needs)
            if needs:
                top = max(needs.items(), key=lambda item: (item[1], item[0]))[0]
                demand[top] += 1
        return demand.most_common()

    today = timezone.localdate()
    return kept(level.year.school_id, "level-first-needs", [level.pk], today, count)


def plans_overview(levels, periods) -> dict:
    """For each (level, period): the published plan and the plan being prepared."""
    plans = Plan.objects.filter(level__in=levels, period__in=periods).order_by("-version")
    table: dict = {}
    for plan in plans:
        entry = table.setdefault((plan.level_id, plan.period_id), {})
        if plan.status == Plan.Status.PUBLISHED:
            entry.setdefault("published", plan)
        elif plan.status in (Plan.Status.DRAFT, Plan.Status.PROPOSED, Plan.Status.SOLVING):
            entry.setdefault("editing", plan)
    return table


@dataclass(frozen=True)
class SlotRound:
    """A heading of a plan's groups: a slot, and its round when the period is cut into
    rounds (``pk`` for HTML ids, ``str`` for the heading: « Mardi 10:00–11:30 · Séquence 1
    (1 septembre – 25 septembre) »)."""

    slot: Slot
    round: Round | None = None

    @property
    def pk(self) -> str:
        return str(self.slot.pk) if self.round is None else f"{self.slot.pk}-r{self.round.pk}"

    def __str__(self) -> str:
        if self.round is None:
            return str(self.slot)
        return f"{self.slot} · {round_label(self.round)}"


def plan_groups(plan: Plan):
    """Groups of a plan by slot (by slot and round when the period is cut into rounds),
    members with their division and need profile."""
    assignments = Assignment.objects.select_related(
        "student__division", "student__need_profile"
    ).order_by("student__last_name", "student__first_name")
    groups = (
        plan.groups.select_related("slot", "round", "module__competency", "room")
        .prefetch_related("staff", Prefetch("assignments", queryset=assignments))
        # Rounds in time order, then the week's slots: round 1 runs before round 2.
        .order_by(
            "round__number", "slot__weekday", "slot__start_time", "slot", "module__code", "pk"
        )
    )
    by_slot: dict = {}
    for group in groups:
        code, deepening = parse_need_key(grouping.module_competency(group.module))
        members = []
        for assignment in group.assignments.all():
            profile = getattr(assignment.student, "need_profile", None)
            need = (profile.needs if profile else {}).get(code, {})
            level = int(need.get("level", 0))
            members.append(
                {
                    "assignment": assignment,
                    "student": assignment.student,
                    "level": level,
                    "kind": need.get("kind", ""),
                    "served": bool(level) and (need.get("kind") == NeedKind.DEEPENING) == deepening,
                }
            )
        histogram = Counter(m["level"] for m in members)
        by_slot.setdefault(SlotRound(group.slot, group.round), []).append(
            {
                "group": group,
                "members": members,
                "divisions": sorted({m["student"].division.code for m in members}),
                "histogram": [histogram.get(level, 0) for level in range(4)],
            }
        )
    return by_slot


def student_groups(student, *, published_only: bool = True):
    """The student's need-group assignments (published plans), newest period first,
    each with the explanation of why the student is there."""
    queryset = Assignment.objects.filter(student=student)
    if published_only:
        queryset = queryset.filter(group__plan__status=Plan.Status.PUBLISHED)
    return (
        queryset.select_related(
            "group__slot", "group__round", "group__module", "group__room", "group__plan__period"
        )
        .prefetch_related("group__staff")
        .order_by(
            "-group__plan__period__number",
            "group__round__number",
            "group__slot__weekday",
            "group__slot__start_time",
        )
    )


def staff_groups(user):
    return (
        Group.objects.filter(staff__user=user, plan__status=Plan.Status.PUBLISHED)
        .select_related("slot", "round", "module", "room", "plan__period", "plan__level")
        .annotate(size=Count("assignments", distinct=True))
        .order_by("-plan__period__number", "round__number", "slot__weekday", "slot__start_time")
    )


# The board of a plan (views_board.py): one board per slot (and round), groups as columns. --


def plan_board(plan: Plan, *, breaks: dict | None = None, group_ids=None) -> list[dict]:
    """The plan's groups as boards, one per slot (per slot and round when the period is cut
    into rounds), in time order. Each column is a group with its members (need level on the
    group's focus competency), size, bounds, room capacity and the rule breaks that name it
    (``breaks``: :func:`board_breaks`). ``group_ids`` limits the boards to those groups (the
    two columns a move changes). Four queries, whatever the number of pupils: a chip needs a
    pupil's name, division and need level only (not their whole profile, nor a model
    instance a pupil)."""
    queryset = plan.groups.select_related("slot", "round", "module__competency", "room")
    if group_ids is not None:
        queryset = queryset.filter(pk__in=group_ids)
    groups = list(queryset.prefetch_related("staff"))
    members = _board_members(groups)
    levels = need_levels(
        {m["student"]["pk"] for group_members in members.values() for m in group_members},
        {parse_need_key(grouping.module_competency(g.module))[0] for g in groups},
    )
    by_group = (breaks or {}).get("by_group", {})
    boards: dict[tuple[int, int | None], dict] = {}
    ordered = sorted(
        groups,
        key=lambda g: (
            g.slot.weekday,
            g.slot.start_time,
            g.slot_id,
            g.round.number if g.round else 0,
            g.module.code,
            g.pk,
        ),
    )
    for group in ordered:
        board = boards.setdefault(
            (group.slot_id, group.round_id),
            {
                "key": grouping.group_key(group),
                "slot": group.slot,
                "round": group.round,
                "columns": [],
                "breaks": 0,
            },
        )
        column = board_column(group, members.get(group.pk, []), levels)
        column["breaks"] = by_group.get(group.pk, [])
        board["breaks"] += len(column["breaks"])
        board["columns"].append(column)
    return list(boards.values())


def _board_members(groups: list[Group]) -> dict[int, list[dict]]:
    """The chips of ``groups``, by group, in name order: plain values (the assignment's
    ``pk`` and ``locked``, the pupil's ``pk``, names and ``division.code``), one query
    and no model instance a pupil."""
    members: dict[int, list[dict]] = {}
    rows = (
        Assignment.objects.filter(group__in=[g.pk for g in groups])
        .order_by("student__last_name", "student__first_name")
        .values_list(
            "group_id",
            "pk",
            "locked",
            "student_id",
            "student__first_name",
            "student__last_name",
            "student__division__code",
        )
    )
    for group_id, pk, locked, student_id, first_name, last_name, division in rows:
        members.setdefault(group_id, []).append(
            {
                "assignment": {"pk": pk, "locked": locked},
                "student": {
                    "pk": student_id,
                    "first_name": first_name,
                    "last_name": last_name,
                    "division": {"code": division} if division is not None else None,
                },
            }
        )
    return members


def board_column(group: Group, chips: list[dict], levels: dict[int, dict[str, dict]]) -> dict:
    """One group as a board column: ``chips`` its pupils (:func:`_board_members`),
    ``levels`` their needs (:func:`appui.diagnostics.selectors.need_levels`)."""
    code, deepening = parse_need_key(grouping.module_competency(group.module))
    members = []
    for chip in chips:
        need = levels.get(chip["student"]["pk"], {}).get(code, {})
        level = int(need.get("level", 0))
        members.append(
            {
                **chip,
                "level": level,
                "served": bool(level) and (need.get("kind") == NeedKind.DEEPENING) == deepening,
            }
        )
    size = len(members)
    capacity = group.room.capacity if group.room else None
    return {
        "group": group,
        "members": members,
        "size": size,
        "capacity": capacity,
        "too_many": size > group.module.max_size or (capacity is not None and size > capacity),
        "too_few": size < group.module.min_size,
    }


_PUPIL = re.compile(r"(l'élève|élève) (\d+)")
_ROOM = re.compile(r"salle (\d+)")


def board_breaks(violations, plan: Plan) -> dict:
    """The plan's broken rules, each attached to the group it names (``by_group``: group id →
    messages without the group's name, shown in its column) or left ``general`` (a pupil in
    no group, staff in two places…). Pupils and rooms are named, not numbered."""
    by_group: dict[int, list[str]] = {}
    general: list[str] = []
    messages = [str(v) for v in violations]
    if not messages:
        return {"by_group": by_group, "general": general}
    text = "\n".join(messages)
    pupils = {
        str(pk): f"{first} {last}"
        for pk, first, last in Student.objects.filter(
            pk__in={int(m[1]) for m in _PUPIL.findall(text)}
        ).values_list("pk", "first_name", "last_name")
    }
    rooms = {
        str(pk): name
        for pk, name in Room.objects.filter(
            school_id=plan.level.year.school_id,
            pk__in={int(m) for m in _ROOM.findall(text)},
        ).values_list("pk", "name")
    }
    for message in messages:
        message = _PUPIL.sub(lambda m: pupils.get(m[2], m[0]), message)
        message = _ROOM.sub(lambda m: f"salle {rooms.get(m[1], m[1])}", message)
        # ``grouping.current_groups`` names each group by its id: « Groupe 12 CON1 (…) : ».
        found = re.match(r"Groupe (\d+) .*? : (.*)", message, re.S)
        if found:
            by_group.setdefault(int(found[1]), []).append(found[2])
        else:
            general.append(message)
    return {"by_group": by_group, "general": general}


def board_targets(assignment: Assignment) -> list[dict]:
    """Where a pupil can move: the other groups of their slot (and round), with their size
    and the pupil's need level on each group's competency. Locked groups are listed as
    such (a move needs them unlocked)."""
    source = assignment.group
    profile = getattr(assignment.student, "need_profile", None)
    needs = profile.needs if profile else {}
    groups = (
        Group.objects.filter(plan_id=source.plan_id, slot_id=source.slot_id, round=source.round)
        .exclude(pk=source.pk)
        .select_related("module__competency", "room")
        .annotate(size=Count("assignments"))
        .order_by("module__code", "pk")
    )
    targets = []
    for group in groups:
        code, deepening = parse_need_key(grouping.module_competency(group.module))
        need = needs.get(code, {})
        level = int(need.get("level", 0))
        capacity = min(
            group.module.max_size, group.room.capacity if group.room else group.module.max_size
        )
        targets.append(
            {
                "group": group,
                "size": group.size,
                "full": group.size >= capacity,
                "level": level,
                "served": bool(level) and (need.get("kind") == NeedKind.DEEPENING) == deepening,
            }
        )
    return targets
