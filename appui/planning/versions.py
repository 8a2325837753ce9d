"""Versions of a level's need groups for a period: record, compare, restore.

A ``Plan`` row is the workspace: moves and solves edit its groups in place, and it carries a
``revision`` bumped by every write to them, so a form built on an older state is refused
(:class:`PlanChanged`). A ``PlanSnapshot`` is what the coordinator calls a *version*: the
groups as they stood after a solve, a batch of hand moves, a restore or a publication,
numbered per level and period and never overwritten (except a batch of moves, which grows
until something else happens). Comparing two versions and restoring one work on the stored
JSON, so a version outlives the groups it was taken from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from appui.audit import trail
from appui.core.grouping.metrics import LABELS, format_value
from appui.schools.models import Staff, Student
from appui.schools.services import EditConflict

from . import grouping
from .models import Assignment, Group, Module, Plan, PlanSnapshot, Room, Round

Origin = PlanSnapshot.Origin


class PlanChanged(EditConflict):
    """Someone changed the plan's groups since the page was shown: nothing was written."""

    message = gettext_lazy(
        "This plan was changed by someone else after you opened the page: nothing was "
        "changed. The page now shows the plan as it is; make your change again."
    )


def lock_for_write(plan: Plan, revision: int | None) -> Plan:
    """The plan's row, locked for the transaction; ``PlanChanged`` if ``revision`` (the one
    the page was built on) is no longer the stored one. ``None`` skips the check (internal
    callers: the demo, the solver task)."""
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if revision is not None and locked.revision != revision:
        raise PlanChanged
    return locked


def bump_revision(plan: Plan) -> None:
    """Mark a write to the plan's groups: pages built before it are now stale."""
    Plan.objects.filter(pk=plan.pk).update(revision=F("revision") + 1)
    plan.refresh_from_db(fields=["revision"])


def parse_revision(raw) -> int:
    """The revision a form carried; a missing or garbled one counts as stale (-1)."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        return -1


# Recording ---------------------------------------------------------------------------------


def snapshot_groups(plan: Plan) -> list[dict]:
    """The plan's groups as plain JSON: ids to restore them, labels to name what vanished."""
    groups = plan.groups.select_related("slot", "round", "module", "room").prefetch_related(
        "staff", "assignments"
    )
    rows = []
    for group in groups:
        rows.append(
            {
                "slot": group.slot_id,
                "slot_label": str(group.slot),
                "round": group.round_id,
                "round_label": str(group.round) if group.round else "",
                "module": group.module_id,
                "module_code": group.module.code,
                "module_title": group.module.title,
                "room": group.room_id,
                "room_label": group.room.name if group.room else "",
                "staff": sorted(member.pk for member in group.staff.all()),
                "label": group.label,
                "locked": group.locked,
                "students": [
                    {"id": a.student_id, "locked": a.locked, "reason": a.lock_reason}
                    for a in sorted(group.assignments.all(), key=lambda a: a.student_id)
                ],
            }
        )
    rows.sort(key=lambda g: (g["slot"], g["round"] or 0, g["module_code"], g["room"] or 0))
    return rows


def latest(level_id: int, period_id: int) -> PlanSnapshot | None:
    """The newest version of a level's groups for a period."""
    return (
        PlanSnapshot.objects.filter(level_id=level_id, period_id=period_id)
        .order_by("-number")
        .first()
    )


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


@transaction.atomic
def record(plan: Plan, origin: str, user, based_on: PlanSnapshot | None = None) -> PlanSnapshot:
    """Record the plan's groups as the next version of its level and period.

    ``based_on`` defaults to the newest version before this one (what it was made from).
    """
    # One writer numbers the versions of a level and period at a time.
    list(
        Plan.objects.select_for_update()
        .filter(level=plan.level_id, period=plan.period_id)
        .values_list("pk", flat=True)
    )
    previous = latest(plan.level_id, plan.period_id)
    number = (
        PlanSnapshot.objects.filter(level_id=plan.level_id, period_id=plan.period_id).aggregate(
            n=Max("number")
        )["n"]
        or 0
    ) + 1
    return PlanSnapshot.objects.create(
        plan=plan,
        level_id=plan.level_id,
        period_id=plan.period_id,
        number=number,
        origin=origin,
        based_on=based_on if based_on is not None else previous,
        groups=snapshot_groups(plan),
        objective=plan.objective,
        metrics=dict(plan.metrics or {}),
        created_by=_user(user),
    )


