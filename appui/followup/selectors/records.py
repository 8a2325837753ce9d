"""The one source of AP session records: what follow-up recorded, and what the published
plans still imply, as the plain records of :mod:`appui.core.hours`.

The hour pages, the service sheet and the steering dashboard all read sessions here, so a
session counts the same everywhere: held, cancelled and rescheduled ones as follow-up holds
them, and, for a published group whose sessions are not generated yet, the dates session
generation would give it (:func:`group_dates`, which ``services.sessions_generate_for_plan``
and the remaining weeks of the hour pages use too: school holidays and public holidays
skipped; a group of a round meets only within its round).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from appui.core import hours
from appui.core.calendar import school_days
from appui.core.indicators import MarkRecord
from appui.planning.models import Assignment, Group, Module, Plan
from appui.planning.rounds import meeting_span

from ..models import Attendance, ProgressMark, Session

# The three strands of the scheme (appui.core.hours.Strand) from the module kinds: support
# consolidates what was learnt, orientation modules are the orientation strand, every other
# kind (methods, deepening, expression, culture, tutoring) is personalised support.
STRAND_OF_KIND: dict[str, hours.Strand] = {
    Module.Kind.SUPPORT: hours.Strand.CONSOLIDATION,
    Module.Kind.ORIENTATION: hours.Strand.ORIENTATION,
}

STATUS_OF: dict[str, hours.SessionStatus] = {
    Session.Status.PLANNED: hours.SessionStatus.PLANNED,
    Session.Status.DONE: hours.SessionStatus.HELD,
    Session.Status.CANCELLED: hours.SessionStatus.CANCELLED,
}

ATTENDANCE_OF = {status.value: status for status in hours.Attendance}

Groups = QuerySet[Group] | Iterable[int]
"""Groups named by a queryset or by primary keys."""


def strand_for(kind: str) -> hours.Strand:
    return STRAND_OF_KIND.get(kind, hours.Strand.PERSONALISED)


def slot_dates(zone: str, start: dt.date, end: dt.date, weekday: int) -> list[dt.date]:
    """The days a slot meets from ``start`` to ``end``: every school day on its weekday."""
    return list(school_days(zone, start, end, weekday))


def group_dates(
    zone: str,
    weekday: int,
    period_start: dt.date,
    period_end: dt.date,
    round_start: dt.date | None = None,
    round_end: dt.date | None = None,
    *,
    since: dt.date | None = None,
) -> list[dt.date]:
    """The days a group meets: its slot's weekday on the school days of its period, within
    its round when the period is cut into rounds (``appui.planning.rounds``), from ``since``
    when given. The one place for "the dates of a group"."""
    start, end = meeting_span(period_start, period_end, round_start, round_end)
    if since is not None:
        start = max(start, since)
    return slot_dates(zone, start, end, weekday)


def _minutes(start: dt.time, end: dt.time) -> int:
    return (end.hour - start.hour) * 60 + end.minute - start.minute


@dataclass(frozen=True)
class SessionRecords:
    """Session records of some groups.

    ``recorded`` come from follow-up's sessions; ``planned`` are the slot dates of the
    published groups that have no session yet (their sessions are not generated).
    """

    recorded: list[hours.SessionRecord]
    planned: list[hours.SessionRecord]

    @property
    def all(self) -> list[hours.SessionRecord]:
        return self.recorded + self.planned


def _group_ids(groups: Groups) -> QuerySet | list[int]:
    """The groups' keys: a subquery for a queryset (no query of its own), else a list."""
    if isinstance(groups, QuerySet):
        return groups.order_by().values("pk")
    return list(groups)


def _members(group_ids: QuerySet | list[int]) -> dict[int, frozenset[int]]:
    members: dict[int, set[int]] = defaultdict(set)
    for group_id, student_id in Assignment.objects.filter(group_id__in=group_ids).values_list(
        "group_id", "student_id"
    ):
        members[group_id].add(student_id)
    return {pk: frozenset(students) for pk, students in members.items()}


def _staff(group_ids: QuerySet | list[int]) -> dict[int, frozenset[int]]:
    staff: dict[int, set[int]] = defaultdict(set)
    for group_id, staff_id in Group.staff.through.objects.filter(
        group_id__in=group_ids
    ).values_list("group_id", "staff_id"):
        staff[group_id].add(staff_id)
    return {pk: frozenset(ids) for pk, ids in staff.items()}


