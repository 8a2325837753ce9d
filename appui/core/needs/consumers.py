"""What other parts read from profiles: the grouping solver's needs and per-level counts."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from .keys import need_key
from .records import NeedProfile
from .vocabulary import NeedKind


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
    ``<code>+`` (:func:`~appui.core.needs.keys.need_key`) so that a deepening module can
    focus on ``FR.ECR+`` while a soutien module focuses on ``FR.ECR``, and strong and
    struggling students are not mixed. Keys are sorted.
    """
    values = dict.fromkeys(competencies, 0)
    if split_deepening:
        values.update(dict.fromkeys((need_key(c, True) for c in list(values)), 0))
    for need in profile.needs:
        level = int(need.level) if kinds is None or need.kind in kinds else 0
        if split_deepening and need.kind is NeedKind.DEEPENING:
            values[need_key(need.competency, True)] = level
            values.setdefault(need.competency, 0)
        else:
            values[need.competency] = level
            if split_deepening:
                values.setdefault(need_key(need.competency, True), 0)
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
