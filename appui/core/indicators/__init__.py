"""Steering indicators: the « Check » of the seeds, computed from plain records.

Every indicator here is one function over small frozen dataclasses (or the session records of
:mod:`appui.core.hours`), so it can be checked by hand on a five-line example and reused by the
school dashboard, the per-level view and the académie view alike. :data:`INDICATORS` lists each
one with the seed it comes from and its formula in French; ``docs/pilotage.md`` says the same
for the head and the coordinators — keep the two in step.

Where the indicators come from:

* seed 000 (« Exemples d'indicateurs de suivi »): « Nombre et nature des actions conduites au
  titre de l'AP », « Proportion des enseignants impliqués dans l'AP », « Enquêtes élèves »,
  « Effets sur le nombre d'élèves poursuivant leurs études »; the yearly volumes per level;
* seed 001 (« Exemples d'outils et d'indicateurs de suivi »): « Tableaux de bord d'organisation
  (volumes horaires, groupes, acteurs…) », « Un échéancier, des indicateurs cibles, des bilans
  d'étapes sont-ils prévus ? »; « En quoi le choix des créneaux … favorise-t-il l'assiduité ? »;
* seed 002 (« Indicateurs de réussite »): « Taux de redoublement », « Taux d'accès au bac
  pro », « Bilan d'orientation »; (« Points de vigilance »): « Eviter des groupes figés sur des
  périodes trop longues »; « tutorat » among the kinds of support;
* seed 003 (« Le tutorat au lycée »): a maximum number of students per tutor, an allowance
  proportional to the number of students; (§ 9) AP is « une obligation pour chaque élève, ni
  une punition » yet must reach those who need it;
* seed 004: « la phase de diagnostic doit être reconduite à la suite de chaque période »
  (progress between diagnoses), groups whose « composition … n'est pas figée sur l'année ».

Conventions: a :class:`Share` keeps its numerator and denominator, so a rate is never shown
without what it was computed on, and small cells can be suppressed (:data:`MIN_CELL`); minutes
are ``int`` as in :mod:`appui.core.hours`; identifiers are whatever the caller uses (primary
keys, codes) and every result is in a stable order.

The package is split by domain; every public name is importable from here:

* ``shares``: :class:`Share` and the small-cell rule;
* ``targets``: units, target directions and a target's status;
* ``records``: the plain input records;
* the formulas: ``hours``; ``activity`` (modules, staff, attendance, tutoring); ``learning``
  (needs served, progress, marks); ``groups`` (renewal, never offered); ``outcomes``
  (surveys, end-of-year outcomes, milestones); ``pilotage`` (training plan, instances'
  meetings); ``partners`` (partners and resources mobilised);
* ``declarations``: :data:`INDICATORS`, the one declaration of each indicator, and
  :class:`ScopeRecords`, the records of one scope its headline values are measured on.

Plain Python: this package never imports Django.
"""

from appui.core.indicators.activity import (
    KindCount,
    attendance,
    attendance_by_period,
    modules_run,
    staff_involvement,
    tutor_allowance,
    tutoring_coverage,
)
from appui.core.indicators.declarations import (
    INDICATORS,
    IndicatorSpec,
    ScopeRecords,
    Value,
    academy_indicators,
    headline_values,
    sections,
    target_indicators,
)
from appui.core.indicators.groups import FROZEN_SHARE, ChurnRow, group_churn, never_offered
from appui.core.indicators.hours import HoursRow, delivered_hours, hours_by_unit
from appui.core.indicators.learning import (
    ProgressSummary,
    coverage_by_period,
    coverage_share,
    mark_distribution,
    progress,
    top_need_served,
)
from appui.core.indicators.outcomes import (
    SATISFIED_FROM,
    OutcomeRates,
    late_milestones,
    outcome_rates,
    response_rate,
    satisfaction,
)
from appui.core.indicators.partners import (
    KindUse,
    MobilisationRecord,
    Mobilised,
    PartnerSummary,
    partner_mobilisation,
)
from appui.core.indicators.pilotage import (
    TrainingCounts,
    ap_staff,
    instance_counts,
    meetings_held,
    training_counts,
    training_reach,
)
from appui.core.indicators.records import (
    CoverageRecord,
    DiagnosisResult,
    GroupRecord,
    MarkRecord,
    MeetingRecord,
    MilestoneRecord,
    OutcomeRecord,
    PeriodSpan,
    StudentPlace,
    SurveyRecord,
    TrainingRecord,
)
from appui.core.indicators.shares import MIN_CELL, Ref, Share, StudentId, is_detailed, suppress
from appui.core.indicators.targets import Direction, TargetStatus, Unit, target_status

__all__ = [
    "FROZEN_SHARE",
    "INDICATORS",
    "MIN_CELL",
    "SATISFIED_FROM",
    "ChurnRow",
    "CoverageRecord",
    "DiagnosisResult",
    "Direction",
    "GroupRecord",
    "HoursRow",
    "IndicatorSpec",
    "KindCount",
    "KindUse",
    "MarkRecord",
    "MeetingRecord",
    "MilestoneRecord",
    "MobilisationRecord",
    "Mobilised",
    "OutcomeRates",
    "OutcomeRecord",
    "PartnerSummary",
    "PeriodSpan",
    "ProgressSummary",
    "Ref",
    "Share",
    "StudentId",
    "StudentPlace",
    "TargetStatus",
    "TrainingCounts",
    "TrainingRecord",
    "ScopeRecords",
    "SurveyRecord",
    "Unit",
    "Value",
    "academy_indicators",
    "ap_staff",
    "attendance",
    "attendance_by_period",
    "coverage_by_period",
    "coverage_share",
    "delivered_hours",
    "group_churn",
    "headline_values",
    "hours_by_unit",
    "instance_counts",
    "is_detailed",
    "late_milestones",
    "partner_mobilisation",
    "mark_distribution",
    "meetings_held",
    "modules_run",
    "never_offered",
    "outcome_rates",
    "progress",
    "response_rate",
    "satisfaction",
    "sections",
    "staff_involvement",
    "suppress",
    "target_indicators",
    "target_status",
    "top_need_served",
    "training_counts",
    "training_reach",
    "tutor_allowance",
    "tutoring_coverage",
]
