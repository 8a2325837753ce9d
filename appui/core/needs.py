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

R1 — last result. ``L = 4 − value`` of the most recent assessed result (1 → 3, 2 → 2, 3 → 1,
     4 → 0). Several results on that same date: mean of their needs, rounded up (caution).
R2 — rapid progress. If the previous campaign's need was at least two steps higher, one step is
     kept (``L + 1``): one good result is not enough to stop support. A drop is taken at once.
R3 — observations dated on or after the last result: more difficulties than strengths adds one
     step, more strengths than difficulties removes one; at most one step either way; 0–3.
R4 — no result at all: difficulties minus strengths ≥ 2, seen by two people or more → 2;
     more difficulties than strengths → 1; otherwise 0.
R5 — orientation competencies (domain ``OR``): kind *orientation*; level is the highest of
     ``L``, the project's level for its target competency (undecided → ``OR.PRJ`` 2, further
     studies → ``OR.ETU`` 2, bridge → ``OR.PAS`` 2, insertion → ``OR.INS`` 1) and 1 when the
     student asked to work on it.
R6 — deepening. When ``L`` is 0 and the student is strong (a result, or more strengths than
     difficulties observed), or asked to deepen the competency, or aims at further studies / a
     bridge and the competency is disciplinary; or when ``L`` is 1 and one of the last two holds:
     kind *deepening*, level = strong + wish + ambitious project (at least 1, at most 3).
R7 — otherwise kind *remediation* (soutien) with level ``L``.

Priority: needs above 0 ranked by level (highest first), then remediation before orientation
before deepening, then competency code. Everything is deterministic: the same records in any
order give the same profile.

Results marked absent, exempt or not evaluated carry no information and are ignored.

Plain Python: this module never imports Django.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from appui.core.frameworks import DEFAULT_FRAMEWORK, Framework
from appui.core.scales import LsuLevel, NotAssessed

__all__ = [
    "DEEPENING_SUFFIX",
    "DEFAULT_RULES",
    "CampaignKind",
    "CompetencyNeed",
    "Evidence",
    "EvidenceRole",
    "EvidenceSource",
    "Interview",
    "LevelSummary",
    "NeedKind",
    "NeedLevel",
    "NeedProfile",
    "NeedRules",
    "Observation",
    "Project",
    "ProjectTarget",
    "ResultRecord",
    "Signal",
    "compute_profile",
    "compute_profiles",
    "level_summary",
    "profile_history",
    "solver_needs",
]

StudentId = int | str
Ref = int | str


def _order(key: Ref | None) -> tuple[int, int, str]:
    """Sort key mixing ints and strs deterministically (ints first, then strs, None last)."""
    if key is None:
        return (2, 0, "")
    if isinstance(key, int):
        return (0, key, "")
    return (1, 0, key)


# --------------------------------------------------------------------------- vocabulary


class CampaignKind(StrEnum):
    """What kind of diagnostic produced a result (issue 3, item 2)."""

    SEPTEMBER_REVIEW = "september_review"
    POSITIONING_TEST = "positioning_test"
    PERIOD_REVIEW = "period_review"
    OTHER = "other"

    @property
    def label(self) -> str:
        """French label, lower case, to be used inside a sentence."""
        return _CAMPAIGN_LABELS[self]


_CAMPAIGN_LABELS = {
    CampaignKind.SEPTEMBER_REVIEW: "bilan de rentrée",
    CampaignKind.POSITIONING_TEST: "test de positionnement",
    CampaignKind.PERIOD_REVIEW: "re-diagnostic de fin de période",
    CampaignKind.OTHER: "évaluation diagnostique",
}


class Signal(StrEnum):
    """What a teacher's observation says about a competency."""

    DIFFICULTY = "difficulty"
    STRENGTH = "strength"

    @property
    def label(self) -> str:
        """French label."""
        return {Signal.DIFFICULTY: "difficulté", Signal.STRENGTH: "point fort"}[self]

    @property
    def observed(self) -> str:
        """``Difficulté observée`` / ``Point fort observé``."""
        return {
            Signal.DIFFICULTY: "Difficulté observée",
            Signal.STRENGTH: "Point fort observé",
        }[self]


