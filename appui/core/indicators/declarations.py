"""The indicators declared once (:data:`INDICATORS`), and the records of one scope their
headline values are measured on.

Adding an indicator: its formula in the module of its domain, its :class:`IndicatorSpec`
here, its test (``tests/core/test_indicators_registry.py``) and its paragraph in
``docs/pilotage.md``; the dashboards, downloads and target form follow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from appui.core.hours import SessionRecord
from appui.core.indicators.activity import attendance, staff_involvement, tutoring_coverage
from appui.core.indicators.groups import ChurnRow, never_offered
from appui.core.indicators.hours import HoursRow, delivered_hours
from appui.core.indicators.learning import coverage_share, mark_distribution, progress
from appui.core.indicators.outcomes import late_milestones, outcome_rates
from appui.core.indicators.pilotage import meetings_held, training_reach
from appui.core.indicators.records import (
    CoverageRecord,
    DiagnosisResult,
    GroupRecord,
    MarkRecord,
    MeetingRecord,
    MilestoneRecord,
    OutcomeRecord,
    StudentPlace,
    SurveyRecord,
    TrainingRecord,
)
from appui.core.indicators.shares import Ref, Share, StudentId, is_detailed
from appui.core.indicators.targets import Direction, Unit


@dataclass(frozen=True)
class ScopeRecords:
    """The plain records of one scope (a school, or one of its levels) that every headline
    value is computed from. The dashboard builds it once per scope and level.

    ``year_groups`` are the published groups of the whole year in the scope's levels;
    ``period_groups`` those of the chosen period(s) in every level (teachers are counted
    school-wide); ``sessions``, ``coverage`` and ``churn`` are already limited to the
    chosen period(s); ``hours`` has one row per level.
    """

    as_of: dt.date
    places: Sequence[StudentPlace] = ()
    year_groups: Sequence[GroupRecord] = ()
    period_groups: Sequence[GroupRecord] = ()
    sessions: Sequence[SessionRecord] = ()
    hours: Sequence[HoursRow] = ()
    coverage: Sequence[CoverageRecord] = ()
    diagnosis: Sequence[DiagnosisResult] = ()
    marks: Sequence[MarkRecord] = ()
    churn: Sequence[ChurnRow] = ()
    teachers: Sequence[Ref] = ()
    tutor_staff: Sequence[Ref] = ()
    tutees: frozenset[StudentId] = frozenset()
    surveys: Sequence[SurveyRecord] = ()
    outcomes: Sequence[OutcomeRecord] = ()
    milestones: Sequence[MilestoneRecord] = ()
    trainings: Sequence[TrainingRecord] = ()
    meetings: Sequence[MeetingRecord] = ()

    @property
    def students(self) -> list[StudentId]:
        return [p.student for p in self.places]


Value = Share | Decimal | int | None
"""A headline value: a share (most indicators), a rate, or a count (``Unit.COUNT``)."""


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator, declared once: everything the dashboards need to show it.

    ``label`` (French), ``seeds`` and ``formula`` are shown with it; ``unit`` says how its
    headline reads; ``section`` is the dashboard section that shows it (several indicators
    may share one; sections come in the order of :data:`INDICATORS`); ``measure`` computes
    its headline value from a :class:`ScopeRecords` (none: it has no single value);
    ``academy`` puts it in the académie comparison; ``target`` lets the school set a target on
    it, naturally in ``direction``; ``people`` says its values count people (small cells are
    hidden outside the school), not student-minutes or milestones.
    """

    key: str
    label: str
    seeds: str
    formula: str
    unit: Unit = Unit.PERCENT
    direction: Direction | None = Direction.AT_LEAST
    section: str = ""
    measure: Callable[[ScopeRecords], Value] | None = None
    academy: bool = False
    target: bool = False
    people: bool = True

    def __post_init__(self) -> None:
        if not self.section:
            object.__setattr__(self, "section", self.key)
        if (self.academy or self.target) and self.measure is None:
            raise ValueError(f"{self.key} : un indicateur comparé ou ciblé doit avoir une mesure.")
        if self.target and (self.direction is None or self.unit is not Unit.PERCENT):
            raise ValueError(f"{self.key} : une cible porte sur un pourcentage orienté.")

    @property
    def headline(self) -> bool:
        """Whether it has one value per scope (compared with targets and across schools)."""
        return self.measure is not None


