"""Reads of the follow-up: sessions and rosters, weekly timetables, hour accounting, stage
review facts, and the student's portfolio. Query counts stay constant in the number of rows."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from appui.core import hours
from appui.core.calendar import school_days
from appui.core.scales import LsuLevel
from appui.diagnostics.models import Competency, NeedProfile, Result
from appui.diagnostics.selectors import student_notes
from appui.planning.models import Assignment, Group, Module, Plan, Slot
from appui.schools.models import Division, Level, Period, SchoolYear, Staff, Student

from .models import Attendance, ProgressMark, Session, StageReview

LEVEL_LABELS = {level.value: level.label for level in LsuLevel}
"""French LSU labels (1 → « Maîtrise insuffisante »…), used in drafted review texts."""

# The three strands of the scheme (appui.core.hours.Strand) from the module kinds: support
# consolidates what was learnt, orientation modules are the orientation strand, every other
# kind (methods, deepening, expression, culture, tutoring) is personalised support.
STRAND_OF_KIND = {
    Module.Kind.SUPPORT: hours.Strand.CONSOLIDATION,
    Module.Kind.ORIENTATION: hours.Strand.ORIENTATION,
}
HELD_PLAN_STATUSES = [Plan.Status.PUBLISHED, Plan.Status.SUPERSEDED]


def strand_for(kind: str) -> hours.Strand:
    return STRAND_OF_KIND.get(kind, hours.Strand.PERSONALISED)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_of(raw: str | None, today: dt.date) -> dt.date:
    """The Monday of the week a ``?semaine=`` value names; this week's when absent or unreadable."""
    try:
        day = dt.date.fromisoformat(raw or "")
    except ValueError:
        day = today
    return monday_of(day)


def week_sessions(sessions: QuerySet[Session], monday: dt.date) -> QuerySet[Session]:
    """The sessions of the week starting ``monday`` (Monday to Saturday)."""
    return sessions.filter(date__gte=monday, date__lte=monday + dt.timedelta(days=5))


def _session_queryset() -> QuerySet[Session]:
    return Session.objects.select_related(
        "group__module", "group__room", "group__slot", "group__plan__level", "group__plan__period"
    ).prefetch_related("group__staff")


# --------------------------------------------------------------------------- sessions


def sessions_of_staff(user) -> QuerySet[Session]:
    return _session_queryset().filter(group__staff__user=user).distinct()


def sessions_of_student(student: Student) -> QuerySet[Session]:
    return _session_queryset().filter(group__assignments__student=student).distinct()


