"""The dashboards: every indicator of :mod:`appui.core.indicators` computed for a scope and
laid out as a section — headline, chart, table, download.

:func:`compute` reads the records once (``selectors``) and runs the core formulas;
:func:`school_sections` lays them out for the school and per-level dashboards;
:func:`academy_sections` compares several schools with no name of any person and small cells
suppressed. The same section objects feed the page and the XLSX/ODS downloads, so what is
downloaded is exactly what is shown.
"""

from appui.core.indicators import MIN_CELL

from .academy import ACADEMY_KEYS, academy_sections
from .display import HUNDRED, Bar, Section, count_text, percent
from .headlines import (
    churn_rows,
    coverage_share,
    headline_shares,
    hours_rows,
    target_rows,
)
from .results import Results, compute
from .sections import (
    all_school_sections,
    attendance_section,
    churn_section,
    hours_section,
    marks_section,
    milestones_section,
    modules_section,
    need_coverage_section,
    never_offered_section,
    progress_section,
    satisfaction_section,
    school_sections,
    staff_section,
    targets_section,
    tutoring_section,
)

__all__ = [
    "ACADEMY_KEYS",
    "HUNDRED",
    "MIN_CELL",
    "Bar",
    "Results",
    "Section",
    "academy_sections",
    "all_school_sections",
    "attendance_section",
    "churn_rows",
    "churn_section",
    "compute",
    "count_text",
    "coverage_share",
    "headline_shares",
    "hours_rows",
    "hours_section",
    "marks_section",
    "milestones_section",
    "modules_section",
    "need_coverage_section",
    "never_offered_section",
    "percent",
    "progress_section",
    "satisfaction_section",
    "school_sections",
    "staff_section",
    "target_rows",
    "targets_section",
    "tutoring_section",
]
