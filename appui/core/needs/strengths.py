"""A positive face for the pupil and the family: strengths first, then what they work on.

The need profile is the staff's working tool: ranked needs with levels 0–3 and the rules
applied. Shown as such to a pupil or a parent it reads as a list of shortcomings. AP is meant
to help the pupil « prendre conscience de son potentiel actuel », « retrouver une image
positive de lui-même » and « situer les progrès à réaliser, les forces sur lesquelles il peut
s'appuyer » (seed 003, § 2 « Les objectifs »); it is never « une punition » (§ 9
« Conclusion »). Modules have « des objectifs de progrès ciblés » (seed 004, « La mise en
oeuvre »). So the summary built here leads with:

1. **strengths** — competencies whose latest assessment (diagnosis or the teacher's progress
   mark) is « maîtrise satisfaisante » or « très bonne maîtrise »;
2. **progress** — competencies whose latest assessment is above the starting point: the first
   diagnosis (AP starts from it, seed 003, § 4 « La mise en œuvre »), or the first assessment
   when there is no diagnosis;
3. **goals** — the objectives of the modules the pupil follows now (or, between two periods,
   the next ones, else the last ones);

and only then **what the pupil works on**: the needs above 0, in the profile's order, phrased
as an aim in plain words, without levels, numbers or ranks.

Plain Python: this module never imports Django.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from appui.core.scales import LsuLevel

from .vocabulary import NeedKind

__all__ = [
    "GoalTiming",
    "Measure",
    "MeasureSource",
    "ModuleGoal",
    "PositiveSummary",
    "Progress",
    "Strength",
    "WorkItem",
    "WorkNeed",
    "positive_summary",
]


class MeasureSource(StrEnum):
    """Where an assessment comes from."""

    DIAGNOSIS = "diagnosis"
    MARK = "mark"  # the teacher's progress mark after a session


@dataclass(frozen=True)
class Measure:
    """One assessment of the pupil on a competency, on the LSU scale."""

    competency: str
    date: dt.date
    value: LsuLevel
    source: MeasureSource = MeasureSource.DIAGNOSIS

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", LsuLevel(self.value))
        object.__setattr__(self, "source", MeasureSource(self.source))


@dataclass(frozen=True)
class WorkNeed:
    """A need of the profile as the summary reads it: competency, kind, level (0–3)."""

    competency: str
    kind: NeedKind
    level: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", NeedKind(self.kind))


class GoalTiming(StrEnum):
    """When the module of a goal runs, seen from today."""

    CURRENT = "current"
    NEXT = "next"  # no module runs today; this one comes next
    LAST = "last"  # no module runs or comes; this one ended last


@dataclass(frozen=True)
class ModuleGoal:
    """The objective of a module of the pupil's."""

    title: str
    objective: str
    competency: str | None = None
    label: str = ""
    """The competency's label, for display."""
    timing: GoalTiming = GoalTiming.CURRENT

    def __post_init__(self) -> None:
        object.__setattr__(self, "timing", GoalTiming(self.timing))


@dataclass(frozen=True)
class Strength:
    """A competency the pupil masters, by their latest assessment."""

    competency: str
    label: str
    value: LsuLevel
    date: dt.date

    @property
    def text(self) -> str:
        """``très bonne maîtrise`` / ``maîtrise satisfaisante``."""
        return self.value.label.lower()


@dataclass(frozen=True)
class Progress:
    """A competency on which the latest assessment is above the first one."""

    competency: str
    label: str
    first: LsuLevel
    first_date: dt.date
    last: LsuLevel
    last_date: dt.date

    @property
    def steps(self) -> int:
        """Steps climbed on the LSU scale (1 to 3)."""
        return int(self.last) - int(self.first)

    @property
    def text(self) -> str:
        """``de maîtrise fragile à maîtrise satisfaisante``."""
        return f"de {self.first.label.lower()} à {self.last.label.lower()}"


_AIMS = {
    NeedKind.REMEDIATION: "consolider les bases",
    NeedKind.DEEPENING: "aller plus loin",
    NeedKind.ORIENTATION: "avancer dans son projet",
}
"""What a need of each kind becomes for the pupil and the family: an aim, not a deficit."""

_CONSOLIDATE = "consolider ses acquis"
"""The aim of a soutien need on a competency the latest assessment shows mastered (a rapid
progress kept one step, rule R2; or a teacher's mark ahead of the next diagnosis)."""


