"""What a dashboard shows: a :class:`Section` (headline, chart, table, notes) made of
:class:`Bar` rows, and the French number formats shared by the page and the downloads."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from appui.core import indicators as ind
from appui.core.indicators import Share
from appui.core.io.tabular import Column

HUNDRED = Decimal(100)


@dataclass
class Bar:
    """One bar of a chart: ``value`` (0–1) filled, ``secondary`` (0–1) lighter behind it."""

    label: str
    value: Decimal | None
    text: str
    secondary: Decimal | None = None
    target: Decimal | None = None
    flag: str = ""

    @property
    def width(self) -> str:
        return _css_percent(self.value)

    @property
    def secondary_width(self) -> str:
        return _css_percent(self.secondary)

    @property
    def target_left(self) -> str:
        return _css_percent(self.target)


def _css_percent(value: Decimal | None) -> str:
    if value is None:
        return "0"
    clamped = min(max(Decimal(value), Decimal(0)), Decimal(1))
    return str((clamped * HUNDRED).quantize(Decimal("0.1")))


@dataclass
class Section:
    """An indicator as shown: headline, chart, table (also the download) and notes."""

    key: str
    title: str
    seeds: str
    formula: str
    headline: str
    detail: str = ""
    bars: list[Bar] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    names: list[Any] = field(default_factory=list)
    empty: str = ""
    downloads: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, key: str, headline: str, **kwargs) -> Section:
        """Section ``key`` of :func:`appui.core.indicators.sections`, with the label, seeds and
        formula of the indicators it shows."""
        specs = ind.sections()[key]
        if len(specs) == 1:
            title, seeds = specs[0].label, specs[0].seeds
        else:
            title = " ; ".join(spec.label for spec in specs)
            seeds = " ; ".join(f"{spec.label} : {spec.seeds}" for spec in specs)
        kwargs.setdefault("title", title)
        return cls(
            key=key,
            seeds=seeds,
            formula=" ".join(spec.formula for spec in specs),
            headline=headline,
            **kwargs,
        )


def percent(share: Share | Decimal | None, *, secret: bool = False) -> str:
    """French percentage of a share or a rate (0–1); « secret » when the cell is too small."""
    if isinstance(share, Share):
        if secret and share.suppressed():
            return fewer_than()
        rate = share.rate
    else:
        rate = share
    if rate is None:
        return "—"
    value = (Decimal(rate) * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value} %".replace(".", ",")


def fewer_than() -> str:
    """What replaces a small cell (see ``indicators.is_detailed``)."""
    return _("fewer than %(n)s") % {"n": ind.MIN_CELL}


def value_text(value: ind.Value, *, secret: bool = False) -> str:
    """A headline value as read: a percentage for a share or a rate, the number for a count."""
    if isinstance(value, int):
        return str(count_text(value, secret=secret))
    return percent(value, secret=secret)


def _decimal(value: Decimal | int | None) -> str:
    """A number in French notation (decimal comma), « — » for none."""
    return "—" if value is None else str(value).replace(".", ",")


def _float(rate: Decimal | None) -> float | None:
    return None if rate is None else float((Decimal(rate) * HUNDRED).quantize(Decimal("0.1")))


def _hours(minutes: int) -> float:
    return float((Decimal(minutes) / 60).quantize(Decimal("0.01")))


def count_text(count: int, *, secret: bool = False) -> str | int:
    if secret and ind.suppress(count) is None:
        return fewer_than()
    return count
