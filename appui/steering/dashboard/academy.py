"""The académie dashboard: several schools compared, no person named, small cells suppressed."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from appui.core import indicators as ind
from appui.core.indicators import IndicatorSpec, Share
from appui.core.io.tabular import Column

from .display import Bar, Section, _float, count_text, percent, value_text
from .headlines import headline_shares
from .results import Results


def _school_row(spec: IndicatorSpec, value: ind.Value) -> dict[str, Any]:
    if isinstance(value, Share):
        secret = value.suppressed()
        return {
            "part": count_text(value.part, secret=True) if spec.people and not secret else None,
            "whole": count_text(value.whole, secret=True) if spec.people else None,
            "share": None if secret else _float(value.rate),
        }
    if isinstance(value, int):
        return {"part": count_text(value, secret=spec.people), "whole": None, "share": None}
    return {"part": None, "whole": None, "share": _float(value)}


def _school_bar(name: str, value: ind.Value, most: int) -> Bar:
    if isinstance(value, Share):
        return Bar(name, None if value.suppressed() else value.rate, percent(value, secret=True))
    if isinstance(value, int):
        return Bar(name, Decimal(value) / most if most else None, str(value))
    return Bar(name, value, percent(value))


def _total(values: list[ind.Value]) -> ind.Value:
    """All the schools together: shares and counts add up; rates cannot (no total)."""
    counts = [v for v in values if isinstance(v, int)]
    if values and len(counts) == len(values):
        return sum(counts)
    shares = [v for v in values if isinstance(v, Share)]
    return sum(shares, start=Share(0, 0))


@dataclass
class AcademyEntry:
    """One school in the comparison: its school-scope headline values (None: never
    computed yet), the same per period (name, values) for the trend, and whether they are
    being brought up to date (shown « being refreshed »)."""

    school: Any
    values: dict[str, ind.Value] | None
    by_period: list[tuple[str, dict[str, ind.Value]]] = field(default_factory=list)
    stale: bool = False


def _comparable(spec: IndicatorSpec, value: ind.Value) -> Decimal | None:
    """The number schools are ranked and distributed on; None for a hidden or empty cell."""
    if isinstance(value, Share):
        return None if value.suppressed() else value.rate
    if isinstance(value, int):
        return None if spec.people and ind.suppress(value) is None else Decimal(value)
    return value


def _quartiles(numbers: list[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """First quartile, median and third quartile (linear between the closest ranks)."""
    ordered = sorted(numbers)

    def at(q: Decimal) -> Decimal:
        position = q * (len(ordered) - 1)
        low = int(position)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

    return at(Decimal("0.25")), at(Decimal("0.5")), at(Decimal("0.75"))


def _number_text(number: Decimal, *, counts: bool) -> str:
    if counts:
        return str(number.quantize(Decimal("0.1")).normalize()).replace(".", ",")
    return percent(number)


def distribution_note(numbers: list[Decimal], *, counts: bool = False) -> str:
    """Minimum, quartiles, median and maximum across the schools shown (rates, or counts)."""
    if len(numbers) < 2:
        return ""
    q1, median, q3 = _quartiles(numbers)

    def text(n: Decimal) -> str:
        return _number_text(Decimal(n), counts=counts)

    return _(
        "Across %(n)s schools: minimum %(min)s, first quartile %(q1)s, median %(median)s, "
        "third quartile %(q3)s, maximum %(max)s."
    ) % {
        "n": len(numbers),
        "min": text(min(numbers)),
        "q1": text(q1),
        "median": text(median),
        "q3": text(q3),
        "max": text(max(numbers)),
    }


def _ranks(spec: IndicatorSpec, numbers: dict[int, Decimal | None]) -> dict[int, int]:
    """Rank of each school (1 = furthest in the indicator's direction; ties share a rank)."""
    lowest_first = spec.direction == ind.Direction.AT_MOST
    shown = sorted((n for n in numbers.values() if n is not None), reverse=not lowest_first)
    return {index: shown.index(n) + 1 for index, n in numbers.items() if n is not None}


def _trend(
    spec: IndicatorSpec, by_period: list[tuple[str, dict[str, ind.Value]]], texts: dict
) -> str:
    parts = []
    for name, values in by_period:
        value = values.get(spec.key)
        key = (type(value), value)  # 1 and Decimal(1) are equal, not written alike
        if key not in texts:  # the same few values recur: each written once per page
            texts[key] = value_text(value, secret=True)
        parts.append(f"{name} : {texts[key]}")
    return " → ".join(parts)


def comparison_section(spec: IndicatorSpec, entries: list[AcademyEntry]) -> Section:
    """One indicator, one row per school: its value, rank, trend per period; the
    distribution across schools in the notes."""
    values = [(e, e.values.get(spec.key)) for e in entries if e.values is not None]
    most = max((v for _e, v in values if isinstance(v, int)), default=0)
    numbers = {i: _comparable(spec, v) for i, (_e, v) in enumerate(values)}
    ranks = _ranks(spec, numbers)
    refreshing = _("refresh in progress")
    texts: dict[tuple, str] = {}
    notes = [
        _("Counts from 1 to %(last)s and shares computed on fewer than %(n)s are hidden.")
        % {"last": ind.MIN_CELL - 1, "n": ind.MIN_CELL}
    ]
    distribution = distribution_note(
        [n for n in numbers.values() if n is not None],
        counts=bool(values) and all(isinstance(v, int) for _e, v in values),
    )
    if distribution:
        notes.insert(0, distribution)
    waiting = [e.school.name for e in entries if e.values is None]
    if waiting:
        notes.append(
            _("Not computed yet (refresh in progress): %(schools)s.")
            % {"schools": ", ".join(waiting)}
        )
    return Section(
        key=spec.key,
        title=spec.label,
        seeds=spec.seeds,
        formula=spec.formula,
        headline=value_text(_total([v for _e, v in values]), secret=spec.people),
        detail=_("all the schools you follow"),
        bars=[
            _school_bar(
                f"{e.school.name} ({refreshing})" if e.stale else e.school.name, value, most
            )
            for e, value in values
        ],
        columns=[
            Column("school", _("School")),
            Column("uai", _("UAI")),
            Column("part", _("Count")),
            Column("whole", _("Out of")),
            Column("share", _("Share (%)")),
            Column("rank", _("Rank")),
            Column("trend", _("Per period")),
            Column("status", _("Status")),
        ],
        rows=[
            {
                "school": e.school.name,
                "uai": e.school.uai,
                **_school_row(spec, value),
                "rank": ranks.get(i),
                "trend": _trend(spec, e.by_period, texts),
                "status": refreshing if e.stale else "",
            }
            for i, (e, value) in enumerate(values)
        ],
        notes=notes,
    )


def academy_comparison(entries: list[AcademyEntry]) -> list[Section]:
    """One section per indicator of the académie set, one row per school; shares on fewer
    than 5 people and counts from 1 to 4 are suppressed, and no person is ever named."""
    return [comparison_section(spec, entries) for spec in ind.academy_indicators()]


def academy_sections(results: list[tuple[Any, Results]]) -> list[Section]:
    """:func:`academy_comparison` of schools computed from their records."""
    return academy_comparison([AcademyEntry(school, headline_shares(r)) for school, r in results])
