"""Hour accounting pages: due vs planned vs delivered per level and student, staff service."""

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict

from django.utils import timezone

from appui.core import hours
from appui.planning.models import Group, Round, Slot
from appui.schools.computed import kept
from appui.schools.models import Division, Level, SchoolYear, Staff, Student
from appui.schools.selectors import students_of, with_division_of

from .records import attended_folds, group_dates, session_totals
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
    return remaining_slot_weeks_of(level.year, [level], today)[level.pk]


def remaining_slot_weeks_of(
    year: SchoolYear, levels: Iterable[Level], today: dt.date
) -> dict[int, tuple[int, int]]:
    """:func:`remaining_slot_weeks` of each of ``levels`` (of ``year``), in four queries."""
    levels = list(levels)
    zone = year.school.holiday_zone
    start = today + dt.timedelta(days=1)
    periods = {p.pk: p for p in year.periods.all()}
    open_periods = [p for p in periods.values() if p.end_date >= start]
    slots: defaultdict[int, list[Slot]] = defaultdict(list)
    for slot in Slot.objects.filter(level__in=levels).prefetch_related("periods"):
        slots[slot.level_id].append(slot)
    rounds: dict[tuple[int, int], list[tuple[dt.date | None, dt.date | None]]] = {}
    for level_id, period_id, starts_on, ends_on in Round.objects.filter(
        level__in=levels
    ).values_list("level_id", "period_id", "starts_on", "ends_on"):
        rounds.setdefault((level_id, period_id), []).append((starts_on, ends_on))
    # Slots on the same weekday meet in the same weeks: each span is worked out once.
    weeks_of: dict[tuple, set[dt.date]] = {}

    def meeting_weeks(weekday, period, round_start, round_end) -> set[dt.date]:
        key = (weekday, period.pk, round_start, round_end)
        if key not in weeks_of:
            weeks_of[key] = {
                monday_of(day)
                for day in group_dates(
                    zone,
                    weekday,
                    period.start_date,
                    min(period.end_date, year.end_date),
                    round_start,
                    round_end,
                    since=start,
                )
            }
        return weeks_of[key]

    result: dict[int, tuple[int, int]] = {}
    for level in levels:
        weekly = 0
        weeks: set[dt.date] = set()
        for slot in slots[level.pk]:
            active = list(slot.periods.all()) or open_periods
            spans = [p for p in active if p.end_date >= start]
            if not spans:
                continue
            weekly += slot.minutes
            for period in spans:
                for round_start, round_end in rounds.get((level.pk, period.pk), [(None, None)]):
                    weeks |= meeting_weeks(slot.weekday, period, round_start, round_end)
        result[level.pk] = (len(weeks), weekly)
    return result


