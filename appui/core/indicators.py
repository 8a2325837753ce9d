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

Plain Python: this module never imports Django.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from appui.core.hours import SessionRecord, SessionStatus

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
    "MarkRecord",
    "MilestoneRecord",
    "OutcomeRates",
    "OutcomeRecord",
    "PeriodSpan",
    "ProgressSummary",
    "Share",
    "StudentPlace",
    "TargetStatus",
    "ScopeRecords",
    "SurveyRecord",
    "Unit",
    "Value",
    "academy_indicators",
    "attendance",
    "attendance_by_period",
    "coverage_by_period",
    "coverage_share",
    "delivered_hours",
    "group_churn",
    "headline_values",
    "hours_by_unit",
    "is_detailed",
    "late_milestones",
    "mark_distribution",
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
    "tutor_allowance",
    "tutoring_coverage",
]

Ref = int | str
StudentId = int | str

MIN_CELL = 5
"""Smallest count shown outside the school: counts from 1 to 4 and shares computed on fewer
than 5 people are suppressed (académie view, survey details)."""

FROZEN_SHARE = Decimal("0.75")
"""A group is *frozen* when at least this share of its members were together in one group of
the previous period (seed 002: « Eviter des groupes figés sur des périodes trop longues »)."""

SATISFIED_FROM = 3
"""On the four-point agreement scale, 3 (« plutôt d'accord ») and 4 (« tout à fait
d'accord ») count as satisfied."""


def _order(key: Ref | None) -> tuple[int, int, str]:
    """Sort key mixing ints and strs deterministically (ints first, then strs, None last)."""
    if key is None:
        return (2, 0, "")
    if isinstance(key, int):
        return (0, key, "")
    return (1, 0, key)


# --------------------------------------------------------------------------- shares