def _attendance(group_ids: QuerySet | list[int]) -> dict[int, dict[int, hours.Attendance]]:
    marks: dict[int, dict[int, hours.Attendance]] = defaultdict(dict)
    for session_id, student_id, status in Attendance.objects.filter(
        session__group_id__in=group_ids
    ).values_list("session_id", "student_id", "status"):
        marks[session_id][student_id] = ATTENDANCE_OF[status]
    return marks


#: What :func:`session_records` reads of each group (``_ungenerated`` unpacks it).
_GROUP_FIELDS = (
    "pk",
    "module__kind",
    "plan__status",
    "plan__period__start_date",
    "plan__period__end_date",
    "plan__level__year__school__holiday_zone",
    "slot__weekday",
    "slot__start_time",
    "slot__end_time",
    "round__starts_on",
    "round__ends_on",
)


def session_records(
    groups: Groups,
    *,
    members: Mapping[int, frozenset[int]] | None = None,
    attendance: bool = True,
) -> SessionRecords:
    """The session records of ``groups`` (5 queries whatever their number).

    ``members`` narrows the students expected per group (the steering dashboard's division
    filter); by default every member of the group. Read as plain values, not model
    instances: a school's year is tens of thousands of attendance rows. ``attendance=False``
    skips them (staff hours do not need them).
    """
    info = {
        row[0]: row
        for row in Group.objects.filter(pk__in=_group_ids(groups)).values_list(*_GROUP_FIELDS)
    }
    # The groups as a subquery, not a list of thousands of parameters.
    group_ids = _group_ids(groups)
    rows = list(
        Session.objects.filter(group_id__in=group_ids)
        .order_by("date", "start_time", "pk")
        .values_list("pk", "date", "start_time", "end_time", "status", "group_id")
    )
    if members is None:
        members = _members(group_ids)
    staff = _staff(group_ids)
    marks = _attendance(group_ids) if attendance else {}

    def record(pk, day, minutes, group_id, status=Session.Status.PLANNED) -> hours.SessionRecord:
        expected = members.get(group_id, frozenset())
        return hours.SessionRecord(
            id=pk,
            date=day,
            duration_minutes=minutes,
            group=group_id,
            students=expected,
            strand=strand_for(info[group_id][1]),
            status=STATUS_OF[status],
            attendance={k: v for k, v in marks.get(pk, {}).items() if k in expected},
            staff=staff.get(group_id, frozenset()),
        )

    recorded = [
        record(pk, day, _minutes(start, end), group_id, status)
        for pk, day, start, end, status, group_id in rows
    ]
    generated = {row[5] for row in rows}
    planned = [
        record(f"p{group_id}-{day.isoformat()}", day, minutes, group_id)
        for group_id, day, minutes in _ungenerated(info.values(), generated)
    ]
    return SessionRecords(recorded, planned)


@dataclass(frozen=True)
class SessionTotals:
    """The sessions of some groups summed per group and way of counting (:func:`session_totals`)."""

    folded: list[hours.SessionRecord]
    """As ``fold_records(session_records(groups, attendance=False).all, today)``."""
    unrecorded: list[hours.SessionRecord]
    """The recorded sessions dated before ``today`` still neither held nor cancelled."""
    held: dict[hours.Ref, int] = field(default_factory=dict)
    """How many sessions of each group count as held (held and dated on or before ``today``)."""