@transaction.atomic
def record_moves(plan: Plan, user) -> PlanSnapshot:
    """Record a hand move: the first move after any other event makes a new version; the
    next moves by the same user, with nothing recorded in between, update it (one batch of
    moves is one version)."""
    newest = latest(plan.level_id, plan.period_id)
    author = _user(user)
    if (
        newest is not None
        and newest.origin == Origin.MOVES
        and newest.plan_id == plan.pk
        and author is not None
        and newest.created_by_id == author.pk
    ):
        newest.groups = snapshot_groups(plan)
        newest.objective = plan.objective
        newest.metrics = dict(plan.metrics or {})
        newest.save(update_fields=["groups", "objective", "metrics", "updated_at"])
        return newest
    return record(plan, Origin.MOVES, user)


def ensure_baseline(plan: Plan, user=None) -> PlanSnapshot | None:
    """A first version for a plan whose groups were formed before versions were kept (or
    by the demo), so the next change has something to be compared with and restored to.
    Returns the newest version of the level and period (None when there are no groups)."""
    newest = latest(plan.level_id, plan.period_id)
    if newest is not None or not plan.groups.exists():
        return newest
    return record(plan, Origin.SOLVE, user)


def listing(plan: Plan) -> list[PlanSnapshot]:
    """The versions of the plan's level and period, newest first; each carries
    ``previous``, the number of the version it was made from (to compare with it)."""
    snapshots = list(
        PlanSnapshot.objects.filter(level_id=plan.level_id, period_id=plan.period_id)
        .select_related("created_by", "plan")
        .order_by("-number")
    )
    numbers = {s.pk: s.number for s in snapshots}
    for snapshot in snapshots:
        snapshot.previous = numbers.get(snapshot.based_on_id or 0)  # type: ignore[attr-defined]
        snapshot.origin_label = origin_label(snapshot.origin)  # type: ignore[attr-defined]
        snapshot.coverage = format_value(  # type: ignore[attr-defined]
            "need_coverage", (snapshot.metrics or {}).get("need_coverage")
        )
        snapshot.score = _format("objective", snapshot.objective)  # type: ignore[attr-defined]
    return snapshots


def plan_kind(plan: Plan) -> str:
    """What a ``Plan`` row is to the coordinator: the draft being worked on, or a
    publication (current or replaced). Its versions are the snapshots."""
    date = f"{timezone.localtime(plan.published_at):%d/%m/%Y}" if plan.published_at else ""
    if plan.status == Plan.Status.PUBLISHED:
        return _("publication of %(date)s") % {"date": date}
    if plan.status == Plan.Status.SUPERSEDED:
        return _("former publication of %(date)s") % {"date": date}
    return _("working draft")


def workspace(plan: Plan) -> Plan | None:
    """The plan being prepared for the plan's level and period (where a version can be
    restored), if there is one."""
    if plan.is_editable:
        return plan
    return (
        Plan.objects.filter(
            level_id=plan.level_id,
            period_id=plan.period_id,
            status__in=[Plan.Status.DRAFT, Plan.Status.PROPOSED],
        )
        .order_by("-version")
        .first()
    )


def published_version(plan: Plan) -> PlanSnapshot:
    """A published plan as a version: the one recorded at its publication, or (published
    before versions were kept) its groups as they are, which nothing changes."""
    recorded = plan.snapshots.filter(origin=Origin.PUBLISH).order_by("-number").first()
    return recorded or current_version(plan)


def ensure_recorded(plan: Plan, user=None) -> PlanSnapshot | None:
    """The plan as it stands, as a version: the newest one if it holds these groups (and
    locks), else a new one (a plan from before versions were kept, or locks changed since),
    so that what a solve or a restore replaces can always be found again."""
    newest = latest(plan.level_id, plan.period_id)
    if newest is None:
        return ensure_baseline(plan, user)
    if not plan.groups.exists() or newest.groups == snapshot_groups(plan):
        return newest
    return record(plan, Origin.MOVES, user)


# Comparing ---------------------------------------------------------------------------------

#: +1 when more is better, -1 when less is better; other metrics are shown without a verdict.
DIRECTION = {
    "objective": 1,
    "need_coverage": 1,
    "top_need_served": 1,
    "mean_spread": -1,
    "wishes_honoured": 1,
    "students_with_wish_honoured": 1,
    "single_division_groups": -1,
    "gap": -1,
}


def origin_label(origin: str) -> str:
    """How a version came to be, in the words of the versions list."""
    labels: dict[str, str] = {
        Origin.SOLVE: pgettext("version origin", "computed"),
        Origin.MINIMAL: pgettext("version origin", "recomputed with minimal change"),
        Origin.MOVES: pgettext("version origin", "changed by hand"),
        Origin.RESTORE: pgettext("version origin", "restored"),
        Origin.PUBLISH: pgettext("version origin", "published"),
    }
    return labels.get(origin, origin)