@dataclass(frozen=True)
class WorkItem:
    """One thing the pupil works on, in plain words."""

    competency: str
    label: str
    kind: NeedKind
    in_module: bool = False
    """A module the pupil follows now works on this competency."""
    mastered: bool = False
    """The latest assessment shows the competency mastered (it is among the strengths)."""

    @property
    def aim(self) -> str:
        """``consolider les bases`` (``consolider ses acquis`` once mastered), ``aller plus
        loin`` or ``avancer dans son projet``."""
        if self.kind is NeedKind.REMEDIATION and self.mastered:
            return _CONSOLIDATE
        return _AIMS[self.kind]

    @property
    def text(self) -> str:
        """``S'exprimer à l'écrit : consolider les bases``."""
        label = self.label[:1].upper() + self.label[1:]
        return f"{label} : {self.aim}"


@dataclass(frozen=True)
class PositiveSummary:
    """Strengths, progress and current goals first; then what the pupil works on."""

    strengths: tuple[Strength, ...] = ()
    progress: tuple[Progress, ...] = ()
    goals: tuple[ModuleGoal, ...] = ()
    working_on: tuple[WorkItem, ...] = ()
    _empty: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "_empty",
            not (self.strengths or self.progress or self.goals or self.working_on),
        )

    @property
    def is_empty(self) -> bool:
        """Nothing to show yet (no assessment, no module, no need)."""
        return self._empty


def _chronological(measure: Measure) -> tuple[int, int, int]:
    """Oldest first; on one day the diagnosis before the teacher's mark, and the higher value
    before the lower, so that the last assessment is never the best of two contradicting
    ones (nor the first the worst): strengths and progress are never overstated."""
    source = 0 if measure.source is MeasureSource.DIAGNOSIS else 1
    return (measure.date.toordinal(), source, -int(measure.value))


def positive_summary(
    measures: Iterable[Measure],
    needs: Iterable[WorkNeed] = (),
    goals: Iterable[ModuleGoal] = (),
    *,
    labels: Mapping[str, str] | None = None,
) -> PositiveSummary:
    """The pupil's positive summary.

    ``measures``: diagnoses and the teacher's progress marks, in any order. ``needs``: the
    profile's needs in priority order (level-0 ones are skipped). ``goals``: the modules the
    pupil follows now (or next, or last: see :class:`GoalTiming`). ``labels`` maps competency
    codes to labels (the code is shown when missing).

    On one day, a teacher's mark counts after the diagnosis and, between two assessments of
    the same source, the lower one counts (a strength is never claimed on the best of two
    contradicting results).
    """
    labels = labels or {}

    def label(code: str) -> str:
        return labels.get(code) or code

    by_code: dict[str, list[Measure]] = defaultdict(list)
    for measure in measures:
        by_code[measure.competency].append(measure)

    strengths: list[Strength] = []
    progress: list[Progress] = []
    for code, found in by_code.items():
        ordered = sorted(found, key=_chronological)
        last = ordered[-1]
        diagnoses = [m for m in ordered if m.source is MeasureSource.DIAGNOSIS]
        first = diagnoses[0] if diagnoses else ordered[0]
        if last.value >= LsuLevel.SATISFACTORY:
            strengths.append(Strength(code, label(code), last.value, last.date))
        if last.value > first.value:
            progress.append(
                Progress(code, label(code), first.value, first.date, last.value, last.date)
            )
    strengths.sort(key=lambda s: (-int(s.value), s.label.casefold(), s.competency))
    progress.sort(key=lambda p: (-p.steps, p.label.casefold(), p.competency))

    chosen_goals: list[ModuleGoal] = []
    for goal in goals:
        if goal not in chosen_goals:
            chosen_goals.append(goal)
    worked = {g.competency for g in chosen_goals if g.competency and g.timing is GoalTiming.CURRENT}

    mastered = {s.competency for s in strengths}
    working_on: list[WorkItem] = []
    seen: set[str] = set()
    for need in needs:
        if need.level <= 0 or need.competency in seen:
            continue
        seen.add(need.competency)
        working_on.append(
            WorkItem(
                need.competency,
                label(need.competency),
                need.kind,
                in_module=need.competency in worked,
                mastered=need.competency in mastered,
            )
        )

    return PositiveSummary(
        strengths=tuple(strengths),
        progress=tuple(progress),
        goals=tuple(chosen_goals),
        working_on=tuple(working_on),
    )
