"""The lists of the exports page as exporters, and the year's archive that holds them all.

Each function builds the exporter of one list from what ``access`` may see, with the rows
its page shows: the download view streams it (``views``), the year's archive writes it into
its zip (``tasks_exports``): one place per list.

The archive (:func:`archive_entries`) is every list of the current year a head may download
one by one: the students, the staff, each published plan with its groups, each level's
attendance of each period that has sessions, the hours (levels, then each level's divisions
and students), each diagnosis campaign's results.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from appui.core.io.tabular import Exporter
from appui.diagnostics.imports import ResultsExporter
from appui.diagnostics.models import Campaign
from appui.diagnostics.selectors import campaign_competencies
from appui.followup import selectors as followup_selectors
from appui.planning.models import Plan
from appui.schools.access import SchoolAccess
from appui.schools.models import Level, Period, SchoolYear, Staff
from appui.schools.selectors import current_year

from . import selectors
from .exporters import (
    HoursDivisionsExporter,
    HoursLevelsExporter,
    HoursStudentsExporter,
    PlanGroupsExporter,
    SessionAttendanceExporter,
    StaffExporter,
    StudentsExporter,
)


def all_students(access: SchoolAccess) -> StudentsExporter:
    """The students the user may see, those who left included (with their exit date)."""
    return StudentsExporter(selectors.export_students(access, include_left=True))


def staff_list(access: SchoolAccess) -> StaffExporter:
    """The school's staff with the divisions they teach in the current year."""
    school = access.school
    return StaffExporter(Staff.objects.filter(school=school), current_year(school))


def campaign_results(access: SchoolAccess, campaign: Campaign) -> ResultsExporter:
    """A campaign's results, for the students of the divisions the user may open."""
    students = selectors.campaign_export_students(access, campaign)
    return ResultsExporter(campaign, students, campaign_competencies(campaign))


def level_attendance(level: Level, period: Period) -> SessionAttendanceExporter:
    """A level's sessions of ``period`` with their attendance."""
    sessions = followup_selectors.sessions_of_level(level, period)
    return SessionAttendanceExporter(sessions, f"Présences {level.short_name} {period.name}")


def hours_levels(
    access: SchoolAccess,
    year: SchoolYear | None,
    today: dt.date,
    *,
    level_hours: Callable[[Level, dt.date], dict] = followup_selectors.level_hours,
) -> HoursLevelsExporter:
    """The hours page: one row per level of ``year`` the user coordinates (``level_hours``
    computes each level's figures: the archive keeps them for the level's own files)."""
    summaries = [
        (level, level_hours(level, today))
        for level in followup_selectors.coordinated_levels(access, year)
    ]
    title = f"Heures AP {year.label}" if year else "Heures AP"
    return HoursLevelsExporter(summaries, title)


# --------------------------------------------------------------------------- the year's archive


@dataclass(frozen=True)
class ArchiveEntry:
    """One file of the archive: its folder and how to build its exporter, called when the
    file is written (its queries run then, not all at the start)."""

    folder: str
    exporter: Callable[[], Exporter]


def archive_entries(access: SchoolAccess, year: SchoolYear, today: dt.date) -> list[ArchiveEntry]:
    """The files of the archive of ``year``, in the order they are written.

    ``access`` must be allowed every list (``can_export_year_archive``): the lists are
    built as its download views build them, with what this access sees.
    """
    entries = [
        ArchiveEntry("", lambda: all_students(access)),
        ArchiveEntry("", lambda: staff_list(access)),
    ]
    levels = list(Level.objects.filter(year=year).order_by("year_in_cycle", "name", "pk"))
    plans = (
        Plan.objects.filter(level__year=year, status=Plan.Status.PUBLISHED)
        .select_related("level", "period")
        .order_by("level__year_in_cycle", "level__name", "period__number", "version", "pk")
    )
    entries += [ArchiveEntry("groupes", _bind(PlanGroupsExporter, plan)) for plan in plans]
    periods = list(Period.objects.filter(year=year).order_by("number"))
    for level in levels:
        for period in periods:
            if followup_selectors.sessions_of_level(level, period).exists():
                entries.append(ArchiveEntry("presences", _bind(level_attendance, level, period)))
    hours = _Hours()
    entries.append(
        ArchiveEntry("heures", lambda: hours_levels(access, year, today, level_hours=hours.of))
    )
    for level in levels:
        entries.append(ArchiveEntry("heures", _bind(hours.divisions, level, today)))
        entries.append(ArchiveEntry("heures", _bind(hours.students, level, today)))
    entries += [
        ArchiveEntry("resultats", _bind(campaign_results, access, campaign))
        for campaign in selectors.exportable_campaigns(access)
        if campaign.year_id == year.pk
    ]
    return entries


def _bind(function, *args) -> Callable[[], Exporter]:
    return lambda: function(*args)


class _Hours:
    """Each level's hour accounting, computed once for the levels file and the level's own
    two files (divisions, then students), and dropped once these are written."""

    def __init__(self) -> None:
        self.computed: dict[int, dict] = {}

    def of(self, level: Level, today: dt.date) -> dict:
        if level.pk not in self.computed:
            self.computed[level.pk] = followup_selectors.level_hours(level, today)
        return self.computed[level.pk]

    def divisions(self, level: Level, today: dt.date) -> HoursDivisionsExporter:
        return HoursDivisionsExporter(level, self.of(level, today)["divisions"])

    def students(self, level: Level, today: dt.date) -> HoursStudentsExporter:
        exporter = HoursStudentsExporter(level, self.of(level, today)["rows"])
        del self.computed[level.pk]
        return exporter