@dataclass(frozen=True)
class Share:
    """``part`` out of ``whole``; the rate is undefined (None) when ``whole`` is 0."""

    part: int
    whole: int

    def __post_init__(self) -> None:
        if self.part < 0 or self.whole < 0 or self.part > self.whole:
            raise ValueError(f"Proportion impossible : {self.part} sur {self.whole}.")

    @property
    def rate(self) -> Decimal | None:
        """``part / whole`` in [0, 1], three decimals (half up); None when nothing to divide."""
        if not self.whole:
            return None
        return (Decimal(self.part) / Decimal(self.whole)).quantize(
            Decimal("0.001"), rounding=ROUND_HALF_UP
        )

    @property
    def percent(self) -> Decimal | None:
        """The rate in percent, one decimal (``Decimal("87.5")``)."""
        rate = self.rate
        if rate is None:
            return None
        return (rate * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def suppressed(self, minimum: int = MIN_CELL) -> bool:
        """Too few people to be shown outside the school (fewer than ``minimum``)."""
        return not is_detailed(self.whole, minimum)

    def __add__(self, other: Share) -> Share:
        return Share(self.part + other.part, self.whole + other.whole)

    def __str__(self) -> str:
        percent = self.percent
        if percent is None:
            return "—"
        return f"{percent} %".replace(".", ",")


def is_detailed(count: int, minimum: int = MIN_CELL) -> bool:
    """The small-cell rule, written once: whether ``count`` people are enough to be shown in
    detail outside the school (a share on them, a survey's answers, its comments)."""
    return count >= minimum


def suppress(count: int, minimum: int = MIN_CELL) -> int | None:
    """``count``, or None when it is a small cell (from 1 to ``minimum - 1``; 0 is shown)."""
    return count if count == 0 or is_detailed(count, minimum) else None


# --------------------------------------------------------------------------- units, targets


class Unit(StrEnum):
    """How an indicator's headline value reads."""

    PERCENT = "percent"
    HOURS = "hours"
    COUNT = "count"
    LEVELS = "levels"


class Direction(StrEnum):
    """Which way a target goes: reach at least, or stay at most."""

    AT_LEAST = "at_least"
    AT_MOST = "at_most"


class TargetStatus(StrEnum):
    """A target against the measured value."""

    MET = "met"
    MISSED = "missed"
    UNKNOWN = "unknown"


def target_status(actual: Decimal | None, target: Decimal, direction: Direction) -> TargetStatus:
    """MET when ``actual`` reaches ``target`` in ``direction``; UNKNOWN without a value."""
    if actual is None:
        return TargetStatus.UNKNOWN
    if direction is Direction.AT_LEAST:
        return TargetStatus.MET if actual >= target else TargetStatus.MISSED
    return TargetStatus.MET if actual <= target else TargetStatus.MISSED


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class PeriodSpan:
    """An AP period: between two diagnoses (seed 004)."""

    id: Ref
    label: str
    start: dt.date
    end: dt.date

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls inside the period (both ends included)."""
        return self.start <= day <= self.end


@dataclass(frozen=True)
class StudentPlace:
    """Where a present student is: their level and division."""

    student: StudentId
    level: Ref
    division: Ref


@dataclass(frozen=True)
class GroupRecord:
    """A need group of a published plan: its period, level, module, kind, staff and members."""

    id: Ref
    period: Ref
    level: Ref
    module: Ref
    kind: str
    students: frozenset[StudentId] = frozenset()
    staff: frozenset[Ref] = frozenset()
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "students", frozenset(self.students))
        object.__setattr__(self, "staff", frozenset(self.staff))


@dataclass(frozen=True)
class CoverageRecord:
    """How well one published plan served top needs: ``students`` placed, ``share`` served."""

    period: Ref
    level: Ref
    students: int
    share: Decimal | None


@dataclass(frozen=True)
class DiagnosisResult:
    """An assessed diagnostic result on the LSU scale (1–4), dated by its campaign."""

    student: StudentId
    competency: str
    date: dt.date
    value: int


@dataclass(frozen=True)
class MarkRecord:
    """A progress mark on one objective (LSU scale 1–4), as the follow-up records it."""

    student: StudentId
    objective: Ref
    date: dt.date
    value: int


@dataclass(frozen=True)
class OutcomeRecord:
    """End-of-year outcomes of one level (entered by the school).

    ``leavers`` are the students finishing their cycle who left the school; ``further_studies``
    those of them who went on studying.
    """

    unit: Ref
    enrolled: int = 0
    repeating: int = 0
    candidates: int = 0
    passed: int = 0
    leavers: int = 0
    further_studies: int = 0


@dataclass(frozen=True)
class MilestoneRecord:
    """A dated milestone of the steering calendar (échéancier); ``done_on`` when done."""

    id: Ref
    due: dt.date
    done_on: dt.date | None = None


# --------------------------------------------------------------------------- hours


@dataclass(frozen=True)
class HoursRow:
    """Hours of one level or division, in minutes **per student** (means, rounded).

    ``due`` is the level's yearly volume; ``planned`` and ``delivered`` are the means over
    the unit's present students (see :mod:`appui.core.hours` for planned and delivered).
    """

    unit: Ref
    level: Ref
    students: int
    due: int
    planned: int
    delivered: int

    @property
    def planned_share(self) -> Share:
        """Planned out of due (capped at due: more than the volume counts as all of it)."""
        return Share(min(self.planned, self.due), self.due)

    @property
    def delivered_share(self) -> Share:
        """Delivered out of due (capped at due)."""
        return Share(min(self.delivered, self.due), self.due)


def _mean(total: int, count: int) -> int:
    if not count:
        return 0
    return int((Decimal(total) / count).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def hours_by_unit(
    *,
    sessions: Iterable[SessionRecord],
    places: Iterable[StudentPlace],
    due: Mapping[Ref, int],
    as_of: dt.date | None = None,
) -> tuple[list[HoursRow], list[HoursRow]]:
    """Hours per level and per division: ``(levels, divisions)``.

    ``places`` are the present students; ``due`` the yearly volume of each level in minutes.
    Sessions of students who are not in ``places`` (who left) are ignored. Planned and
    delivered follow :mod:`appui.core.hours` (planned: not cancelled; delivered: held, dated
    up to ``as_of``), summed over the strands. Formula: for a unit with students S,
    planned = Σ planned minutes of S ÷ |S| (rounded to the minute), the same for delivered.
    """
    roster = list(places)
    present = frozenset(p.student for p in roster)
    planned: Counter[StudentId] = Counter()
    delivered: Counter[StudentId] = Counter()
    # Plain integer sums: this runs over every session of a school year on each dashboard.
    for session in sessions:
        if session.status is SessionStatus.CANCELLED:
            continue
        held = session.counts_as_held(as_of)
        for student in session.students & present:
            planned[student] += session.duration_minutes
            if held:
                delivered[student] += session.duration_minutes
    by_level: dict[Ref, list[StudentPlace]] = defaultdict(list)
    by_division: dict[Ref, list[StudentPlace]] = defaultdict(list)
    for place in roster:
        by_level[place.level].append(place)
        by_division[place.division].append(place)

    def row(unit: Ref, level: Ref, members: list[StudentPlace]) -> HoursRow:
        return HoursRow(
            unit=unit,
            level=level,
            students=len(members),
            due=due.get(level, 0),
            planned=_mean(sum(planned[p.student] for p in members), len(members)),
            delivered=_mean(sum(delivered[p.student] for p in members), len(members)),
        )

    levels = [row(level, level, by_level[level]) for level in sorted(by_level, key=_order)]
    divisions = [
        row(division, by_division[division][0].level, by_division[division])
        for division in sorted(by_division, key=_order)
    ]
    return levels, divisions


# --------------------------------------------------------------------------- modules, staff


@dataclass(frozen=True)
class KindCount:
    """Modules of one kind: distinct modules, groups, distinct students."""

    kind: str
    modules: int
    groups: int
    students: int


def modules_run(groups: Iterable[GroupRecord]) -> list[KindCount]:
    """Number and nature of the modules run, per kind, most groups first (then kind)."""
    modules: dict[str, set[Ref]] = defaultdict(set)
    count: Counter[str] = Counter()
    students: dict[str, set[StudentId]] = defaultdict(set)
    for group in groups:
        modules[group.kind].add(group.module)
        count[group.kind] += 1
        students[group.kind] |= group.students
    return sorted(
        (KindCount(k, len(modules[k]), count[k], len(students[k])) for k in count),
        key=lambda row: (-row.groups, row.kind),
    )


def staff_involvement(
    teachers: Iterable[Ref], groups: Iterable[GroupRecord], tutors: Iterable[Ref] = ()
) -> Share:
    """Teachers running at least one AP group or tutoring at least one student ÷ teachers."""
    everyone = set(teachers)
    involved = set(tutors)
    for group in groups:
        involved |= group.staff
    return Share(len(everyone & involved), len(everyone))


# --------------------------------------------------------------------------- attendance


def _attendance_share(sessions: Iterable[SessionRecord], as_of: dt.date | None) -> Share:
    there = recorded = 0
    for session in sessions:
        if session.status is not SessionStatus.HELD:
            continue
        if as_of is not None and session.date > as_of:
            continue
        for mark in session.attendance.values():
            recorded += 1
            there += mark.attended
    return Share(there, recorded)


def attendance(sessions: Iterable[SessionRecord], *, as_of: dt.date | None = None) -> Share:
    """Present or late ÷ attendance marks recorded at held sessions (dated up to ``as_of``).

    A student with no mark at a held session is not counted either way: the indicator says
    how often students come, not how often teachers fill the register (the hour accounting
    warns about unrecorded sessions).
    """
    return _attendance_share(sessions, as_of)


def attendance_by_period(
    sessions: Iterable[SessionRecord],
    periods: Sequence[PeriodSpan],
    *,
    as_of: dt.date | None = None,
) -> list[tuple[PeriodSpan, Share]]:
    """:func:`attendance` for the sessions of each period, in the order given."""
    items = list(sessions)
    return [
        (period, _attendance_share((s for s in items if period.contains(s.date)), as_of))
        for period in periods
    ]


# --------------------------------------------------------------------------- needs


def top_need_served(
    needs: Mapping[StudentId, Mapping[str, int]], served: Mapping[StudentId, Iterable[str]]
) -> Share:
    """Students whose highest need is worked on ÷ students with at least one need.

    ``needs`` gives each student's need level (0–3) per competency key, ``served`` the
    competency keys of the groups they are in. A student counts as served when one of those
    keys has their highest level (ties: any of the tied competencies).
    """
    part = whole = 0
    for student, levels in needs.items():
        top = max((level for level in levels.values() if level > 0), default=0)
        if not top:
            continue
        whole += 1
        if any(levels.get(key, 0) == top for key in served.get(student, ())):
            part += 1
    return Share(part, whole)


def coverage_by_period(
    records: Iterable[CoverageRecord], periods: Sequence[Ref]
) -> list[tuple[Ref, Decimal | None, int]]:
    """Per period: the levels' shares averaged with their placed students as weights.

    Returns ``(period, share in [0, 1] with three decimals or None, students)`` in the order of
    ``periods``. Plans without a share (or without students) are left out of the mean.
    """
    weighted: dict[Ref, Decimal] = defaultdict(Decimal)
    weights: Counter[Ref] = Counter()
    for record in records:
        if record.share is None or record.students <= 0:
            continue
        weighted[record.period] += Decimal(record.share) * record.students
        weights[record.period] += record.students
    result: list[tuple[Ref, Decimal | None, int]] = []
    for period in periods:
        total = weights[period]
        share = (
            (weighted[period] / total).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
            if total
            else None
        )
        result.append((period, share, total))
    return result


# --------------------------------------------------------------------------- progress


@dataclass(frozen=True)
class ProgressSummary:
    """Progress of student × competency pairs assessed at two dates or more.

    ``deltas`` counts pairs by last − first level (−3 … +3, every key present).
    """

    deltas: Mapping[int, int]
    students: int

    @property
    def pairs(self) -> int:
        """Pairs assessed twice or more."""
        return sum(self.deltas.values())

    @property
    def improved(self) -> Share:
        """Pairs whose last level is above the first."""
        return Share(sum(n for d, n in self.deltas.items() if d > 0), self.pairs)

    @property
    def stable(self) -> Share:
        """Pairs at the same level."""
        return Share(self.deltas.get(0, 0), self.pairs)

    @property
    def declined(self) -> Share:
        """Pairs whose last level is below the first."""
        return Share(sum(n for d, n in self.deltas.items() if d < 0), self.pairs)

    @property
    def mean(self) -> Decimal | None:
        """Mean gain in LSU levels, two decimals."""
        if not self.pairs:
            return None
        total = sum(d * n for d, n in self.deltas.items())
        return (Decimal(total) / self.pairs).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def progress(results: Iterable[DiagnosisResult]) -> ProgressSummary:
    """Last minus first LSU level per student and competency, over at least two dates.

    Several results of one pair on the same date (two campaigns the same day) are averaged
    for that date, rounded half up, so one day never counts as progress.
    """
    dated: dict[tuple[StudentId, str], dict[dt.date, list[int]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for result in results:
        if not 1 <= result.value <= 4:
            raise ValueError(f"Niveau LSU hors échelle : {result.value}.")
        dated[(result.student, result.competency)][result.date].append(result.value)
    deltas: Counter[int] = Counter({d: 0 for d in range(-3, 4)})
    students: set[StudentId] = set()
    for (student, _competency), days in dated.items():
        if len(days) < 2:
            continue
        ordered = sorted(days)
        first, last = (_day_level(days[ordered[0]]), _day_level(days[ordered[-1]]))
        deltas[last - first] += 1
        students.add(student)
    return ProgressSummary(deltas=dict(sorted(deltas.items())), students=len(students))


def _day_level(values: list[int]) -> int:
    return int((Decimal(sum(values)) / len(values)).quantize(Decimal("1"), ROUND_HALF_UP))


def mark_distribution(marks: Iterable[MarkRecord]) -> tuple[dict[int, int], Share]:
    """Latest mark per student and objective: count per LSU level 1–4, and the share at 3–4.

    Of two marks on the same date, the higher one is kept (a re-evaluation the same day).
    """
    latest: dict[tuple[StudentId, Ref], tuple[dt.date, int]] = {}
    for mark in marks:
        if not 1 <= mark.value <= 4:
            raise ValueError(f"Niveau LSU hors échelle : {mark.value}.")
        key = (mark.student, mark.objective)
        if key not in latest or (mark.date, mark.value) > latest[key]:
            latest[key] = (mark.date, mark.value)
    counts = {level: 0 for level in range(1, 5)}
    for _day, value in latest.values():
        counts[value] += 1
    return counts, Share(counts[3] + counts[4], sum(counts.values()))


# --------------------------------------------------------------------------- groups


@dataclass(frozen=True)
class ChurnRow:
    """Change between two consecutive periods of one scope (a level, or the school)."""

    previous: Ref
    period: Ref
    changed: Share
    frozen_groups: tuple[Ref, ...]
    groups: int


def _kept(student: StudentId, new: list[GroupRecord], before: list[frozenset]) -> bool:
    for group in new:
        others = [s for s in group.students if s != student]
        if not others:
            continue
        for members in before:
            if 2 * sum(1 for s in others if s in members) >= len(others):
                return True
    return False


def _frozen(group: GroupRecord, before: list[GroupRecord]) -> bool:
    if len(group.students) < 2:
        return False
    best = max((len(group.students & g.students) for g in before), default=0)
    return Decimal(best) >= FROZEN_SHARE * len(group.students)


def group_churn(groups: Iterable[GroupRecord], periods: Sequence[Ref]) -> list[ChurnRow]:
    """Renewal of the groups between each pair of consecutive ``periods`` (in that order).

    A student placed in both periods is *unchanged* when, in one of their new groups, at
    least half of the other members were with them in one of their previous groups (the same
    rule as the plan metric « élèves ayant changé de groupe »). A new group is *frozen* when
    at least :data:`FROZEN_SHARE` of its members come from one single group of the previous
    period. Periods without groups are skipped: the next one is compared with the last
    period that had groups.
    """
    by_period: dict[Ref, list[GroupRecord]] = defaultdict(list)
    for group in groups:
        by_period[group.period].append(group)
    rows: list[ChurnRow] = []
    previous: Ref | None = None
    for period in periods:
        current = by_period.get(period, [])
        if not current:
            continue
        if previous is not None:
            before = by_period[previous]
            homes_before: dict[StudentId, list[frozenset]] = defaultdict(list)
            for group in before:
                for s in group.students:
                    homes_before[s].append(group.students)
            homes_now: dict[StudentId, list[GroupRecord]] = defaultdict(list)
            for group in current:
                for s in group.students:
                    homes_now[s].append(group)
            both = [s for s in homes_now if s in homes_before]
            changed = sum(1 for s in both if not _kept(s, homes_now[s], homes_before[s]))
            frozen = tuple(
                sorted(
                    (g.id for g in current if _frozen(g, before)),
                    key=_order,
                )
            )
            rows.append(ChurnRow(previous, period, Share(changed, len(both)), frozen, len(current)))
        previous = period
    return rows


def never_offered(
    students: Iterable[StudentId], groups: Iterable[GroupRecord]
) -> tuple[tuple[StudentId, ...], Share]:
    """Present students in no group at all, and their share of the present students."""
    roster = list(dict.fromkeys(students))
    placed: set[StudentId] = set()
    for group in groups:
        placed |= group.students
    missing = tuple(sorted((s for s in roster if s not in placed), key=_order))
    return missing, Share(len(missing), len(roster))


# --------------------------------------------------------------------------- tutoring


def tutoring_coverage(students: Iterable[StudentId], tutees: Iterable[StudentId]) -> Share:
    """Present students with a tutor ÷ present students (tutees who left are ignored)."""
    roster = set(students)
    return Share(len(roster & set(tutees)), len(roster))


def tutor_allowance(tutees: int, rate: Decimal) -> Decimal:
    """Yearly allowance of a tutor: ``tutees × rate``, in euros to the cent (half up).

    Seed 003 (« Le tutorat au lycée »): « indemnité de tutorat proportionnelle au nombre
    d'élèves ».
    """
    if tutees < 0 or rate < 0:
        raise ValueError("Le nombre de tutorés et le taux doivent être positifs.")
    return (Decimal(tutees) * Decimal(rate)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- surveys


def satisfaction(counts: Mapping[int, int]) -> Share:
    """Answers at :data:`SATISFIED_FROM` or above ÷ answers, on the four-point scale."""
    for value, count in counts.items():
        if not 1 <= value <= 4 or count < 0:
            raise ValueError(f"Réponse hors échelle : {value} ({count}).")
    total = sum(counts.values())
    return Share(sum(n for v, n in counts.items() if v >= SATISFIED_FROM), total)


def response_rate(respondents: int, audience: int) -> Share:
    """Respondents ÷ people the survey was open to (capped: more answers than people is 100 %)."""
    return Share(min(respondents, audience), audience)


# --------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class OutcomeRates:
    """Repeat rate, success at the diploma and further-studies rate of some outcomes."""

    repeat: Share
    success: Share
    further_studies: Share


def outcome_rates(records: Iterable[OutcomeRecord]) -> OutcomeRates:
    """Sums over ``records``: repeating ÷ enrolled, passed ÷ candidates, further ÷ leavers."""
    enrolled = repeating = candidates = passed = leavers = further = 0
    for r in records:
        enrolled += r.enrolled
        repeating += r.repeating
        candidates += r.candidates
        passed += r.passed
        leavers += r.leavers
        further += r.further_studies
    return OutcomeRates(
        Share(repeating, enrolled), Share(passed, candidates), Share(further, leavers)
    )


# --------------------------------------------------------------------------- milestones


def late_milestones(
    milestones: Iterable[MilestoneRecord], today: dt.date
) -> tuple[list[MilestoneRecord], Share]:
    """Milestones due before ``today`` and not done (oldest first), and the share of the
    milestones already due that were done by their date."""
    late: list[MilestoneRecord] = []
    due = on_time = 0
    for m in milestones:
        if m.due >= today:
            continue
        due += 1
        if m.done_on is None:
            late.append(m)
        elif m.done_on <= m.due:
            on_time += 1
    late.sort(key=lambda m: (m.due, _order(m.id)))
    return late, Share(on_time, due)


# --------------------------------------------------------------------------- scope records


def delivered_hours(rows: Iterable[HoursRow]) -> Share:
    """Student-minutes delivered out of student-minutes due, over levels (capped at due)."""
    due = delivered = 0
    for r in rows:
        due += r.due * r.students
        delivered += min(r.delivered, r.due) * r.students
    return Share(delivered, due)


def coverage_share(records: Iterable[CoverageRecord]) -> Share:
    """Students whose top need was worked on, out of the students placed (the plans' shares
    weighted by their students, rounded to whole students)."""
    part = whole = 0
    for c in records:
        if c.share is None or c.students <= 0:
            continue
        part += int((Decimal(c.share) * c.students).quantize(Decimal(1), ROUND_HALF_UP))
        whole += c.students
    return Share(part, whole)


@dataclass(frozen=True)
class SurveyRecord:
    """A published survey: how many answered it and its satisfied answers."""

    respondents: int
    satisfied: Share


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

    @property
    def students(self) -> list[StudentId]:
        return [p.student for p in self.places]


Value = Share | Decimal | int | None
"""A headline value: a share (most indicators), a rate, or a count (``Unit.COUNT``)."""


# --------------------------------------------------------------------------- the indicators


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