def sessions_of_division(division: Division) -> QuerySet[Session]:
    """Sessions of the groups holding students of the division, with how many of them."""
    return (
        _session_queryset()
        .filter(group__assignments__student__division=division)
        .annotate(
            division_count=Count(
                "group__assignments",
                filter=Q(group__assignments__student__division=division),
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


def next_session(user, today: dt.date | None = None) -> Session | None:
    today = today or timezone.localdate()
    return (
        sessions_of_staff(user)
        .filter(date__gt=today)
        .exclude(status=Session.Status.CANCELLED)
        .order_by("date", "start_time")
        .first()
    )


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


# --------------------------------------------------------------------------- hours


def session_records(
    sessions: QuerySet[Session], *, attendance: bool = True
) -> list[hours.SessionRecord]:
    """Sessions as ``appui.core.hours`` reads them (4 queries whatever their number).

    Read as plain values, not model instances: a school's year is tens of thousands of
    attendance rows. ``attendance=False`` skips them (staff hours do not need them).
    """
    rows = list(
        sessions.order_by().values_list(
            "pk", "date", "start_time", "end_time", "status", "group_id", "group__module__kind"
        )
    )
    group_ids = {row[5] for row in rows}
    members: dict[int, set[int]] = defaultdict(set)
    for group_id, student_id in Assignment.objects.filter(group_id__in=group_ids).values_list(
        "group_id", "student_id"
    ):
        members[group_id].add(student_id)
    staff: dict[int, set[int]] = defaultdict(set)
    for group_id, staff_id in Group.staff.through.objects.filter(
        group_id__in=group_ids
    ).values_list("group_id", "staff_id"):
        staff[group_id].add(staff_id)
    marks: dict[int, dict[int, str]] = defaultdict(dict)
    if attendance:
        for session_id, student_id, status in Attendance.objects.filter(
            session__in=sessions.order_by().values("pk")
        ).values_list("session_id", "student_id", "status"):
            marks[session_id][student_id] = status
    status_map = {
        Session.Status.PLANNED: hours.SessionStatus.PLANNED,
        Session.Status.DONE: hours.SessionStatus.HELD,
        Session.Status.CANCELLED: hours.SessionStatus.CANCELLED,
    }
    records = []
    for pk, day, start, end, status, group_id, kind in rows:
        expected = members[group_id]
        records.append(
            hours.SessionRecord(
                id=pk,
                date=day,
                duration_minutes=(end.hour - start.hour) * 60 + end.minute - start.minute,
                group=group_id,
                students=frozenset(expected),
                strand=strand_for(kind),
                status=status_map[status],
                attendance={k: v for k, v in marks[pk].items() if k in expected},
                staff=frozenset(staff[group_id]),
            )
        )
    return records


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


def level_volume(level: Level) -> hours.HourVolume:
    return hours.HourVolume(
        level=str(level.pk),
        label=level.name,
        due_minutes=hours.hours_to_minutes(level.ap_hours),
        reference=level.hours_reference,
        official=False,
    )


def remaining_slot_weeks(level: Level, today: dt.date) -> tuple[int, int]:
    """Teaching weeks left after today in which the level has a slot, and the weekly minutes
    of its slots (slots limited to periods that are over are left out)."""
    year = level.year
    zone = year.school.holiday_zone
    start = today + dt.timedelta(days=1)
    periods = {p.pk: p for p in year.periods.all()}
    open_periods = [p for p in periods.values() if p.end_date >= start]
    slots = list(Slot.objects.filter(level=level).prefetch_related("periods"))
    weekly = 0
    weeks: set[dt.date] = set()
    for slot in slots:
        active = list(slot.periods.all()) or open_periods
        spans = [p for p in active if p.end_date >= start]
        if not spans:
            continue
        weekly += slot.minutes
        for period in spans:
            for day in school_days(
                zone,
                max(start, period.start_date),
                min(period.end_date, year.end_date),
                slot.weekday,
            ):
                weeks.add(monday_of(day))
    return len(weeks), weekly


@dataclass
class StudentRow:
    student: Student
    hours: hours.StudentHours
    short: bool = False
    unreachable: bool = False


def level_hours(level: Level, today: dt.date | None = None) -> dict:
    """Due vs planned vs delivered for a level, per student and division, with the warnings."""
    today = today or timezone.localdate()
    records = session_records(Session.objects.filter(group__plan__level=level))
    roster = list(
        Student.objects.filter(division__level=level, exit_date__isnull=True).select_related(
            "division"
        )
    )
    roster_ids = {s.pk for s in roster}
    involved = {s for r in records for s in r.students} - roster_ids
    others = list(Student.objects.filter(pk__in=involved).select_related("division"))
    students = {s.pk: s for s in roster + others}
    weeks, weekly = remaining_slot_weeks(level, today)
    volume = level_volume(level)
    report = hours.level_report(
        volume,
        fold_records(records, today),
        students=roster_ids,
        divisions={pk: s.division_id for pk, s in students.items() if s.division_id},
        remaining_weeks=weeks,
        weekly_slot_minutes=weekly,
    )
    unrecorded = hours.check_unrecorded(records, as_of=today)
    warnings = list(report.warnings) + unrecorded
    flagged = defaultdict(set)
    for warning in warnings:
        flagged[warning.code].update(warning.students)
    rows = [
        StudentRow(
            student=students[pk],
            hours=h,
            short=pk in flagged[hours.WarningCode.UNEQUAL],
            unreachable=pk in flagged[hours.WarningCode.UNREACHABLE],
        )
        for pk, h in report.students.items()
        if pk in students
    ]
    rows.sort(
        key=lambda r: (
            r.student.division.code if r.student.division else "",
            r.student.last_name,
            r.student.first_name,
        )
    )
    divisions = {d.pk: d for d in Division.objects.filter(pk__in=report.divisions)}
    current = [h for pk, h in report.students.items() if pk in roster_ids]
    strands = [
        {
            "strand": strand,
            "planned": hours.MinuteRange.of(h.planned.get(strand) for h in current),
            "delivered": hours.MinuteRange.of(h.delivered.get(strand) for h in current),
        }
        for strand in hours.Strand
    ]
    return {
        "volume": volume,
        "report": report,
        "rows": rows,
        "divisions": [(divisions[pk], d) for pk, d in report.divisions.items() if pk in divisions],
        "strands": strands,
        "remaining_weeks": weeks,
        "weekly_minutes": weekly,
        "sessions": len(records),
        "warnings": warnings,
        "unrecorded": unrecorded,
    }


def coordinated_levels(access, year: SchoolYear | None) -> list[Level]:
    """The levels of ``year`` whose hours the user may read (head, coordinators of the level)."""
    if year is None:
        return []
    return [level for level in year.levels.all() if access.can_coordinate_level(level.pk)]


def staff_service(levels, today: dt.date | None = None) -> list[dict]:
    """Staff hours for the service sheet, over the sessions of ``levels``."""
    today = today or timezone.localdate()
    records = session_records(
        Session.objects.filter(group__plan__level__in=levels), attendance=False
    )
    per_staff = hours.staff_hours(records, as_of=today)
    staff = {s.pk: s for s in Staff.objects.filter(pk__in=per_staff)}
    rows = [
        {"staff": staff[pk], "hours": h, "weekly": h.weekly_hours()}
        for pk, h in per_staff.items()
        if pk in staff
    ]
    rows.sort(key=lambda r: (r["staff"].last_name, r["staff"].first_name))
    return rows


# --------------------------------------------------------------------------- reviews


def _student_groups_in(students: list[Student], period: Period) -> dict[int, list[Group]]:
    """Groups of the period each student belongs to (published, or replaced after being held)."""
    by_student: dict[int, list[Group]] = defaultdict(list)
    assignments = Assignment.objects.filter(
        student__in=students,
        group__plan__period=period,
        group__plan__status__in=HELD_PLAN_STATUSES,
    ).select_related("group__module__competency", "group__plan")
    for assignment in assignments:
        by_student[assignment.student_id].append(assignment.group)
    return by_student


def review_facts(students: list[Student], period: Period) -> dict[int, dict]:
    """For each student, what the period's data says (JSON-ready; French texts)."""
    students = list(students)
    groups = _student_groups_in(students, period)
    group_ids = {g.pk for gs in groups.values() for g in gs}
    held = list(
        Session.objects.filter(group_id__in=group_ids, status=Session.Status.DONE).values_list(
            "pk", "group_id"
        )
    )
    held_by_group: dict[int, list[int]] = defaultdict(list)
    for session_id, group_id in held:
        held_by_group[group_id].append(session_id)
    session_ids = [pk for pk, _g in held]
    attendance = {
        (session_id, student_id): status
        for session_id, student_id, status in Attendance.objects.filter(
            session_id__in=session_ids, student__in=students
        ).values_list("session_id", "student_id", "status")
    }
    marks: dict[tuple[int, int], list] = defaultdict(list)
    for mark in (
        ProgressMark.objects.filter(session_id__in=session_ids, student__in=students)
        .exclude(author_kind=ProgressMark.AuthorKind.PEER)
        .select_related("session")
        .order_by("session__date", "session__start_time", "pk")
    ):
        marks[(mark.student_id, mark.session.group_id)].append(mark)
    profiles = {p.student_id: p.needs for p in NeedProfile.objects.filter(student__in=students)}
    competencies = {
        c.code: c.label
        for c in Competency.objects.filter(framework__school_id=period.year.school_id)
    }
    facts = {}
    for student in students:
        modules: dict[int, dict] = {}
        totals = Counter()
        for group in groups.get(student.pk, []):
            sessions = held_by_group.get(group.pk, [])
            if group.plan.status != Plan.Status.PUBLISHED and not sessions:
                continue
            module = modules.setdefault(
                group.module_id,
                {
                    "code": group.module.code,
                    "title": group.module.title,
                    "objective": group.module.objective,
                    "competency": group.module.competency.code,
                    "held": 0,
                    "attended": 0,
                    "first_level": None,
                    "last_level": None,
                    "self_level": None,
                },
            )
            for session_id in sessions:
                status = attendance.get((session_id, student.pk), "unrecorded")
                totals[status] += 1
                module["held"] += 1
                if status in ("present", "late"):
                    module["attended"] += 1
            for mark in marks.get((student.pk, group.pk), []):
                if mark.author_kind == ProgressMark.AuthorKind.TEACHER:
                    module["first_level"] = module["first_level"] or mark.level
                    module["last_level"] = mark.level
                else:
                    module["self_level"] = mark.level
        held_count = sum(totals.values())
        attended = totals["present"] + totals["late"]
        rate = round(attended / held_count, 3) if held_count else None
        strengths, next_steps = [], []
        for module in modules.values():
            if (module["last_level"] or 0) >= 3:
                strengths.append(f"Objectif atteint : {module['objective']} ({module['title']}).")
            elif module["last_level"]:
                next_steps.append(f"Consolider : {module['objective']} ({module['title']}).")
        if rate is not None and rate >= 0.95 and held_count >= 3:
            strengths.append("Assiduité exemplaire en accompagnement personnalisé.")
        needs = profiles.get(student.pk) or {}
        worked = {m["competency"] for m in modules.values()}
        ranked = sorted(
            (
                (need.get("priority"), code, need)
                for code, need in needs.items()
                if need.get("priority") is not None
            ),
            key=lambda item: (item[0], item[1]),
        )
        for _priority, code, need in ranked:
            label = competencies.get(code, code)
            if need.get("kind") == "deepening":
                strengths.append(f"Peut approfondir : {label}.")
            elif len(next_steps) < 4 and code not in worked:
                next_steps.append(f"Travailler : {label}.")
        facts[student.pk] = {
            "modules": list(modules.values()),
            "attendance": {
                "held": held_count,
                "attended": attended,
                "present": totals["present"],
                "late": totals["late"],
                "absent": totals["absent"],
                "excused": totals["excused"],
                "unrecorded": totals["unrecorded"],
                "rate": rate,
            },
            "strengths": strengths,
            "next": next_steps,
        }
    return facts


def division_reviews(division: Division, period: Period) -> list[tuple[Student, StageReview]]:
    students = list(division.students.filter(exit_date__isnull=True).order_by("last_name"))
    reviews = {
        r.student_id: r for r in StageReview.objects.filter(period=period, student__in=students)
    }
    return [(s, reviews.get(s.pk)) for s in students]


def visible_reviews(student: Student, *, staff: bool) -> QuerySet[StageReview]:
    reviews = student.stage_reviews.select_related("period__year").order_by(
        "-period__year__start_year", "-period__number"
    )
    return reviews if staff else reviews.filter(status=StageReview.Status.VALIDATED)


# --------------------------------------------------------------------------- student page


def student_summary(student: Student, *, staff: bool, today: dt.date | None = None) -> dict:
    """What the student page shows about AP follow-up (constant queries)."""
    today = today or timezone.localdate()
    sessions = sessions_of_student(student)
    upcoming = list(
        sessions.filter(date__gte=today)
        .exclude(status=Session.Status.CANCELLED)
        .order_by("date", "start_time")[:3]
    )
    counts = Counter(
        Attendance.objects.filter(student=student, session__status=Session.Status.DONE).values_list(
            "status", flat=True
        )
    )
    held = (
        Session.objects.filter(group__assignments__student=student, status=Session.Status.DONE)
        .distinct()
        .count()
    )
    attended = counts["present"] + counts["late"]
    recent = list(
        sessions.filter(status=Session.Status.DONE, date__lte=today)
        .prefetch_related(
            Prefetch(
                "marks",
                queryset=ProgressMark.objects.filter(student=student).select_related("assessor"),
                to_attr="student_marks",
            )
        )
        .order_by("-date", "-start_time")[:4]
    )
    for session in recent:
        session.teacher_mark = next(
            (m for m in session.student_marks if m.author_kind == "teacher"), None
        )
        session.self_mark = next(
            (m for m in session.student_marks if m.author_kind == "self"), None
        )
        session.peer_marks = [m for m in session.student_marks if m.author_kind == "peer"]
    co_evaluation = []
    if recent and recent[0].co_evaluation:
        co_evaluation = list(
            Student.objects.filter(assignments__group_id=recent[0].group_id)
            .exclude(pk=student.pk)
            .order_by("last_name", "first_name")
        )
    return {
        "upcoming": upcoming,
        "recent": recent,
        "held": held,
        "attended": attended,
        "absent": counts["absent"],
        "late": counts["late"],
        "excused": counts["excused"],
        "rate": round(100 * attended / held) if held else None,
        "reviews": list(visible_reviews(student, staff=staff)),
        "co_evaluation": co_evaluation,
    }


# --------------------------------------------------------------------------- portfolio


@dataclass
class Event:
    date: dt.date
    kind: str
    title: str
    detail: str = ""
    url: str = ""
    items: list = field(default_factory=list)
    restricted: bool = False
    obj: object = None


@dataclass
class PortfolioPeriod:
    label: str
    start: dt.date | None
    events: list[Event] = field(default_factory=list)


@dataclass
class PortfolioYear:
    label: str
    periods: list[PortfolioPeriod] = field(default_factory=list)


def portfolio(student: Student, *, staff: bool, restricted: bool) -> list[PortfolioYear]:
    """The student's timeline across periods and years, newest first.

    Diagnoses (campaign results), interviews and observations (staff only; restricted ones
    only when ``restricted``), need groups with their modules, attendance and progress
    marks per group, and stage reviews (validated ones only for the student and family).
    """
    events: list[Event] = []
    results: dict[int, list[Result]] = defaultdict(list)
    for result in (
        Result.objects.filter(student=student)
        .select_related("campaign__period__year", "competency")
        .order_by("competency__code")
    ):
        results[result.campaign_id].append(result)
    for items in results.values():
        campaign = items[0].campaign
        events.append(
            Event(
                campaign.date,
                "diagnosis",
                campaign.name,
                campaign.get_kind_display(),
                items=items,
                obj=campaign,
            )
        )
    if staff:
        interviews, observations = student_notes(student, restricted=restricted)
        for interview in interviews:
            events.append(
                Event(
                    interview.date,
                    "interview",
                    interview.get_kind_display(),
                    restricted=interview.restricted,
                    obj=interview,
                )
            )
        for observation in observations:
            events.append(
                Event(
                    observation.date,
                    "observation",
                    observation.get_signal_display(),
                    observation.note,
                    restricted=observation.restricted,
                    obj=observation,
                )
            )
    groups = list(
        Group.objects.filter(assignments__student=student, plan__status__in=HELD_PLAN_STATUSES)
        .select_related("module", "plan__period__year", "slot", "room")
        .prefetch_related("staff")
    )
    held = defaultdict(int)
    for group_id in Session.objects.filter(
        group__in=groups, status=Session.Status.DONE
    ).values_list("group_id", flat=True):
        held[group_id] += 1
    attendance: dict[int, Counter] = defaultdict(Counter)
    for group_id, status in Attendance.objects.filter(
        student=student, session__group__in=groups
    ).values_list("session__group_id", "status"):
        attendance[group_id][status] += 1
    marks: dict[int, list[ProgressMark]] = defaultdict(list)
    for mark in (
        ProgressMark.objects.filter(student=student, session__group__in=groups)
        .select_related("session", "assessor")
        .order_by("session__date", "pk")
    ):
        marks[mark.session.group_id].append(mark)
    for group in groups:
        if group.plan.status != Plan.Status.PUBLISHED and not held[group.pk]:
            continue
        counts = attendance[group.pk]
        events.append(
            Event(
                group.plan.period.start_date,
                "group",
                group.module.title,
                group.module.objective,
                items=marks[group.pk],
                obj={
                    "group": group,
                    "held": held[group.pk],
                    "attended": counts["present"] + counts["late"],
                    "absent": counts["absent"],
                    "late": counts["late"],
                    "excused": counts["excused"],
                },
            )
        )
    for review in visible_reviews(student, staff=staff):
        events.append(Event(review.period.end_date, "review", str(review.period), obj=review))

    periods = list(Period.objects.filter(year__school_id=student.school_id).select_related("year"))
    years: dict[int, PortfolioYear] = {}
    buckets: dict[object, PortfolioPeriod] = {}
    for event in sorted(events, key=lambda e: (e.date, e.kind), reverse=True):
        period = next((p for p in periods if p.start_date <= event.date <= p.end_date), None)
        if period is None:
            # Between two periods (holidays): the next period, else the period just ended.
            later = [p for p in periods if p.start_date > event.date]
            earlier = [p for p in periods if p.end_date < event.date]
            period = (
                min(later, key=lambda p: p.start_date)
                if later
                else max(earlier, key=lambda p: p.end_date, default=None)
            )
        key = period.pk if period else None
        if key not in buckets:
            year_key = period.year_id if period else 0
            if year_key not in years:
                years[year_key] = PortfolioYear(period.year.label if period else "")
            buckets[key] = PortfolioPeriod(
                period.name if period else "", period.start_date if period else None
            )
            years[year_key].periods.append(buckets[key])
        buckets[key].events.append(event)
    return list(years.values())