class Project(StrEnum):
    """The student's project as recorded at the interview (DESIGN glossary, « entretien »)."""

    INSERTION = "insertion"
    FURTHER_STUDIES = "further_studies"
    BRIDGE = "bridge"
    UNDECIDED = "undecided"

    @property
    def label(self) -> str:
        """French label."""
        return _PROJECT_LABELS[self]


_PROJECT_LABELS = {
    Project.INSERTION: "insertion professionnelle",
    Project.FURTHER_STUDIES: "poursuite d'études",
    Project.BRIDGE: "passerelle vers une autre formation",
    Project.UNDECIDED: "projet non encore défini",
}

AMBITIOUS_PROJECTS = frozenset({Project.FURTHER_STUDIES, Project.BRIDGE})
"""Projects that call for deepening disciplinary competencies (seed 003, § 1 « L'enjeu »)."""


class NeedKind(StrEnum):
    """What the need calls for; matches the module kinds of the catalogue."""

    REMEDIATION = "remediation"
    ORIENTATION = "orientation"
    DEEPENING = "deepening"

    @property
    def label(self) -> str:
        """French label."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    NeedKind.REMEDIATION: "soutien / remédiation",
    NeedKind.ORIENTATION: "orientation / projet",
    NeedKind.DEEPENING: "approfondissement",
}
_KIND_ORDER = {NeedKind.REMEDIATION: 0, NeedKind.ORIENTATION: 1, NeedKind.DEEPENING: 2}


class NeedLevel(IntEnum):
    """Intensity of a need, 0 (none) to 3 (strong)."""

    NONE = 0
    LIGHT = 1
    MARKED = 2
    STRONG = 3

    @property
    def label(self) -> str:
        """French label."""
        return ("aucun", "léger", "marqué", "fort")[self]


def _clamp(value: int) -> NeedLevel:
    return NeedLevel(max(0, min(3, value)))


# --------------------------------------------------------------------------- input records


@dataclass(frozen=True)
class ResultRecord:
    """One diagnostic result: a student's level on a competency in a campaign.

    ``value`` may be given as an int 1–4; it is stored as :class:`LsuLevel`. Results marked
    :class:`NotAssessed` are accepted and ignored by the rules.
    """

    student: StudentId
    competency: str
    campaign: Ref
    campaign_date: dt.date
    campaign_kind: CampaignKind
    value: LsuLevel | NotAssessed
    campaign_label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "campaign_kind", CampaignKind(self.campaign_kind))
        if isinstance(self.value, NotAssessed):
            return
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise ValueError(f"Résultat invalide « {self.value!r} » : attendu 1 à 4.")
        if not 1 <= self.value <= 4:
            raise ValueError(f"Résultat invalide « {self.value} » : attendu 1 à 4.")
        object.__setattr__(self, "value", LsuLevel(self.value))


@dataclass(frozen=True)
class Observation:
    """A dated observation by a member of staff, on one competency or on the student overall.

    ``restricted`` marks a sensitive note (visible to head, coordinator, CPE, Psy-EN only): the
    note is carried in the evidence with the flag, never copied into a summary or reason.
    """

    student: StudentId
    date: dt.date
    signal: Signal
    author: str
    competency: str | None = None
    note: str = ""
    restricted: bool = False
    id: Ref | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "signal", Signal(self.signal))


@dataclass(frozen=True)
class Interview:
    """The student's project and aspirations from a welcome or follow-up interview.

    ``deepen`` lists competency codes the student asked to deepen (or, for orientation
    competencies, to work on); the free-text ``aspirations`` are kept for display only.
    """

    student: StudentId
    date: dt.date
    project: Project
    deepen: frozenset[str] = frozenset()
    aspirations: str = ""
    id: Ref | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "project", Project(self.project))
        object.__setattr__(self, "deepen", frozenset(self.deepen))


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class ProjectTarget:
    """The orientation competency a project points to, and the level it sets (rule R5)."""

    project: Project
    competency: str
    level: NeedLevel


@dataclass(frozen=True)
class NeedRules:
    """What the rules need to know about the framework.

    Build it with :meth:`from_framework`, or by hand from the database's competencies.
    """

    disciplinary: frozenset[str] = frozenset()
    orientation: frozenset[str] = frozenset()
    project_targets: tuple[ProjectTarget, ...] = ()

    def target(self, project: Project | None) -> ProjectTarget | None:
        """The target of ``project``, if any."""
        for target in self.project_targets:
            if target.project is project:
                return target
        return None

    def is_orientation(self, code: str) -> bool:
        """Whether ``code`` is treated as an orientation competency."""
        return code in self.orientation or any(t.competency == code for t in self.project_targets)

    @classmethod
    def from_framework(
        cls,
        framework: Framework,
        targets: Mapping[Project, tuple[str, int]] | None = None,
    ) -> NeedRules:
        """Rules for ``framework``; ``targets`` maps a project to (competency, level).

        Default targets (rule R5): undecided → ``OR.PRJ`` 2, further studies → ``OR.ETU`` 2,
        bridge → ``OR.PAS`` 2, insertion → ``OR.INS`` 1. Targets whose competency is not in
        the framework are dropped.
        """
        chosen = DEFAULT_TARGETS if targets is None else targets
        return cls(
            disciplinary=framework.disciplinary_codes(),
            orientation=framework.orientation_codes(),
            project_targets=tuple(
                ProjectTarget(project, code, _clamp(level))
                for project, (code, level) in sorted(chosen.items())
                if code in framework
            ),
        )


DEFAULT_TARGETS: Mapping[Project, tuple[str, int]] = {
    Project.UNDECIDED: ("OR.PRJ", 2),
    Project.FURTHER_STUDIES: ("OR.ETU", 2),
    Project.BRIDGE: ("OR.PAS", 2),
    Project.INSERTION: ("OR.INS", 1),
}

DEFAULT_RULES = NeedRules.from_framework(DEFAULT_FRAMEWORK)
"""Rules for the default framework ``appui-2026.1``."""


# --------------------------------------------------------------------------- output


class EvidenceSource(StrEnum):
    """Where a piece of evidence comes from."""

    RESULT = "result"
    OBSERVATION = "observation"
    INTERVIEW = "interview"


class EvidenceRole(StrEnum):
    """What a piece of evidence did in the computation."""

    LATEST = "latest"  # R1: result of the most recent date, sets the level
    PREVIOUS = "previous"  # R2: result of the date before, may keep one step
    CONFIRMS = "confirms"  # R3/R4: difficulty observed since the last result
    ATTENUATES = "attenuates"  # R3/R4: strength observed since the last result
    PROJECT = "project"  # R5/R6: the interview's project
    WISH = "wish"  # R5/R6: the student asked to deepen / work on it
    HISTORY = "history"  # shown for the record, not used
    CONTEXT = "context"  # about the student overall, not one competency

    @property
    def counted(self) -> bool:
        """Whether evidence with this role changed or set the level."""
        return self not in (EvidenceRole.HISTORY, EvidenceRole.CONTEXT)


@dataclass(frozen=True)
class Evidence:
    """One fact behind a need, with a French one-line ``summary`` for display."""

    source: EvidenceSource
    role: EvidenceRole
    date: dt.date
    summary: str
    ref: Ref | None = None
    value: LsuLevel | None = None
    campaign_kind: CampaignKind | None = None
    signal: Signal | None = None
    author: str = ""
    note: str = ""
    restricted: bool = False


@dataclass(frozen=True)
class CompetencyNeed:
    """A student's need on one competency."""

    competency: str
    level: NeedLevel
    kind: NeedKind
    support_level: NeedLevel
    """Level from results and observations alone (rules R1–R4), before the kind is chosen."""
    priority: int | None
    """1 is the most urgent; ``None`` when ``level`` is 0."""
    evidence: tuple[Evidence, ...]
    """Newest first."""
    reason: str

    @property
    def remediation_level(self) -> NeedLevel:
        """``level`` when the kind is remediation, else 0."""
        return self.level if self.kind is NeedKind.REMEDIATION else NeedLevel.NONE


