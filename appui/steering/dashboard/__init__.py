"""The dashboards: every indicator of :mod:`appui.core.indicators` computed for a scope and
laid out as a section — headline, chart, table, download.

:func:`compute` reads the records once (``selectors``) and runs the core formulas;
:func:`school_sections` lays them out for the school and per-level dashboards;
:func:`academy_sections` compares several schools with no name of any person and small cells
suppressed. The same section objects feed the page and the XLSX/ODS downloads, so what is
downloaded is exactly what is shown.
"""

from .academy import AcademyEntry, academy_comparison, academy_sections, comparison_section
from .display import HUNDRED, Bar, Section, count_text, percent, value_text
from .headlines import (
    churn_rows,
    headline_shares,
    hours_rows,
    scope_records,
    target_row,
    target_rows,
)
from .results import Results, compute
from .sections import (
    BUILDERS,
    all_school_sections,
    attendance_section,
    churn_section,
    headline_section,
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
from .surveys import survey_report, survey_section

# Registers the pilotage sections (training plan, instances) with ``sections.draws``.
from . import pilotage  # noqa: E402, F401  isort: skip

# Registers the partners and resources section with ``sections.draws``.
from . import partners  # noqa: E402, F401  isort: skip

__all__ = [
    "BUILDERS",
    "AcademyEntry",
    "academy_comparison",
    "HUNDRED",
    "Bar",
    "Results",
    "Section",
    "academy_sections",
    "comparison_section",
    "all_school_sections",
    "attendance_section",
    "headline_section",
    "churn_rows",
    "churn_section",
    "compute",
    "count_text",
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
    "scope_records",
    "school_sections",
    "staff_section",
    "survey_report",
    "survey_section",
    "target_row",
    "target_rows",
    "targets_section",
    "tutoring_section",
    "value_text",
]
