"""Need profiles: from diagnostic results, observations and the student's project.

For each student and each competency with some data, :func:`compute_profile` decides a need
level from 0 to 3, a kind of need, a priority rank, the evidence it used and a French sentence
explaining the rule applied. The same rules are written for coordinators in ``docs/besoins.md``;
keep the two in step.

Why these rules (the seeds):

* AP starts from a diagnosis: « procéder à un bilan de compétences transverses au cours du mois
  de septembre » (seed 002, « Modalités pédagogiques »), « les entretiens et les diverses
  évaluations diagnostiques mises en place à la rentrée » (seed 000, « Organisation
  pédagogique »), and « la phase de diagnostic doit être reconduite à la suite de chaque
  période » (seed 004, « La mise en oeuvre »). So the most recent campaign sets the level.
* « une phase d'observation […] une synthèse des observations complétée par des entretiens
  personnalisés » (seed 003, § 4 « La mise en œuvre »): observations confirm or attenuate.
* AP is « au profit des élèves rencontrant des difficultés, et aussi de ceux qui souhaitent
  profiter des passerelles […] ou encore de ceux qui ont un projet de poursuite d'études
  supérieures » (seed 003, § 1 « L'enjeu »); it answers « approfondissement ou renforcement »
  (seed 004, « La mise en oeuvre »), and is « une réponse [non] identique pour tous »
  (seed 003, § 9 « Conclusion »). So strong students get deepening needs and the project gives
  orientation needs, never remediation.

The rules, in order (``L`` is the *support level*, computed from results and observations):

R1 — last result. ``L`` is the need of the most recent assessed result: MI → 3, MF → 2, and
     MS (« maîtrise satisfaisante ») → 0 like TBM → 0: a satisfactory result is not a need
     (seed 003, § 2: AP helps the pupil « retrouver une image positive de lui-même »). The
     table is ``compute.NEED_OF_RESULT``, the only place that says so. Several results on that
     same date: mean of their needs, rounded up (caution).
R2 — rapid progress. If the previous campaign's need was at least two steps higher (MI → MS,
     MF → MS, MF → TBM…), one step is kept (``L + 1``): one good result is not enough to stop
     support; a second satisfactory result in a row ends it. A drop is taken at once.
R3 — observations dated on or after the last result: more difficulties than strengths adds one
     step, more strengths than difficulties removes one; at most one step either way; 0–3.
R4 — no result at all: difficulties minus strengths ≥ 2, seen by two people or more → 2;
     more difficulties than strengths → 1; otherwise 0.
R5 — orientation competencies (domain ``OR``): kind *orientation*; level is the highest of
     ``L``, the project's level for its target competency (undecided → ``OR.PRJ`` 2, further
     studies → ``OR.ETU`` 2, bridge → ``OR.PAS`` 2, insertion → ``OR.INS`` 1) and 1 when the
     student asked to work on it.
R6 — deepening. When ``L`` is 0 and the student is strong (latest results all TBM, or more
     strengths than difficulties observed), or asked to deepen the competency, or aims at further studies / a
     bridge and the competency is disciplinary; or when ``L`` is 1 and one of the last two holds:
     kind *deepening*, level = strong + wish + ambitious project (at least 1, at most 3).
R7 — otherwise kind *remediation* (soutien) with level ``L``.

Priority: needs above 0 ranked by level (highest first), then remediation before orientation
before deepening, then competency code. Everything is deterministic: the same records in any
order give the same profile.

Results marked absent, exempt or not evaluated carry no information and are ignored.

The package, by step: ``vocabulary`` (enums), ``records`` (inputs and the profile),
``rules`` (what the rules know of the framework), ``compute`` (R1–R7), ``keys`` (the solver key
``C+`` of a deepening need), ``consumers`` (what the solver and charts read) and ``strengths``
(the positive summary pupils and families see first: strengths, progress, current goals, then
what the pupil works on, without levels).

Plain Python: this package never imports Django.
"""

from .compute import compute_profile, compute_profiles, profile_history
from .consumers import LevelSummary, level_summary, solver_needs
from .keys import DEEPENING_SUFFIX, need_key, parse_need_key
from .records import (
    CompetencyNeed,
    Evidence,
    Interview,
    NeedProfile,
    Observation,
    ResultRecord,
)
from .rules import DEFAULT_RULES, DEFAULT_TARGETS, NeedRules, ProjectTarget
from .strengths import (
    GoalTiming,
    Measure,
    MeasureSource,
    ModuleGoal,
    PositiveSummary,
    Progress,
    Strength,
    WorkItem,
    WorkNeed,
    positive_summary,
)
from .vocabulary import (
    AMBITIOUS_PROJECTS,
    CampaignKind,
    EvidenceRole,
    EvidenceSource,
    NeedKind,
    NeedLevel,
    Project,
    Signal,
)

__all__ = [
    "AMBITIOUS_PROJECTS",
    "DEEPENING_SUFFIX",
    "DEFAULT_RULES",
    "DEFAULT_TARGETS",
    "CampaignKind",
    "CompetencyNeed",
    "Evidence",
    "EvidenceRole",
    "EvidenceSource",
    "GoalTiming",
    "Interview",
    "LevelSummary",
    "Measure",
    "MeasureSource",
    "ModuleGoal",
    "NeedKind",
    "NeedLevel",
    "NeedProfile",
    "NeedRules",
    "Observation",
    "PositiveSummary",
    "Progress",
    "Project",
    "ProjectTarget",
    "ResultRecord",
    "Signal",
    "Strength",
    "WorkItem",
    "WorkNeed",
    "compute_profile",
    "compute_profiles",
    "level_summary",
    "need_key",
    "parse_need_key",
    "positive_summary",
    "profile_history",
    "solver_needs",
]
