"""What a dashboard shows: a :class:`Section` (headline, chart, table, notes) made of
:class:`Bar` rows, and the French number formats shared by the page and the downloads."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
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

    def cells(self) -> list[list[str]]:
        """The table as shown, one list of texts per row, formatted once in Python (the
        académie table has a row per school and section: thousands of cells): « — » for
        none, dates as dd/mm/yyyy, numbers in the active language's format."""
        keys = [column.key for column in self.columns]
        return [[_cell(row.get(key)) for key in keys] for row in self.rows]

    def table_body(self) -> SafeString:
        """:meth:`cells` as the table's rows, escaped, built in one go (see ``cells``)."""
        return mark_safe(  # noqa: S308  every cell is escaped
            "".join(
                "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
                for row in self.cells()
            )
        )

    def bar_rows(self) -> SafeString:
        """The chart's rows as ``steering/_bars.html`` draws them, built in one go (the
        académie chart has a bar per school and section)."""
        rows = []
        for bar in self.bars:
            track = ""
            if bar.secondary is not None:
                track += f'<span class="bar-secondary pct-w-{_whole(bar.secondary_width)}"></span>'
            track += f'<span class="bar-fill pct-w-{_whole(bar.width)}"></span>'
            if bar.target is not None:
                track += f'<span class="bar-target pct-l-{_whole(bar.target_left)}"></span>'
            flag = f' <span class="badge">{escape(bar.flag)}</span>' if bar.flag else ""
            rows.append(
                f'<li class="bar-row"><span class="bar-label">{escape(bar.label)}</span>'
                f'<span class="bar-track" aria-hidden="true">{track}</span>'
                f'<span class="bar-value">{escape(bar.text)}{flag}</span></li>'
            )
        return mark_safe("".join(rows))  # noqa: S308  every text is escaped

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


def _whole(css_percent: str) -> str:
    """``floatformat:0`` of a CSS percentage: the nearest whole number, halves up."""
    return str(Decimal(css_percent).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(formats.localize(value))


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