INDICATORS: dict[str, IndicatorSpec] = {
    spec.key: spec
    for spec in (
        IndicatorSpec(
            "hours",
            "Heures dues, prévues et assurées",
            "000 (volumes horaires), 001 (tableaux de bord), 004 (mêmes heures pour tous)",
            "Par niveau et par division : dû = volume annuel du niveau par élève ; prévu et "
            "assuré = moyenne, sur les élèves présents, des minutes de séances prévues (non "
            "annulées) et tenues ; part assurée = assuré ÷ dû.",
            measure=lambda s: delivered_hours(s.hours),
            academy=True,
            target=True,
            people=False,
        ),
        IndicatorSpec(
            "attendance",
            "Assiduité en AP",
            "001 (assiduité des élèves), 000 (implication de l'élève)",
            "Présences et retards ÷ appels saisis (présent, retard, absent, excusé) aux "
            "séances tenues ; par période pour la tendance.",
            measure=lambda s: attendance(s.sessions, as_of=s.as_of),
            academy=True,
            target=True,
        ),
        IndicatorSpec(
            "need_coverage",
            "Élèves dont le besoin principal est travaillé",
            "004 (diagnostic partagé, groupes de besoins), 002 (mêmes besoins)",
            "Par plan publié : élèves ayant au moins un besoin dont un groupe travaille une "
            "compétence de leur plus haut niveau de besoin ÷ élèves ayant au moins un besoin "
            "(mesure du plan à sa publication) ; par période, moyenne des niveaux pondérée "
            "par le nombre d'élèves placés.",
            measure=lambda s: coverage_share(s.coverage),
            academy=True,
            target=True,
        ),
        IndicatorSpec(
            "progress",
            "Progrès entre deux diagnostics",
            "004 (diagnostic reconduit après chaque période), 002 (niveau d'acquisition)",
            "Pour chaque élève et compétence évalués à deux dates au moins : écart = dernier "
            "niveau LSU − premier niveau (−3 à +3) ; part en progrès = écarts > 0 ÷ couples "
            "élève-compétence évalués deux fois.",
            measure=lambda s: progress(s.diagnosis).improved,
            academy=True,
            target=True,
        ),
        IndicatorSpec(
            "marks",
            "Évaluations des progrès (échelle LSU)",
            "000 (relevé de compétences, bilans d'étape), 004 (évaluer les progrès)",
            "Dernière évaluation de chaque élève sur chaque objectif ; part au moins "
            "satisfaisante = niveaux 3 et 4 ÷ évaluations.",
            measure=lambda s: mark_distribution(s.marks)[1],
            target=True,
        ),
        IndicatorSpec(
            "churn",
            "Renouvellement des groupes entre périodes",
            "002 (éviter des groupes figés), 004 (composition non figée)",
            "Élève inchangé : dans l'un de ses groupes, au moins la moitié des autres membres "
            "étaient avec lui dans un groupe de la période précédente ; renouvellement = "
            "élèves changés ÷ élèves placés aux deux périodes. Groupe figé : au moins 75 % de "
            "ses membres viennent d'un même groupe de la période précédente.",
            measure=lambda s: sum((row.changed for row in s.churn), start=Share(0, 0)),
            academy=True,
            target=True,
        ),
        IndicatorSpec(
            "modules",
            "Nombre et nature des modules conduits",
            "000 (nombre et nature des actions), 002 (soutien, tutorat, consolidation…)",
            "Par nature de module : nombre de modules différents, de groupes et d'élèves "
            "distincts dans les plans publiés de la période choisie (ou de l'année).",
            Unit.COUNT,
            None,
        ),
        IndicatorSpec(
            "partners",
            "Partenaires et ressources mobilisés",
            "001 (partenaires extérieurs, plateforme Avenir(s), Avenir Pro avec France Travail "
            "et les missions locales)",
            "Dans les groupes publiés de la période choisie (ou de l'année) : un groupe mobilise "
            "un partenaire ou une ressource attaché à son module ou à l'une de ses séances non "
            "annulées ; groupes avec un partenaire ÷ groupes ; interventions = séances avec au "
            "moins un partenaire ; par nature : partenaires (ressources) distincts, groupes, "
            "séances et élèves distincts de ces groupes.",
            Unit.COUNT,
            None,
        ),
        IndicatorSpec(
            "staff",
            "Part des enseignants impliqués dans l'AP",
            "000 (proportion des enseignants impliqués), 001 (acteurs)",
            "Enseignants qui animent au moins un groupe d'AP publié ou suivent au moins un "
            "tutoré ÷ enseignants de l'établissement.",
            measure=lambda s: staff_involvement(s.teachers, s.period_groups, s.tutor_staff),
            academy=True,
            target=True,
        ),
        IndicatorSpec(
            "never_offered",
            "Élèves à qui aucun module n'a été proposé",
            "003 (l'AP pour ceux qui en ont besoin), 004 (tous les élèves d'un niveau)",
            "Élèves présents qui ne sont membres d'aucun groupe d'un plan publié de l'année "
            "÷ élèves présents.",
            Unit.PERCENT,
            Direction.AT_MOST,
            measure=lambda s: never_offered(s.students, s.year_groups)[1],
            academy=True,
            target=True,
        ),
        IndicatorSpec(
            "tutoring",
            "Couverture du tutorat",
            "003 (le tutorat au lycée), 002 (tutorat)",
            "Élèves présents ayant un tuteur cette année ÷ élèves présents ; charge des "
            "tuteurs rapportée au maximum fixé par le chef d'établissement.",
            measure=lambda s: tutoring_coverage(s.students, s.tutees),
            academy=True,
            target=True,
        ),
        IndicatorSpec(
            "satisfaction",
            "Satisfaction (enquêtes)",
            "000 (enquêtes de satisfaction auprès des élèves, des parents, des équipes)",
            "Réponses « plutôt d'accord » ou « tout à fait d'accord » ÷ réponses aux "
            "questions à échelle ; taux de réponse = répondants ÷ public visé. Aucun détail "
            "en dessous de 5 répondants.",
            measure=lambda s: sum(
                (x.satisfied for x in s.surveys if is_detailed(x.respondents)), start=Share(0, 0)
            ),
            academy=True,
            target=True,
        ),
        IndicatorSpec(
            "repeat",
            "Taux de redoublement",
            "002 (indicateurs de réussite)",
            "Redoublants ÷ élèves inscrits du niveau (bilan de fin d'année saisi).",
            Unit.PERCENT,
            Direction.AT_MOST,
            section="outcomes",
            measure=lambda s: outcome_rates(s.outcomes).repeat,
            academy=True,
            target=True,
        ),
        IndicatorSpec(
            "success",
            "Réussite à l'examen",
            "002 (taux d'accès au bac pro), 000 (réussite des apprenants)",
            "Reçus ÷ candidats présentés (bilan de fin d'année saisi).",
            section="outcomes",
            measure=lambda s: outcome_rates(s.outcomes).success,
            academy=True,
            target=True,
        ),
        IndicatorSpec(
            "further_studies",
            "Poursuite d'études",
            "000 (élèves poursuivant leurs études), 002 (bilan d'orientation)",
            "Sortants de fin de cycle poursuivant des études ÷ sortants de fin de cycle.",
            section="outcomes",
            measure=lambda s: outcome_rates(s.outcomes).further_studies,
            academy=True,
            target=True,
        ),
        IndicatorSpec(
            "training",
            "Formation des équipes d'AP",
            "001 (plan de formation des enseignants ; actions de formation prévues/réalisées)",
            "Enseignants de l'AP (qui animent au moins un groupe publié de l'année) ayant suivi "
            "au moins une action de formation réalisée cette année ÷ enseignants de l'AP ; "
            "nombre d'actions prévues, réalisées et annulées.",
            measure=lambda s: training_reach(s.teachers, s.year_groups, s.trainings),
            academy=True,
            target=True,
        ),
        IndicatorSpec(
            "instances",
            "Instances et réunions tenues",
            "001 (nature et nombre des instances impliquées : CA, conseil pédagogique, conseil "
            "d'enseignement… ; nombre et fréquence des réunions, par instance)",
            "Réunions tenues depuis la rentrée (datées au plus tard d'aujourd'hui), par "
            "instance ; valeur principale : toutes instances confondues.",
            Unit.COUNT,
            None,
            measure=lambda s: meetings_held(s.meetings, s.as_of),
            academy=True,
            people=False,
        ),
        IndicatorSpec(
            "milestones",
            "Échéancier",
            "000 et 001 (échéancier, indicateurs cibles, bilans d'étape)",
            "Jalons dont la date est passée sans avoir été faits (en retard) ; part des "
            "jalons échus faits à temps.",
            Unit.COUNT,
            None,
            measure=lambda s: len(late_milestones(s.milestones, s.as_of)[0]),
            academy=True,
            people=False,
        ),
    )
}
"""Every indicator, in the dashboard's reading order. Adding one: its entry here, its test,
its paragraph in ``docs/pilotage.md``; the dashboards, downloads and target form follow."""


def sections() -> dict[str, list[IndicatorSpec]]:
    """Each dashboard section with the indicators it shows, in reading order."""
    result: dict[str, list[IndicatorSpec]] = {}
    for spec in INDICATORS.values():
        result.setdefault(spec.section, []).append(spec)
    return result


def headline_values(records: ScopeRecords) -> dict[str, Value]:
    """The headline value of every indicator that has one, for one scope."""
    return {
        spec.key: spec.measure(records) for spec in INDICATORS.values() if spec.measure is not None
    }


def academy_indicators() -> list[IndicatorSpec]:
    """The indicators compared across schools (académie view), in reading order."""
    return [spec for spec in INDICATORS.values() if spec.academy]


def target_indicators() -> list[IndicatorSpec]:
    """The indicators a school may set a target on, in reading order."""
    return [spec for spec in INDICATORS.values() if spec.target]