def _is_percent(key: str) -> bool:
    # The metrics module is the one place that knows which metrics are shares.
    return format_value(key, 0.0).endswith("%")


def _format(key: str, value) -> str:
    if key == "objective":
        return "—" if value is None else f"{value:.0f}"
    return format_value(key, value)


def _format_difference(key: str, a, b) -> str | None:
    if a is None or b is None or a == b:
        return None
    difference = b - a
    if _is_percent(key):
        return f"{100 * difference:+.1f} pts".replace(".", ",")
    if key == "objective" or isinstance(difference, int):
        return f"{difference:+.0f}"
    return f"{difference:+.2f}".replace(".", ",")


def _trend(key: str, a, b) -> str | None:
    if a is None or b is None or a == b or key not in DIRECTION:
        return None
    return "better" if (b - a) * DIRECTION[key] > 0 else "worse"


@dataclass
class Move:
    """One pupil's placement that differs between two versions (in one slot and round)."""

    student_id: int
    student: Student | None
    slot: str
    round: str
    before: str | None
    after: str | None


def _group_name(group: dict) -> str:
    room = group.get("room_label")
    return f"{group['module_code']} ({room})" if room else group["module_code"]


def _placements(groups: Iterable[dict]) -> dict[tuple, dict]:
    """(pupil, slot, round) → their group."""
    return {
        (member["id"], group["slot"], group.get("round")): group
        for group in groups
        for member in group["students"]
    }


def _same_place(was: dict, now: dict) -> bool:
    """A pupil stays put when they keep the module with one of the same staff members (or
    either group has no staff); a room change alone is not a move. The solver counts
    ``moved`` the same way (``appui.core.grouping.start``)."""
    if was["module"] != now["module"]:
        return False
    return not was["staff"] or not now["staff"] or bool(set(was["staff"]) & set(now["staff"]))


def compare(a: PlanSnapshot, b: PlanSnapshot) -> dict:
    """Two versions side by side: metrics with their differences, and the pupils whose
    group changed from ``a`` to ``b`` (a group is its module, room and staff)."""
    rows = []
    for key, label in [("objective", _("Objective (score)")), *LABELS.items()]:
        if key == "objective":
            va, vb = a.objective, b.objective
        else:
            if key not in (a.metrics or {}) and key not in (b.metrics or {}):
                continue
            va, vb = (a.metrics or {}).get(key), (b.metrics or {}).get(key)
        rows.append(
            {
                "key": key,
                "label": label,
                "a": _format(key, va),
                "b": _format(key, vb),
                "difference": _format_difference(key, va, vb),
                "trend": _trend(key, va, vb),
            }
        )
    before, after = _placements(a.groups or []), _placements(b.groups or [])
    changed = []
    for place in sorted(set(before) | set(after), key=lambda p: (p[0], p[1], p[2] or 0)):
        was, now = before.get(place), after.get(place)
        if was is not None and now is not None and _same_place(was, now):
            continue
        group = now or was
        assert group is not None
        changed.append(
            Move(
                student_id=place[0],
                student=None,
                slot=group["slot_label"],
                round=group.get("round_label") or "",
                before=_group_name(was) if was else None,
                after=_group_name(now) if now else None,
            )
        )
    students = Student.objects.in_bulk({m.student_id for m in changed})
    for move in changed:
        move.student = students.get(move.student_id)
    changed.sort(
        key=lambda m: (
            (m.student.last_name, m.student.first_name) if m.student else ("", ""),
            m.student_id,
            m.slot,
        )
    )
    return {
        "a": a,
        "b": b,
        "metrics": rows,
        "moves": changed,
        "moved": len({m.student_id for m in changed}),
        "placements_changed": len(changed),
        "groups": (len(a.groups or []), len(b.groups or [])),
    }


def current_version(plan: Plan) -> PlanSnapshot:
    """The plan as it stands now, as an unsaved version (to compare it with a stored one)."""
    return PlanSnapshot(
        plan=plan,
        level_id=plan.level_id,
        period_id=plan.period_id,
        number=0,
        groups=snapshot_groups(plan),
        objective=plan.objective,
        metrics=dict(plan.metrics or {}),
    )


# Restoring ---------------------------------------------------------------------------------


