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
    access: SchoolAccess, year: SchoolYear | None, today: dt.date
) -> HoursLevelsExporter:
    """The hours page: one row per level of ``year`` the user coordinates."""
    summaries = [
        (level, followup_selectors.level_hours(level, today))
        for level in followup_selectors.coordinated_levels(access, year)
    ]
    title = f"Heures AP {year.label}" if year else "Heures AP"
    return HoursLevelsExporter(summaries, title)


# --------------------------------------------------------------------------- the year's archive


@dataclass(frozen=True)
class ArchiveEntry:
    """One file of the archive: its folder and how to build its exporter (when it is written,
    so that the figures of one level are computed once, just before its files)."""

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
    entries.append(ArchiveEntry("heures", lambda: hours_levels(access, year, today)))
    for level in levels:
        hours = _LevelHours(level, today)
        entries.append(ArchiveEntry("heures", hours.divisions))
        entries.append(ArchiveEntry("heures", hours.students))
    entries += [
        ArchiveEntry("resultats", _bind(campaign_results, access, campaign))
        for campaign in selectors.exportable_campaigns(access)
        if campaign.year_id == year.pk
    ]
    return entries


def _bind(function, *args) -> Callable[[], Exporter]:
    return lambda: function(*args)


class _LevelHours:
    """A level's hour accounting, computed once for its two files (divisions, students)."""

    def __init__(self, level: Level, today: dt.date) -> None:
        self.level = level
        self.today = today
        self._context: dict | None = None

    @property
    def context(self) -> dict:
        if self._context is None:
            self._context = followup_selectors.level_hours(self.level, self.today)
        return self._context

    def divisions(self) -> HoursDivisionsExporter:
        return HoursDivisionsExporter(self.level, self.context["divisions"])

    def students(self) -> HoursStudentsExporter:
        exporter = HoursStudentsExporter(self.level, self.context["rows"])
        self._context = None  # both files are written: the figures may go
        return exporter