@dataclass(frozen=True)
class NeedProfile:
    """All needs of one student, most urgent first, then level-0 entries by code."""

    student: StudentId
    as_of: dt.date | None
    project: Project | None
    needs: tuple[CompetencyNeed, ...]
    general: tuple[Evidence, ...] = ()
    """Observations on no particular competency and the interview used, newest first."""
    _by_code: dict[str, CompetencyNeed] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {n.competency: n for n in self.needs})

    def need(self, code: str) -> CompetencyNeed | None:
        """The need on ``code``, or ``None`` when there is no data on it."""
        return self._by_code.get(code)

    def level(self, code: str) -> NeedLevel:
        """The need level on ``code`` (0 when there is no data)."""
        need = self._by_code.get(code)
        return need.level if need else NeedLevel.NONE

    def priorities(self) -> tuple[CompetencyNeed, ...]:
        """Needs above 0 in priority order."""
        return tuple(n for n in self.needs if n.priority is not None)


# --------------------------------------------------------------------------- helpers


def _fmt(day: dt.date) -> str:
    """``10/09/2026`` (no strftime: it depends on the locale and is slow)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _count(n: int, singular: str, plural: str) -> str:
    """``0 point fort``, ``1 point fort``, ``2 points forts`` (French: 0 takes the singular)."""
    return f"{n} {singular if n <= 1 else plural}"


def _phrase(level: NeedLevel) -> str:
    """``aucun besoin (0)``, ``besoin marqué (2)``."""
    return "aucun besoin (0)" if level == 0 else f"besoin {level.label} ({int(level)})"


def _need_of(value: LsuLevel) -> int:
    return 4 - int(value)


def _mean_up(values: Sequence[int]) -> int:
    """Mean rounded up, in integers (no float, so no platform difference)."""
    return -(-sum(values) // len(values))


def _result_summary(record: ResultRecord) -> str:
    assert isinstance(record.value, LsuLevel)
    name = f" « {record.campaign_label} »" if record.campaign_label else ""
    return (
        f"{record.campaign_kind.label.capitalize()}{name} du {_fmt(record.campaign_date)} : "
        f"{record.value.label.lower()} ({record.value.code})"
    )


def _observation_summary(obs: Observation) -> str:
    author = f" par {obs.author}" if obs.author else ""
    return f"{obs.signal.observed} le {_fmt(obs.date)}{author}"


def _result_key(record: ResultRecord) -> tuple[object, ...]:
    value = record.value.value if isinstance(record.value, NotAssessed) else str(int(record.value))
    return (-record.campaign_date.toordinal(), _order(record.campaign), value)


def _observation_key(obs: Observation) -> tuple[object, ...]:
    return (
        -obs.date.toordinal(),
        obs.signal.value,
        obs.author,
        _order(obs.id),
        obs.note,
        obs.restricted,
    )


def _interview_key(interview: Interview) -> tuple[object, ...]:
    return (
        interview.date,
        _order(interview.id),
        interview.project.value,
        tuple(sorted(interview.deepen)),
        interview.aspirations,
    )


def _interview_evidence(interview: Interview, role: EvidenceRole, summary: str) -> Evidence:
    return Evidence(
        source=EvidenceSource.INTERVIEW,
        role=role,
        date=interview.date,
        summary=summary,
        ref=interview.id,
    )


_SOURCE_ORDER = {
    EvidenceSource.RESULT: 0,
    EvidenceSource.OBSERVATION: 1,
    EvidenceSource.INTERVIEW: 2,
}


def _evidence_key(item: Evidence) -> tuple[object, ...]:
    return (
        -item.date.toordinal(),
        _SOURCE_ORDER[item.source],
        _order(item.ref),
        item.summary,
        item.role.value,
        item.note,
    )


# --------------------------------------------------------------------------- one competency


@dataclass
class _Work:
    """Scratch state while computing one competency."""

    evidence: list[Evidence] = field(default_factory=list)
    reason: list[str] = field(default_factory=list)


def _support(
    results: Sequence[ResultRecord], observations: Sequence[Observation], work: _Work
) -> tuple[NeedLevel, bool, bool]:
    """Rules R1–R4. Returns (support level, has results, strong)."""
    results = sorted(results, key=_result_key)
    dates = sorted({r.campaign_date for r in results}, reverse=True)
    since: dt.date | None = dates[0] if dates else None

    counted = sorted(
        (o for o in observations if since is None or o.date >= since), key=_observation_key
    )
    n_diff = sum(1 for o in counted if o.signal is Signal.DIFFICULTY)
    n_strength = len(counted) - n_diff
    for obs in sorted(observations, key=_observation_key):
        if since is None or obs.date >= since:
            role = (
                EvidenceRole.CONFIRMS
                if obs.signal is Signal.DIFFICULTY
                else EvidenceRole.ATTENUATES
            )
        else:
            role = EvidenceRole.HISTORY
        work.evidence.append(
            Evidence(
                source=EvidenceSource.OBSERVATION,
                role=role,
                date=obs.date,
                summary=_observation_summary(obs),
                ref=obs.id,
                signal=obs.signal,
                author=obs.author,
                note=obs.note,
                restricted=obs.restricted,
            )
        )
    observed = f"{_count(n_diff, 'difficulté observée', 'difficultés observées')} et " + _count(
        n_strength, "point fort observé", "points forts observés"
    )

    if not results:  # R4
        authors = {o.author for o in counted if o.signal is Signal.DIFFICULTY}
        net = n_diff - n_strength
        if net >= 2 and len(authors) >= 2:
            level = NeedLevel.MARKED
        elif net > 0:
            level = NeedLevel.LIGHT
        else:
            level = NeedLevel.NONE
        if counted:
            by = f" (difficultés relevées par {_count(len(authors), 'personne', 'personnes')})"
            work.reason.append(
                f"Aucun résultat de diagnostic ; {observed}{by if authors else ''} "
                f"→ {_phrase(level)}."
            )
        return level, False, n_strength > n_diff

    latest = [r for r in results if r.campaign_date == dates[0]]
    previous = [r for r in results if len(dates) > 1 and r.campaign_date == dates[1]]
    for record in results:
        if record.campaign_date == dates[0]:
            role = EvidenceRole.LATEST
        elif len(dates) > 1 and record.campaign_date == dates[1]:
            role = EvidenceRole.PREVIOUS
        else:
            role = EvidenceRole.HISTORY
        assert isinstance(record.value, LsuLevel)
        work.evidence.append(
            Evidence(
                source=EvidenceSource.RESULT,
                role=role,
                date=record.campaign_date,
                summary=_result_summary(record),
                ref=record.campaign,
                value=record.value,
                campaign_kind=record.campaign_kind,
            )
        )

    # R1
    base = _clamp(_mean_up([_need_of(r.value) for r in latest if isinstance(r.value, LsuLevel)]))
    if len(latest) == 1:
        only = latest[0]
        assert isinstance(only.value, LsuLevel)
        work.reason.append(
            f"Dernier résultat : {only.value.label.lower()} ({only.value.code}), "
            f"{only.campaign_kind.label} du {_fmt(only.campaign_date)} "
            f"→ {_phrase(base)}."
        )
    else:
        codes = ", ".join(r.value.code for r in latest if isinstance(r.value, LsuLevel))
        work.reason.append(
            f"Derniers résultats du {_fmt(dates[0])} : {codes} ; moyenne arrondie au cran "
            f"supérieur → {_phrase(base)}."
        )
    level = base

    # R2
    if previous:
        before = _mean_up([_need_of(r.value) for r in previous if isinstance(r.value, LsuLevel)])
        if base <= before - 2:
            level = _clamp(base + 1)
            codes = ", ".join(r.value.code for r in previous if isinstance(r.value, LsuLevel))
            work.reason.append(
                f"Progrès rapide depuis le {_fmt(dates[1])} ({codes}) : un cran de besoin est "
                f"maintenu pour consolider → {_phrase(level)}."
            )

    # R3
    if counted:
        net = n_diff - n_strength
        if net > 0:
            effect = "besoin confirmé" if level == NeedLevel.STRONG else "un cran de plus"
            level = _clamp(level + 1)
        elif net < 0:
            effect = "un cran de moins" if level > 0 else "aucun besoin à atténuer"
            level = _clamp(level - 1)
        else:
            effect = "pas de changement"
        work.reason.append(f"Depuis ce diagnostic : {observed} → {effect}, {_phrase(level)}.")
    return level, True, level == NeedLevel.NONE


def _competency_need(
    code: str,
    results: Sequence[ResultRecord],
    observations: Sequence[Observation],
    interview: Interview | None,
    rules: NeedRules,
) -> CompetencyNeed:
    """Apply rules R1–R7 to one competency of one student."""
    work = _Work()
    support, has_results, strong = _support(results, observations, work)
    project = interview.project if interview else None
    wish = interview is not None and code in interview.deepen
    level = support
    kind = NeedKind.REMEDIATION

    if rules.is_orientation(code):  # R5
        kind = NeedKind.ORIENTATION
        target = rules.target(project)
        if interview is not None and target is not None and target.competency == code:
            work.evidence.append(
                _interview_evidence(
                    interview,
                    EvidenceRole.PROJECT,
                    f"Entretien du {_fmt(interview.date)} : projet « {interview.project.label} »",
                )
            )
            work.reason.append(
                f"Projet « {interview.project.label} » (entretien du {_fmt(interview.date)}) "
                f"→ besoin d'orientation {target.level.label} ({int(target.level)})."
            )
            level = max(level, target.level)
        if interview is not None and wish:
            work.evidence.append(
                _interview_evidence(
                    interview,
                    EvidenceRole.WISH,
                    f"Entretien du {_fmt(interview.date)} : l'élève souhaite y travailler",
                )
            )
            work.reason.append(
                "L'élève souhaite y travailler → besoin d'orientation au moins léger."
            )
            level = max(level, NeedLevel.LIGHT)
    else:
        ambitious = project in AMBITIOUS_PROJECTS and code in rules.disciplinary
        deepen = (support == NeedLevel.NONE and (strong or wish or ambitious)) or (
            support == NeedLevel.LIGHT and (wish or ambitious)
        )
        if deepen:  # R6
            kind = NeedKind.DEEPENING
            grounds: list[str] = []
            if strong and support == NeedLevel.NONE:
                grounds.append("compétence maîtrisée" if has_results else "points forts observés")
            if interview is not None and wish:
                grounds.append(f"souhait de l'élève (entretien du {_fmt(interview.date)})")
                work.evidence.append(
                    _interview_evidence(
                        interview,
                        EvidenceRole.WISH,
                        f"Entretien du {_fmt(interview.date)} : l'élève souhaite approfondir",
                    )
                )
            if interview is not None and ambitious:
                grounds.append(f"projet « {interview.project.label} »")
                work.evidence.append(
                    _interview_evidence(
                        interview,
                        EvidenceRole.PROJECT,
                        f"Entretien du {_fmt(interview.date)} : projet "
                        f"« {interview.project.label} »",
                    )
                )
            level = _clamp(max(1, len(grounds)))
            work.reason.append(
                f"Approfondissement : {', '.join(grounds)} → niveau {level.label} ({int(level)})."
            )
        elif wish and interview is not None:
            work.evidence.append(
                _interview_evidence(
                    interview,
                    EvidenceRole.HISTORY,
                    f"Entretien du {_fmt(interview.date)} : l'élève souhaite approfondir",
                )
            )
            work.reason.append(
                "L'élève souhaite approfondir cette compétence, mais le diagnostic montre "
                "d'abord un besoin de soutien."
            )

    if level > 0:
        work.reason.append(f"Besoin retenu : {kind.label}, {level.label} ({int(level)}).")
    else:
        work.reason.append("Aucun besoin retenu.")
    return CompetencyNeed(
        competency=code,
        level=level,
        kind=kind,
        support_level=support,
        priority=None,
        evidence=tuple(sorted(work.evidence, key=_evidence_key)),
        reason=" ".join(work.reason),
    )


# --------------------------------------------------------------------------- profiles


def _latest_interview(interviews: Iterable[Interview]) -> Interview | None:
    chosen = sorted(interviews, key=_interview_key)
    return chosen[-1] if chosen else None


def compute_profile(
    student: StudentId,
    results: Iterable[ResultRecord],
    observations: Iterable[Observation] = (),
    interviews: Iterable[Interview] = (),
    *,
    rules: NeedRules = DEFAULT_RULES,
    as_of: dt.date | None = None,
) -> NeedProfile:
    """The need profile of ``student`` (records of other students are ignored).

    ``as_of`` computes the profile as it stood on that date: records dated later are left
    out (for the history across campaigns). The latest interview (by date) gives the project
    and the wishes.
    """

    def visible(day: dt.date) -> bool:
        return as_of is None or day <= as_of

    own_results = [
        r
        for r in results
        if r.student == student and visible(r.campaign_date) and isinstance(r.value, LsuLevel)
    ]
    own_observations = [o for o in observations if o.student == student and visible(o.date)]
    interview = _latest_interview(i for i in interviews if i.student == student and visible(i.date))

    results_by_code: dict[str, list[ResultRecord]] = defaultdict(list)
    for record in own_results:
        results_by_code[record.competency].append(record)
    observations_by_code: dict[str, list[Observation]] = defaultdict(list)
    general: list[Evidence] = []
    for obs in own_observations:
        if obs.competency is None:
            general.append(
                Evidence(
                    source=EvidenceSource.OBSERVATION,
                    role=EvidenceRole.CONTEXT,
                    date=obs.date,
                    summary=_observation_summary(obs),
                    ref=obs.id,
                    signal=obs.signal,
                    author=obs.author,
                    note=obs.note,
                    restricted=obs.restricted,
                )
            )
        else:
            observations_by_code[obs.competency].append(obs)

    codes = set(results_by_code) | set(observations_by_code)
    if interview is not None:
        codes |= interview.deepen
        general.append(
            _interview_evidence(
                interview,
                EvidenceRole.CONTEXT,
                f"Entretien du {_fmt(interview.date)} : projet « {interview.project.label} »",
            )
        )
        target = rules.target(interview.project)
        if target is not None:
            codes.add(target.competency)

    computed = [
        _competency_need(
            code,
            results_by_code.get(code, []),
            observations_by_code.get(code, []),
            interview,
            rules,
        )
        for code in sorted(codes)
    ]
    ranked = sorted(
        (n for n in computed if n.level > 0),
        key=lambda n: (-n.level, _KIND_ORDER[n.kind], n.competency),
    )
    needs = tuple(
        CompetencyNeed(
            competency=n.competency,
            level=n.level,
            kind=n.kind,
            support_level=n.support_level,
            priority=rank,
            evidence=n.evidence,
            reason=n.reason,
        )
        for rank, n in enumerate(ranked, start=1)
    ) + tuple(n for n in computed if n.level == 0)
    return NeedProfile(
        student=student,
        as_of=as_of,
        project=interview.project if interview else None,
        needs=needs,
        general=tuple(sorted(general, key=_evidence_key)),
    )


def compute_profiles(
    results: Iterable[ResultRecord],
    observations: Iterable[Observation] = (),
    interviews: Iterable[Interview] = (),
    *,
    students: Iterable[StudentId] = (),
    rules: NeedRules = DEFAULT_RULES,
    as_of: dt.date | None = None,
) -> dict[StudentId, NeedProfile]:
    """Profiles of every student found in the records, plus every student in ``students``.

    Keys are in a stable order (ints, then strings, each sorted).
    """
    results_by: dict[StudentId, list[ResultRecord]] = defaultdict(list)
    observations_by: dict[StudentId, list[Observation]] = defaultdict(list)
    interviews_by: dict[StudentId, list[Interview]] = defaultdict(list)
    for record in results:
        results_by[record.student].append(record)
    for obs in observations:
        observations_by[obs.student].append(obs)
    for interview in interviews:
        interviews_by[interview.student].append(interview)
    everyone = set(students) | set(results_by) | set(observations_by) | set(interviews_by)
    return {
        student: compute_profile(
            student,
            results_by.get(student, []),
            observations_by.get(student, []),
            interviews_by.get(student, []),
            rules=rules,
            as_of=as_of,
        )
        for student in sorted(everyone, key=_order)
    }


def profile_history(
    student: StudentId,
    results: Iterable[ResultRecord],
    observations: Iterable[Observation] = (),
    interviews: Iterable[Interview] = (),
    *,
    rules: NeedRules = DEFAULT_RULES,
) -> tuple[tuple[dt.date, NeedProfile], ...]:
    """The student's profile as it stood at each of their campaign dates, oldest first."""
    results = [r for r in results if r.student == student]
    observations = [o for o in observations if o.student == student]
    interviews = [i for i in interviews if i.student == student]
    dates = sorted({r.campaign_date for r in results if isinstance(r.value, LsuLevel)})
    return tuple(
        (day, compute_profile(student, results, observations, interviews, rules=rules, as_of=day))
        for day in dates
    )


