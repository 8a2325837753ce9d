"""Sessions as the pages list them: per staff member, student, division, level or group,
one week at a time, with the roster of one session."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from appui.planning.models import Group
from appui.schools.models import Division, Level, Period, SchoolYear, Student
from appui.schools.selectors import students_of

from ..models import Attendance, ProgressMark, Session


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def school_week_of(day: dt.date) -> dt.date:
    """The Monday of the school week (Monday to Saturday) shown for ``day``: on a Sunday, the
    week ahead, since the one just ended no longer holds the day."""
    return monday_of(day + dt.timedelta(days=1) if day.weekday() == 6 else day)


def week_of(raw: str | None, today: dt.date) -> dt.date:
    """The Monday of the week a ``?semaine=`` value names; the school week of ``today`` when
    absent or unreadable."""
    try:
        return monday_of(dt.date.fromisoformat(raw or ""))
    except ValueError:
        return school_week_of(today)


def week_sessions(sessions: QuerySet[Session], monday: dt.date) -> QuerySet[Session]:
    """The sessions of the week starting ``monday`` (Monday to Saturday)."""
    return sessions.filter(date__gte=monday, date__lte=monday + dt.timedelta(days=5))


def _session_queryset() -> QuerySet[Session]:
    # The plan's solver data (JSON) is never shown with a session: left out of the join.
    return (
        Session.objects.select_related(
            "group__module",
            "group__room",
            "group__slot",
            "group__plan__level",
            "group__plan__period",
        )
        .defer(
            "group__plan__weights",
            "group__plan__progress",
            "group__plan__metrics",
            "group__plan__solver_message",
        )
        .prefetch_related("group__staff")
    )


# --------------------------------------------------------------------------- sessions

# A subquery of keys rather than DISTINCT over the joined rows (wide, with texts): a
# co-animator or a pupil matches each session once anyway.


def sessions_of_staff(user) -> QuerySet[Session]:
    return _session_queryset().filter(
        pk__in=Session.objects.filter(group__staff__user=user).values("pk")
    )


def sessions_of_student(student: Student) -> QuerySet[Session]:
    return _session_queryset().filter(
        pk__in=Session.objects.filter(group__assignments__student=student).values("pk")
    )


def sessions_of_division(division: Division) -> QuerySet[Session]:
    """Sessions of the division's year holding its pupils of that year, with how many of them.

    A pupil is one person across years: the groups of another year (the division they were in
    before or moved to) are not this division's.
    """
    pupils = students_of(division.year, division=division)
    return (
        _session_queryset()
        .filter(group__plan__level__year=division.year_id, group__assignments__student__in=pupils)
        .annotate(
            division_count=Count(
                "group__assignments",
                filter=Q(group__assignments__student__in=pupils),
                distinct=True,
            )
        )
    )


def sessions_of_level(level: Level, period: Period) -> QuerySet[Session]:
    """Sessions of the level's groups planned for ``period`` (every version of its plan)."""
    return _session_queryset().filter(group__plan__level=level, group__plan__period=period)


def sessions_of_group(group: Group) -> QuerySet[Session]:
    return group.sessions.annotate(
        present=Count(
            "attendances",
            filter=Q(attendances__status__in=["present", "late"]),
            distinct=True,
        ),
        recorded=Count("attendances", distinct=True),
    ).order_by("date", "start_time")


def today_sessions(user, today: dt.date | None = None) -> list[Session]:
    today = today or timezone.localdate()
    return list(sessions_of_staff(user).filter(date=today).order_by("start_time"))


def first_sessions(sessions: QuerySet[Session], *order: str, limit: int) -> list[Session]:
    """The first ``limit`` sessions of ``sessions`` in ``order``: their keys, then their rows.

    ``ORDER BY … LIMIT`` in one query over the tables ``_session_queryset`` joins and the key
    subquery costs PostgreSQL 12 to 40 ms to plan (it runs in under 1 ms): the keys alone plan
    in 0.5 ms, the rows by key in 2 ms. The prefetches of ``sessions`` apply to the rows.
    """
    keys = list(sessions.order_by(*order).values_list("pk", flat=True)[:limit])
    if not keys:
        return []
    return list(sessions.filter(pk__in=keys).order_by(*order))


def next_session(user, today: dt.date | None = None) -> Session | None:
    today = today or timezone.localdate()
    upcoming = (
        sessions_of_staff(user).filter(date__gt=today).exclude(status=Session.Status.CANCELLED)
    )
    return next(iter(first_sessions(upcoming, "date", "start_time", limit=1)), None)


@dataclass
class RosterRow:
    student: Student
    attendance: str = ""
    mark: ProgressMark | None = None
    self_mark: ProgressMark | None = None
    peer_marks: list[ProgressMark] = field(default_factory=list)

    @property
    def absent(self) -> bool:
        return self.attendance in (Attendance.Status.ABSENT, Attendance.Status.EXCUSED)


def session_roster(session: Session, students: list[int] | None = None) -> list[RosterRow]:
    """The group's members with their attendance and marks for the session (4 queries)."""
    members = (
        Student.objects.filter(assignments__group_id=session.group_id)
        .select_related("division")
        .order_by("last_name", "first_name", "pk")
    )
    if students is not None:
        members = members.filter(pk__in=students)
    rows = {s.pk: RosterRow(student=s) for s in members}
    for student_id, status in session.attendances.values_list("student_id", "status"):
        if student_id in rows:
            rows[student_id].attendance = status
    for mark in session.marks.select_related("assessor"):
        row = rows.get(mark.student_id)
        if row is None:
            continue
        if mark.author_kind == ProgressMark.AuthorKind.TEACHER:
            row.mark = mark
        elif mark.author_kind == ProgressMark.AuthorKind.SELF:
            row.self_mark = mark
        else:
            row.peer_marks.append(mark)
    return list(rows.values())


def roster_counts(rows: list[RosterRow]) -> dict:
    counts = Counter(row.attendance or "unrecorded" for row in rows)
    return {
        "members": len(rows),
        "recorded": len(rows) - counts["unrecorded"],
        "present": counts["present"] + counts["late"],
        "marked": sum(1 for row in rows if row.mark),
        **counts,
    }


def session_number(session: Session) -> tuple[int, int]:
    """Rank of the session among the group's sessions that are not cancelled, and their count."""
    dates = list(
        session.group.sessions.exclude(status=Session.Status.CANCELLED)
        .order_by("date", "start_time", "pk")
        .values_list("pk", flat=True)
    )
    rank = dates.index(session.pk) + 1 if session.pk in dates else 0
    return rank, len(dates)


@dataclass
class Day:
    date: dt.date
    sessions: list


def week(sessions: QuerySet[Session], monday: dt.date) -> list[Day]:
    """Monday to Saturday of one week; Saturday only when something happens on it."""
    days = [Day(monday + dt.timedelta(days=n), []) for n in range(6)]
    for session in week_sessions(sessions, monday).order_by("date", "start_time"):
        days[session.date.weekday()].sessions.append(session)
    if not days[5].sessions:
        days.pop()
    return days


def period_of(year: SchoolYear, day: dt.date) -> Period | None:
    periods = list(year.periods.order_by("number"))
    for period in periods:
        if period.start_date <= day <= period.end_date:
            return period
    upcoming = [p for p in periods if p.start_date > day]
    return upcoming[0] if upcoming else (periods[-1] if periods else None)