def session_totals(groups: Groups, today: dt.date, *, students: bool = True) -> SessionTotals:
    """:func:`session_records` without attendance, folded as :func:`fold_records` folds them,
    but summed by the database: one row per group, status and slot time instead of one per
    session (the hours index reads every level's year). Six queries whatever the number of
    groups; the records are equal to the folded ones (a test checks it). Without
    ``students`` the records expect nobody (staff hours do not need the members)."""
    ids = _group_ids(groups)
    info = {row[0]: row for row in Group.objects.filter(pk__in=ids).values_list(*_GROUP_FIELDS)}
    members = _members(ids) if students else {}
    staff = _staff(ids)
    minutes: dict[tuple[int, hours.SessionStatus], int] = defaultdict(int)
    totals = (
        Session.objects.filter(group_id__in=ids)
        .values("group_id", "status", "start_time", "end_time")
        .annotate(
            count=Count("pk"),
            held=Count("pk", filter=Q(status=Session.Status.DONE, date__lte=today)),
        )
        .order_by()
    )
    generated = set()
    held: dict[hours.Ref, int] = defaultdict(int)
    for row in totals:
        group_id, length = row["group_id"], _minutes(row["start_time"], row["end_time"])
        generated.add(group_id)
        held[group_id] += row["held"]
        if row["status"] == Session.Status.CANCELLED:
            minutes[(group_id, hours.SessionStatus.CANCELLED)] += length * row["count"]
            continue
        minutes[(group_id, hours.SessionStatus.HELD)] += length * row["held"]
        minutes[(group_id, hours.SessionStatus.PLANNED)] += length * (row["count"] - row["held"])
    for group_id, _day, length in _ungenerated(info.values(), generated):
        minutes[(group_id, hours.SessionStatus.PLANNED)] += length
    folded = [
        hours.SessionRecord(
            id=f"g{group_id}-{status.value}",
            date=today,
            duration_minutes=total,
            group=group_id,
            students=members.get(group_id, frozenset()),
            strand=strand_for(info[group_id][1]),
            status=status,
            staff=staff.get(group_id, frozenset()),
        )
        for (group_id, status), total in minutes.items()
        if total > 0
    ]
    unrecorded = [
        hours.SessionRecord(
            id=pk,
            date=day,
            duration_minutes=_minutes(start, end),
            group=group_id,
            students=members.get(group_id, frozenset()),
            strand=strand_for(info[group_id][1]),
            staff=staff.get(group_id, frozenset()),
        )
        for pk, day, start, end, group_id in Session.objects.filter(
            group_id__in=ids, status=Session.Status.PLANNED, date__lt=today
        )
        .order_by("date", "start_time", "pk")
        .values_list("pk", "date", "start_time", "end_time", "group_id")
    ]
    return SessionTotals(folded, unrecorded, dict(held))


@dataclass(frozen=True)
class AttendedFolds:
    """The sessions of some groups with attendance, folded (:func:`attended_folds`)."""

    folded: list[hours.SessionRecord]
    """As ``fold_records(session_records(groups).all, today)``, in the same order."""
    recorded: list[hours.SessionRecord]
    """The recorded sessions still planned and dated before ``today`` (to check unrecorded)."""
    count: int
    """How many sessions, recorded and implied by published groups (``len(….all)``)."""


#: The attendance statuses that count the student as there.
_ATTENDED = [status.value for status in hours.Attendance if status.attended]