# --------------------------------------------------------------------------- consumers


DEEPENING_SUFFIX = "+"
"""Suffix of the solver key of a deepening need with ``split_deepening`` (``FR.ECR+``)."""


def solver_needs(
    profile: NeedProfile,
    competencies: Iterable[str] = (),
    kinds: Collection[NeedKind] | None = None,
    *,
    split_deepening: bool = False,
) -> dict[str, int]:
    """The ``"needs": {competency: 0-3}`` mapping of the grouping solver's instance.

    Every code in ``competencies`` is present (0 when there is no need); codes of the
    profile are added. With ``kinds``, needs of other kinds count as 0: pass
    ``{NeedKind.REMEDIATION}`` to place students in soutien modules, ``{NeedKind.DEEPENING}``
    for approfondissement modules. With ``split_deepening``, deepening needs are keyed
    ``<code>+`` (:data:`DEEPENING_SUFFIX`) so that a deepening module can focus on ``FR.ECR+``
    while a soutien module focuses on ``FR.ECR``, and strong and struggling students are not
    mixed. Keys are sorted.
    """
    values = dict.fromkeys(competencies, 0)
    if split_deepening:
        values.update(dict.fromkeys((c + DEEPENING_SUFFIX for c in list(values)), 0))
    for need in profile.needs:
        level = int(need.level) if kinds is None or need.kind in kinds else 0
        if split_deepening and need.kind is NeedKind.DEEPENING:
            values[need.competency + DEEPENING_SUFFIX] = level
            values.setdefault(need.competency, 0)
        else:
            values[need.competency] = level
            if split_deepening:
                values.setdefault(need.competency + DEEPENING_SUFFIX, 0)
    return dict(sorted(values.items()))


