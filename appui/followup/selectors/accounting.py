"""Hour accounting pages: due vs planned vs delivered per level and student, staff service."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict

from django.utils import timezone

from appui.core import hours
from appui.planning.models import Group, Round, Slot
from appui.schools.models import Division, Level, SchoolYear, Staff, Student
from appui.schools.selectors import students_of, with_division_of

from .records import fold_records, group_dates, session_records
from .sessions import monday_of


def level_volume(level: Level) -> hours.HourVolume:
    """The level's yearly volume with its split between the strands. A split that no
    longer adds up (the volume was changed by an import since) is left out, not fatal: the
    settings page refuses it at the next save."""
    try:
        return level.hour_volume()
    except ValueError:
        return hours.HourVolume(
            level=str(level.pk),
            label=level.name,
            due_minutes=hours.hours_to_minutes(level.ap_hours),
            reference=level.hours_reference,
            official=False,
        )


def remaining_slot_weeks(level: Level, today: dt.date) -> tuple[int, int]:
    """Teaching weeks left after today in which the level has a slot, and the weekly minutes
    of its slots (slots limited to periods that are over are left out). In a period cut into
    rounds a slot meets within the rounds only."""
    year = level.year
    zone = year.school.holiday_zone
    start = today + dt.timedelta(days=1)
    periods = {p.pk: p for p in year.periods.all()}
    open_periods = [p for p in periods.values() if p.end_date >= start]
    slots = list(Slot.objects.filter(level=level).prefetch_related("periods"))
    rounds: dict[int, list[tuple[dt.date | None, dt.date | None]]] = {}
    for period_id, starts_on, ends_on in Round.objects.filter(level=level).values_list(
        "period_id", "starts_on", "ends_on"
    ):
        rounds.setdefault(period_id, []).append((starts_on, ends_on))
    weekly = 0
    weeks: set[dt.date] = set()
    for slot in slots:
        active = list(slot.periods.all()) or open_periods
        spans = [p for p in active if p.end_date >= start]
        if not spans:
            continue
        weekly += slot.minutes
        for period in spans:
            for round_start, round_end in rounds.get(period.pk, [(None, None)]):
                for day in group_dates(
                    zone,
                    slot.weekday,
                    period.start_date,
                    min(period.end_date, year.end_date),
                    round_start,
                    round_end,
                    since=start,
                ):
                    weeks.add(monday_of(day))
    return len(weeks), weekly


@dataclass
class StudentRow:
    student: Student
    #: The pupil's division in the level's year ("" when none).
    division_code: str
    hours: hours.StudentHours
    short: bool = False
    unreachable: bool = False


def level_hours(level: Level, today: dt.date | None = None) -> dict:
    """Due vs planned vs delivered for a level, per student and division, with the warnings."""
    today = today or timezone.localdate()
    sessions = session_records(Group.objects.filter(plan__level=level))
    records = sessions.all
    # The level's pupils of its own year, each with their division that year (for a past
    # year, their enrolment's: a pupil may have moved class or left since).
    year = level.year
    roster = list(with_division_of(students_of(year, level=level), year))
    roster_ids = {s.pk for s in roster}
    involved = {s for r in records for s in r.students} - roster_ids
    others = list(with_division_of(Student.objects.filter(pk__in=involved), year))
    students = {s.pk: s for s in roster + others}
    weeks, weekly = remaining_slot_weeks(level, today)
    volume = level_volume(level)
    report = hours.level_report(
        volume,
        fold_records(records, today),
        students=roster_ids,
        divisions={pk: s.year_division_id for pk, s in students.items() if s.year_division_id},
        remaining_weeks=weeks,
        weekly_slot_minutes=weekly,
    )
    # Only follow-up's sessions can be recorded; the dates of ungenerated groups cannot.
    unrecorded = hours.check_unrecorded(sessions.recorded, as_of=today)
    warnings = list(report.warnings) + unrecorded
    flagged: defaultdict[hours.WarningCode, set[hours.StudentId]] = defaultdict(set)
    for warning in warnings:
        flagged[warning.code].update(warning.students)
    rows = [
        StudentRow(
            student=students[pk],
            division_code=students[pk].year_division_code or "",
            hours=h,
            short=pk in flagged[hours.WarningCode.UNEQUAL],
            unreachable=pk in flagged[hours.WarningCode.UNREACHABLE],
        )
        for pk, h in report.students.items()
        if pk in students
    ]
    rows.sort(
        key=lambda r: (
            r.division_code,
            r.student.last_name,
            r.student.first_name,
        )
    )
    divisions = {d.pk: d for d in Division.objects.filter(pk__in=report.divisions)}
    current = [h for pk, h in report.students.items() if pk in roster_ids]
    # Per strand: planned by the level's split (None without one), scheduled (sessions not
    # cancelled) and delivered, as ranges over the level's pupils.
    strands = [
        {
            "strand": strand,
            "split": volume.split.get(strand) if volume.split else None,
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


class StaffServiceRow(TypedDict):
    """One line of the service sheet."""

    staff: Staff
    hours: hours.StaffHours
    weekly: Decimal


def staff_service(levels, today: dt.date | None = None) -> list[StaffServiceRow]:
    """Staff hours for the service sheet, over the sessions of ``levels``."""
    today = today or timezone.localdate()
    records = session_records(Group.objects.filter(plan__level__in=levels), attendance=False)
    per_staff = hours.staff_hours(records.all, as_of=today)
    staff = {s.pk: s for s in Staff.objects.filter(pk__in=per_staff)}
    rows: list[StaffServiceRow] = [
        {"staff": staff[pk], "hours": h, "weekly": h.weekly_hours()}
        for pk, h in per_staff.items()
        if pk in staff
    ]
    rows.sort(key=lambda r: (r["staff"].last_name, r["staff"].first_name))
    return rows