def attended_folds(groups: Groups, today: dt.date) -> AttendedFolds:
    """:func:`fold_records` of :func:`session_records` with attendance, without a record per
    session: each session adds its minutes to the fold of its group, status and attending
    members as it is read, and only the attendances that count a student as there are read
    (five queries whatever the number of groups). A test checks it equals the folded records."""
    ids = _group_ids(groups)
    info = {row[0]: row for row in Group.objects.filter(pk__in=ids).values_list(*_GROUP_FIELDS)}
    members = _members(ids)
    staff = _staff(ids)
    present: defaultdict[int, set[int]] = defaultdict(set)
    for session_id, student_id in Attendance.objects.filter(
        session__group_id__in=ids,
        session__status=Session.Status.DONE,
        session__date__lte=today,
        status__in=_ATTENDED,
    ).values_list("session_id", "student_id"):
        present[session_id].add(student_id)
    held, planned = hours.SessionStatus.HELD, hours.SessionStatus.PLANNED
    nobody: frozenset[int] = frozenset()
    folds: dict[tuple, list] = {}
    late: list[hours.SessionRecord] = []

    def make(pk, day, minutes, group_id, status, attended) -> hours.SessionRecord:
        return hours.SessionRecord(
            id=pk,
            date=day,
            duration_minutes=minutes,
            group=group_id,
            students=members.get(group_id, nobody),
            strand=strand_for(info[group_id][1]),
            status=status,
            attendance=dict.fromkeys(attended, hours.Attendance.PRESENT),
            staff=staff.get(group_id, nobody),
        )

    def add(pk, day, minutes, group_id, status, attended) -> None:
        key = (group_id, status, attended)
        if key in folds:
            folds[key][2] += minutes
        else:
            folds[key] = [pk, day, minutes]

    rows = (
        Session.objects.filter(group_id__in=ids)
        .order_by("date", "start_time", "pk")
        .values_list("pk", "date", "start_time", "end_time", "status", "group_id")
    )
    count, generated = 0, set()
    for pk, day, start, end, db_status, group_id in rows:
        count += 1
        generated.add(group_id)
        status = STATUS_OF[db_status]
        minutes = _minutes(start, end)
        if status is held and day > today:
            status = planned
        if status is held:
            expected = members.get(group_id, nobody)
            add(pk, day, minutes, group_id, held, frozenset(present.get(pk, nobody) & expected))
            continue
        add(pk, day, minutes, group_id, status, nobody)
        if status is planned and day < today:
            late.append(make(pk, day, minutes, group_id, planned, nobody))
    for group_id, day, minutes in _ungenerated(info.values(), generated):
        count += 1
        add(f"p{group_id}-{day.isoformat()}", day, minutes, group_id, planned, nobody)
    folded = [
        make(pk, day, minutes, group_id, status, attended)
        for (group_id, status, attended), (pk, day, minutes) in folds.items()
    ]
    return AttendedFolds(folded, late, count)


def _ungenerated(info: Iterable[tuple], generated: set[int]) -> Iterator[tuple[int, dt.date, int]]:
    """(group, date, minutes) of each day of the published groups with no session."""
    for row in info:
        pk, _kind, status, start, end, zone, weekday, start_time, end_time = row[:9]
        round_start, round_end = row[9:11]
        if status != Plan.Status.PUBLISHED or pk in generated:
            continue
        minutes = _minutes(start_time, end_time)
        if minutes <= 0:
            continue
        for day in group_dates(zone, weekday, start, end, round_start, round_end):
            yield pk, day, minutes


def mark_records(
    groups: Groups, *, members: Mapping[int, frozenset[int]] | None = None
) -> list[MarkRecord]:
    """Teachers' progress marks in the sessions of ``groups`` (of ``members`` only, when
    given), with the module as the objective."""
    expected = None if members is None else set().union(*members.values())
    return [
        MarkRecord(student, module, day, level)
        for student, module, day, level in ProgressMark.objects.filter(
            session__group_id__in=_group_ids(groups),
            author_kind=ProgressMark.AuthorKind.TEACHER,
        ).values_list("student_id", "session__group__module_id", "session__date", "level")
        if expected is None or student in expected
    ]


def fold_records(records: list[hours.SessionRecord], today: dt.date) -> list[hours.SessionRecord]:
    """The sessions of a group that count the same way for every member, as one record.

    For each student the accounting only adds minutes per strand and category, so sessions
    of one group with the same status and the same students attending count exactly like
    one session of their total length. A held session dated after ``today`` counts as
    planned, as ``level_report(as_of=today)`` would count it. The cost then follows the
    number of distinct attendance patterns rather than the number of sessions (all the
    sessions still to come of a group become one record). Unrecorded sessions must be
    checked on the records before folding (their ids are lost here).
    """
    held, planned = hours.SessionStatus.HELD, hours.SessionStatus.PLANNED
    folded: dict[tuple, list] = {}
    for record in records:
        status = planned if record.status is held and record.date > today else record.status
        attended = (
            frozenset(s for s, mark in record.attendance.items() if mark.attended)
            if status is held
            else frozenset()
        )
        key = (record.group, status, record.strand, attended)
        if key in folded:
            folded[key][1] += record.duration_minutes
        else:
            folded[key] = [record, record.duration_minutes, status, attended]
    return [
        hours.SessionRecord(
            id=first.id,
            date=first.date,
            duration_minutes=minutes,
            group=first.group,
            students=first.students,
            strand=first.strand,
            status=status,
            attendance={s: hours.Attendance.PRESENT for s in attended},
            staff=first.staff,
        )
        for first, minutes, status, attended in folded.values()
    ]