@dataclass(frozen=True)
class LevelSummary:
    """How many students are at each need level on one competency (for charts)."""

    competency: str
    by_level: tuple[int, int, int, int]
    """Students at level 0, 1, 2, 3 among those with data."""
    by_kind: Mapping[NeedKind, tuple[int, int, int, int]]
    """The same split by kind of need (every kind present)."""
    no_data: int
    """Students with no result, observation or project on this competency."""

    @property
    def total(self) -> int:
        """All students counted, with or without data."""
        return sum(self.by_level) + self.no_data


def level_summary(
    profiles: Iterable[NeedProfile], competencies: Iterable[str] = ()
) -> dict[str, LevelSummary]:
    """Per competency, the number of students at each need level.

    Covers every code in ``competencies`` and every code found in the profiles, sorted.
    """
    profiles = list(profiles)
    codes = set(competencies) | {n.competency for p in profiles for n in p.needs}
    summary: dict[str, LevelSummary] = {}
    for code in sorted(codes):
        by_level = [0, 0, 0, 0]
        by_kind = {kind: [0, 0, 0, 0] for kind in NeedKind}
        no_data = 0
        for profile in profiles:
            need = profile.need(code)
            if need is None:
                no_data += 1
                continue
            by_level[need.level] += 1
            by_kind[need.kind][need.level] += 1
        summary[code] = LevelSummary(
            competency=code,
            by_level=(by_level[0], by_level[1], by_level[2], by_level[3]),
            by_kind={k: (v[0], v[1], v[2], v[3]) for k, v in by_kind.items()},
            no_data=no_data,
        )
    return summary