def _missing(plan: Plan, groups: list[dict]) -> list[str]:
    """What a version needs and the school no longer has, in French, each named."""
    school = plan.level.year.school
    slots = set(grouping.plan_slots(plan).values_list("pk", flat=True))
    modules = set(Module.objects.filter(school=school, active=True).values_list("pk", flat=True))
    rooms = set(Room.objects.filter(school=school).values_list("pk", flat=True))
    staff = set(Staff.objects.filter(school=school).values_list("pk", flat=True))
    rounds = set(
        Round.objects.filter(level=plan.level, period=plan.period).values_list("pk", flat=True)
    )
    pupils = set(grouping.plan_students(plan).values_list("pk", flat=True))
    problems: list[str] = []

    def note(message: str) -> None:
        if message not in problems:
            problems.append(message)

    wanted_students: set[int] = set()
    wanted_staff: set[int] = set()
    for group in groups:
        if group["slot"] not in slots:
            note(
                _("The slot %(slot)s no longer runs for this level in this period.")
                % {"slot": group["slot_label"]}
            )
        if group["module"] not in modules:
            note(
                _("The module %(module)s no longer exists or is no longer active.")
                % {"module": f"{group['module_code']} — {group['module_title']}"}
            )
        if group["room"] is not None and group["room"] not in rooms:
            note(_("The room %(room)s no longer exists.") % {"room": group["room_label"]})
        if group.get("round") is not None and group["round"] not in rounds:
            note(
                _("The round %(round)s no longer exists.")
                % {"round": group.get("round_label") or group["round"]}
            )
        wanted_staff.update(group["staff"])
        wanted_students.update(member["id"] for member in group["students"])
    gone_staff = wanted_staff - staff
    if gone_staff:
        note(
            ngettext(
                "%(count)s staff member of this version no longer works in the school.",
                "%(count)s staff members of this version no longer work in the school.",
                len(gone_staff),
            )
            % {"count": len(gone_staff)}
        )
    gone = wanted_students - pupils
    if gone:
        known = Student.objects.filter(pk__in=gone).order_by("last_name", "first_name")
        for student in known:
            note(
                _("%(name)s is no longer a pupil of this level.")
                % {"name": f"{student.first_name} {student.last_name}"}
            )
        deleted = len(gone) - len(known)
        if deleted:
            note(
                ngettext(
                    "%(count)s pupil of this version no longer exists.",
                    "%(count)s pupils of this version no longer exist.",
                    deleted,
                )
                % {"count": deleted}
            )
    return problems


@transaction.atomic
def restore(snapshot: PlanSnapshot, user, revision: int, plan: Plan | None = None) -> PlanSnapshot:
    """Put a version's groups back in the workspace plan (its staff, rooms, rounds, members
    and locks), in one transaction, and record it as a new version.

    ``plan`` is the workspace (the level and period's plan being prepared; by default the
    snapshot's own plan). Refused, with nothing changed, if the plan is published or being
    solved, if it changed since the page was shown (``PlanChanged``), or if something the
    version needs no longer exists (named in the message).
    """
    target = plan or snapshot.plan
    if (target.level_id, target.period_id) != (snapshot.level_id, snapshot.period_id):
        raise ValidationError(_("This version belongs to another level or period."))
    target = lock_for_write(target, revision)
    if not target.is_editable:
        raise ValidationError(_("This plan is published or being solved: it cannot be changed."))
    problems = _missing(target, snapshot.groups or [])
    if problems:
        raise ValidationError([_("This version cannot be restored:")] + problems)
    before = ensure_recorded(target, user)
    # One audit entry for the restore, naming the pupils whose groups change.
    placed = grouping.placements(target)
    with trail.muted():
        target.groups.all().delete()
    for row in snapshot.groups or []:
        group = Group.objects.create(
            plan=target,
            slot_id=row["slot"],
            round_id=row.get("round"),
            module_id=row["module"],
            room_id=row["room"],
            label=row.get("label", ""),
            locked=row.get("locked", False),
        )
        group.staff.set(row["staff"])
        Assignment.objects.bulk_create(
            Assignment(
                group=group,
                student_id=member["id"],
                locked=member.get("locked", False),
                lock_reason=member.get("reason", ""),
            )
            for member in row["students"]
        )
    evaluation = grouping.evaluate(target)
    target.objective = evaluation["objective"]
    target.metrics = evaluation["metrics"]
    target.status = Plan.Status.PROPOSED
    target.save(update_fields=["objective", "metrics", "status"])
    bump_revision(target)
    grouping.refresh_explanations(target)
    trail.record_moves(
        target, before=placed, after=grouping.placements(target), label=_("need groups")
    )
    restored = record(target, Origin.RESTORE, user, based_on=snapshot)
    target.progress = {
        "mode": "restore",
        "before": before.pk if before else None,
        "after": restored.pk,
    }
    target.save(update_fields=["progress"])
    return restored