def strand_rows(volume: hours.HourVolume, summary: hours.LevelSummary) -> list[dict]:
    """Per strand: planned by the level's split (None without one), scheduled (sessions not
    cancelled) and delivered, as ranges over the level's pupils."""
    return [
        {
            "strand": strand,
            "split": volume.split.get(strand) if volume.split else None,
            "planned": summary.planned_by_strand[strand],
            "delivered": summary.delivered_by_strand[strand],
        }
        for strand in hours.Strand
    ]


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
    sessions = attended_folds(Group.objects.filter(plan__level=level), today)
    # The level's pupils of its own year, each with their division that year (for a past
    # year, their enrolment's: a pupil may have moved class or left since).
    year = level.year
    roster = list(with_division_of(students_of(year, level=level), year))
    roster_ids = {s.pk for s in roster}
    involved = {s for r in sessions.folded for s in r.students} - roster_ids
    others = list(with_division_of(Student.objects.filter(pk__in=involved), year))
    students = {s.pk: s for s in roster + others}
    weeks, weekly = remaining_slot_weeks(level, today)
    volume = level_volume(level)
    report = hours.level_report(
        volume,
        sessions.folded,
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
    return {
        "volume": volume,
        "report": report,
        "rows": rows,
        "divisions": [(divisions[pk], d) for pk, d in report.divisions.items() if pk in divisions],
        "strands": strand_rows(volume, report),
        "remaining_weeks": weeks,
        "weekly_minutes": weekly,
        "sessions": sessions.count,
        "warnings": warnings,
        "unrecorded": unrecorded,
    }


def _rosters(year: SchoolYear, levels: list[Level]) -> dict[int, set[int]]:
    """The pupils of each level in ``year`` (as ``students_of(year, level=…)``), in two queries."""
    level_of = dict(Division.objects.filter(level__in=levels).values_list("pk", "level_id"))
    rosters: dict[int, set[int]] = {level.pk: set() for level in levels}
    for pk, division_id in with_division_of(students_of(year), year).values_list(
        "pk", "year_division_id"
    ):
        if division_id in level_of:
            rosters[level_of[division_id]].add(pk)
    return rosters


def level_summaries(
    year: SchoolYear, levels: Iterable[Level], today: dt.date | None = None
) -> list[tuple[Level, dict]]:
    """For each of ``levels`` (of ``year``), the figures of :func:`level_hours` without the
    per-student and per-division detail (``report`` is an :class:`~appui.core.hours.LevelSummary`):
    the same session records (summed by the database, :func:`.records.session_totals`) and
    rules, no attendance read, a dozen queries for all levels."""
    today = today or timezone.localdate()
    levels = list(levels)
    if not levels:
        return []
    groups = Group.objects.filter(plan__level__in=levels)
    level_of: dict[hours.Ref, int] = dict(groups.values_list("pk", "plan__level_id"))
    totals = session_totals(groups, today)
    folded: defaultdict[int, list[hours.SessionRecord]] = defaultdict(list)
    unrecorded_of: defaultdict[int, list[hours.SessionRecord]] = defaultdict(list)
    for record in totals.folded:
        folded[level_of[record.group]].append(record)
    for record in totals.unrecorded:
        unrecorded_of[level_of[record.group]].append(record)
    rosters = _rosters(year, levels)
    slot_weeks = remaining_slot_weeks_of(year, levels, today)
    result = []
    for level in levels:
        weeks, weekly = slot_weeks[level.pk]
        volume = level_volume(level)
        summary = hours.level_summary(
            volume,
            folded[level.pk],
            students=rosters[level.pk],
            remaining_weeks=weeks,
            weekly_slot_minutes=weekly,
        )
        unrecorded = hours.check_unrecorded(unrecorded_of[level.pk], as_of=today)
        result.append(
            (
                level,
                {
                    "volume": volume,
                    "report": summary,
                    "strands": strand_rows(volume, summary),
                    "remaining_weeks": weeks,
                    "weekly_minutes": weekly,
                    "warnings": list(summary.warnings) + unrecorded,
                    "unrecorded": unrecorded,
                },
            )
        )
    return result


def kept_level_summaries(
    year: SchoolYear, levels: Iterable[Level], today: dt.date
) -> list[tuple[Level, dict]]:
    """:func:`level_summaries`, kept while the school's records and the day stay the same
    (``appui.schools.computed``): the hours index and the coordinator's to-do share them."""
    levels = list(levels)
    return kept(
        year.school_id,
        "hours-summaries",
        [level.pk for level in levels],
        today,
        lambda: level_summaries(year, levels, today),
    )


def kept_level_hours(level: Level, today: dt.date) -> dict:
    """:func:`level_hours`, kept like :func:`kept_level_summaries` (the page of a level)."""
    return kept(
        level.year.school_id, "hours-level", [level.pk], today, lambda: level_hours(level, today)
    )


def kept_staff_service(
    year: SchoolYear, levels: Iterable[Level], today: dt.date
) -> list["StaffServiceRow"]:
    """:func:`staff_service`, kept like :func:`kept_level_summaries` (the service sheet)."""
    levels = list(levels)
    return kept(
        year.school_id,
        "hours-staff",
        [level.pk for level in levels],
        today,
        lambda: staff_service(levels, today),
    )


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
    """Staff hours for the service sheet, over the sessions of ``levels``: from the sessions
    summed by the database (:func:`.records.session_totals`), not one record per session."""
    today = today or timezone.localdate()
    totals = session_totals(Group.objects.filter(plan__level__in=levels), today, students=False)
    per_staff = hours.staff_hours(totals.folded, as_of=today)
    for pk, h in per_staff.items():
        # A folded record counts once: the sessions held are the database's count.
        held: int = sum(totals.held.get(group, 0) for group in h.groups)
        per_staff[pk] = dataclasses.replace(h, sessions_delivered=held)
    staff = {s.pk: s for s in Staff.objects.filter(pk__in=per_staff)}
    rows: list[StaffServiceRow] = [
        {"staff": staff[pk], "hours": h, "weekly": h.weekly_hours()}
        for pk, h in per_staff.items()
        if pk in staff
    ]
    rows.sort(key=lambda r: (r["staff"].last_name, r["staff"].first_name))
    return rows
