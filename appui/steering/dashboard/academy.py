"""The académie dashboard: several schools compared, no person named, small cells suppressed."""

from __future__ import annotations

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


def comparison_section(spec: IndicatorSpec, values: list[tuple[Any, ind.Value]]) -> Section:
    """One indicator, one row per school."""
    most = max((v for _school, v in values if isinstance(v, int)), default=0)
    return Section(
        key=spec.key,
        title=spec.label,
        seeds=spec.seeds,
        formula=spec.formula,
        headline=value_text(_total([v for _school, v in values]), secret=spec.people),
        detail=_("all the schools you follow"),
        bars=[_school_bar(school.name, value, most) for school, value in values],
        columns=[
            Column("school", _("School")),
            Column("uai", _("UAI")),
            Column("part", _("Count")),
            Column("whole", _("Out of")),
            Column("share", _("Share (%)")),
        ],
        rows=[
            {"school": school.name, "uai": school.uai, **_school_row(spec, value)}
            for school, value in values
        ],
        notes=[
            _("Counts from 1 to %(last)s and shares computed on fewer than %(n)s are hidden.")
            % {"last": ind.MIN_CELL - 1, "n": ind.MIN_CELL}
        ],
    )


def academy_sections(results: list[tuple[Any, Results]]) -> list[Section]:
    """One section per indicator of the académie set, one row per school; shares on fewer
    than 5 people and counts from 1 to 4 are suppressed, and no person is ever named."""
    values = [(school, headline_shares(r)) for school, r in results]
    return [
        comparison_section(spec, [(school, shares[spec.key]) for school, shares in values])
        for spec in ind.academy_indicators()
    ]
