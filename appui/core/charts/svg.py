"""The charts of the progress pages, as SVG strings.

Coordinates are computed in a fixed ``viewBox``; every text goes through :func:`_text` (XML
escaping), every number through :func:`_n` (no locale, two decimals at most).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

WIDTH = 640
# Colours dark enough for a 3:1 contrast on white (graphics, WCAG 1.4.11); never alone:
# each series also has its own marker shape and its name in the legend.
COLOURS = ("#1d4ed8", "#b45309", "#047857", "#7e22ce", "#be123c", "#374151")
SHAPES = ("circle", "square", "triangle", "diamond")
AXIS = "#4b5563"
BAND_FILL = "#e5e7eb"
# An estimate of the width of one character at font-size 12 (sans-serif averages ~0.55 em):
# enough to keep labels apart, without measuring text (no font metrics on the server).
CHAR_WIDTH = 6.6
# Band labels go on up to this many lines above the plot; consecutive points of a series are
# drawn at least MIN_STEP apart so that a diagnosis and a mark a few days later read as two
# points, not as a vertical stroke.
LABEL_LINES = 3
LINE_HEIGHT = 14
MIN_STEP = 14.0


@dataclass(frozen=True)
class Point:
    """One value of a series on a day; ``hollow`` draws the marker as an outline (used for the
    progress marks, the diagnoses being filled)."""

    day: dt.date
    value: float
    hollow: bool = False


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[Point] = field(default_factory=tuple)


@dataclass(frozen=True)
class Band:
    """A shaded span of days (a module's period), labelled."""

    start: dt.date
    end: dt.date
    label: str


def _n(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _text(value: object) -> str:
    return escape(str(value))


def _open(height: int, title: str, desc: str, ident: str) -> list[str]:
    ident = "".join(c for c in ident if c.isalnum() or c in "-_") or "chart"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}"'
        f' role="img" aria-labelledby="{ident}-t {ident}-d" font-family="sans-serif"'
        ' font-size="12">',
        f'<title id="{ident}-t">{_text(title)}</title>',
        f'<desc id="{ident}-d">{_text(desc)}</desc>',
    ]


def _marker(shape: str, x: float, y: float, colour: str, hollow: bool) -> str:
    fill = "#ffffff" if hollow else colour
    paint = f'fill="{fill}" stroke="{colour}" stroke-width="2"'
    if shape == "square":
        return f'<rect x="{_n(x - 4.5)}" y="{_n(y - 4.5)}" width="9" height="9" {paint}/>'
    if shape == "triangle":
        pts = f"{_n(x)},{_n(y - 6)} {_n(x + 5.5)},{_n(y + 4)} {_n(x - 5.5)},{_n(y + 4)}"
        return f'<polygon points="{pts}" {paint}/>'
    if shape == "diamond":
        pts = f"{_n(x)},{_n(y - 6)} {_n(x + 6)},{_n(y)} {_n(x)},{_n(y + 6)} {_n(x - 6)},{_n(y)}"
        return f'<polygon points="{pts}" {paint}/>'
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="5" {paint}/>'


def line_chart(
    series: Sequence[Series],
    bands: Sequence[Band] = (),
    *,
    title: str,
    desc: str,
    y_labels: Sequence[str] = ("MI", "MF", "MS", "TBM"),
    empty: str = "No data",
    ident: str = "chart",
    start: dt.date | None = None,
    end: dt.date | None = None,
    note: str = "",
) -> str:
    """Levels over time: one line per series (``y_labels[i]`` is the level ``i + 1``), the
    ``bands`` shaded behind them with their label on top, a legend below.

    ``start``/``end`` fix the time axis (the school year); by default it spans the data.
    ``note`` is a line under the legend (e.g. what filled and hollow markers mean).
    """
    days = [p.day for s in series for p in s.points] + [d for b in bands for d in (b.start, b.end)]
    legend_rows = (len(series) + 2) // 3
    lines = min(LABEL_LINES, max(len(bands), 1)) if bands else 1
    top = 16 + LINE_HEIGHT * lines + 14
    bottom = top + 166
    height = bottom + 30 + 20 * legend_rows + (20 if note else 0)
    out = _open(height, title, desc, ident)
    left, right = 60, WIDTH - 16
    if not days:
        out.append(f'<text x="{WIDTH // 2}" y="110" text-anchor="middle">{_text(empty)}</text>')
        out.append("</svg>")
        return "".join(out)
    first = start or min(days)
    last = end or max(days)
    if last <= first:
        first, last = first - dt.timedelta(days=7), first + dt.timedelta(days=7)
    span = (last - first).days
    levels = len(y_labels)

    def x_of(day: dt.date) -> float:
        day = min(max(day, first), last)
        return left + (right - left) * (day - first).days / span

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * (value - 1) / max(levels - 1, 1)

    placed = [(x_of(b.start), x_of(b.end), b.label) for b in bands]
    for x0, x1, _label in placed:
        out.append(
            f'<rect x="{_n(x0)}" y="{top - LINE_HEIGHT * lines - 8}" width="{_n(max(x1 - x0, 2))}"'
            f' height="{bottom - top + LINE_HEIGHT * lines + 8}" fill="{BAND_FILL}"/>'
        )
    for x, line, label in _label_lines(placed, lines, right):
        out.append(
            f'<text x="{_n(x + 3)}" y="{top - 8 - LINE_HEIGHT * line}" fill="#111827">'
            f"{_text(label)}</text>"
        )
    for i, label in enumerate(y_labels):
        y = y_of(i + 1)
        out.append(
            f'<line x1="{left}" y1="{_n(y)}" x2="{right}" y2="{_n(y)}" stroke="#d1d5db"'
            ' stroke-dasharray="3 3"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{_n(y + 4)}" text-anchor="end" fill="{AXIS}">'
            f"{_text(label)}</text>"
        )
    out.append(
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{AXIS}"/>'
        f'<text x="{left}" y="{bottom + 18}" fill="{AXIS}">{first:%d/%m/%Y}</text>'
        f'<text x="{right}" y="{bottom + 18}" text-anchor="end" fill="{AXIS}">'
        f"{last:%d/%m/%Y}</text>"
    )
    for index, one in enumerate(series):
        colour, shape = COLOURS[index % len(COLOURS)], SHAPES[index % len(SHAPES)]
        points = sorted(one.points, key=lambda p: p.day)
        xs = _spread([x_of(p.day) for p in points], left, right)
        if len(points) > 1:
            path = " ".join(f"{_n(x)},{_n(y_of(p.value))}" for x, p in zip(xs, points, strict=True))
            out.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        out.extend(
            _marker(shape, x, y_of(p.value), colour, p.hollow)
            for x, p in zip(xs, points, strict=True)
        )
        row, col = divmod(index, 3)
        lx, ly = left + col * 200, bottom + 40 + row * 20
        out.append(_marker(shape, lx, ly - 4, colour, False))
        label = one.label if len(one.label) <= 28 else one.label[:27] + "…"
        out.append(f'<text x="{lx + 10}" y="{ly}" fill="#111827">{_text(label)}</text>')
    if note:
        out.append(
            f'<text x="{left}" y="{bottom + 40 + legend_rows * 20}" fill="{AXIS}">'
            f"{_text(note)}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _label_lines(
    bands: Sequence[tuple[float, float, str]], lines: int, right: float
) -> list[tuple[float, int, str]]:
    """Each band's label (x, line, text) on the first of ``lines`` text lines where it does
    not run into the previous label of that line. When every line is taken it goes on the line
    that frees first, just after that line's label; a label is cut with « … » where it would
    pass the right edge or 40 characters."""
    ends = [float("-inf")] * lines
    placed: list[tuple[float, int, str]] = []
    for x0, _x1, label in sorted(bands, key=lambda band: band[0]):
        free = [k for k in range(lines) if ends[k] <= x0]
        line = free[0] if free else min(range(lines), key=ends.__getitem__)
        x = max(x0, ends[line])
        room = right - x
        if len(label) > 40:
            label = label[:39] + "…"
        if CHAR_WIDTH * len(label) + 6 > room:
            label = label[: max(int((room - 6) / CHAR_WIDTH) - 1, 3)] + "…"
        placed.append((x, line, label))
        ends[line] = x + CHAR_WIDTH * len(label) + 6
    return placed


def _spread(xs: Sequence[float], left: float, right: float) -> list[float]:
    """``xs`` (sorted) moved apart so that neighbours are at least :data:`MIN_STEP` apart,
    staying inside ``left``–``right``: each point keeps its order and moves as little as the
    spacing allows (a diagnosis and a progress mark three days later stay two markers)."""
    if not xs:
        return []
    out = [max(xs[0], left)]
    for x in xs[1:]:
        out.append(max(x, out[-1] + MIN_STEP))
    overflow = out[-1] - right
    if overflow > 0:
        # Shift back from the right edge, keeping the spacing, but never past ``left``.
        out[-1] = right
        for i in range(len(out) - 2, -1, -1):
            out[i] = max(min(out[i], out[i + 1] - MIN_STEP), left)
    return out


def distribution_bars(
    categories: Sequence[str],
    before: Sequence[int],
    after: Sequence[int],
    *,
    title: str,
    desc: str,
    before_label: str = "Before",
    after_label: str = "After",
    empty: str = "No data",
    ident: str = "chart",
) -> str:
    """Counts per category, before and after side by side: "before" bars are hatched and
    light, "after" bars solid; each bar carries its count."""
    if len(before) != len(categories) or len(after) != len(categories):
        raise ValueError("one count per category, before and after")
    height = 250
    out = _open(height, title, desc, ident)
    top, bottom, left, right = 20, 190, 40, WIDTH - 16
    most = max([*before, *after, 0])
    if not categories or most == 0:
        out.append(f'<text x="{WIDTH // 2}" y="110" text-anchor="middle">{_text(empty)}</text>')
        out.append("</svg>")
        return "".join(out)
    out.append(
        f'<defs><pattern id="{ident}-hatch" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)"><rect width="6" height="6" fill="#dbeafe"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{COLOURS[0]}" stroke-width="2"/>'
        "</pattern></defs>"
    )
    slot = (right - left) / len(categories)
    bar = min(slot * 0.35, 60)
    for i, name in enumerate(categories):
        centre = left + slot * (i + 0.5)
        for value, x, paint in (
            (before[i], centre - bar - 2, f'fill="url(#{ident}-hatch)" stroke="{COLOURS[0]}"'),
            (after[i], centre + 2, f'fill="{COLOURS[0]}"'),
        ):
            h = (bottom - top - 16) * value / most
            out.append(
                f'<rect x="{_n(x)}" y="{_n(bottom - h)}" width="{_n(bar)}" height="{_n(h)}"'
                f" {paint}/>"
            )
            out.append(
                f'<text x="{_n(x + bar / 2)}" y="{_n(bottom - h - 4)}" text-anchor="middle"'
                f' fill="#111827">{value}</text>'
            )
        out.append(
            f'<text x="{_n(centre)}" y="{bottom + 18}" text-anchor="middle" fill="{AXIS}">'
            f"{_text(name)}</text>"
        )
    out.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{AXIS}"/>')
    ly = bottom + 44
    out.append(
        f'<rect x="{left}" y="{ly - 11}" width="14" height="14" fill="url(#{ident}-hatch)"'
        f' stroke="{COLOURS[0]}"/><text x="{left + 20}" y="{ly}" fill="#111827">'
        f"{_text(before_label)}</text>"
        f'<rect x="{left + 220}" y="{ly - 11}" width="14" height="14" fill="{COLOURS[0]}"/>'
        f'<text x="{left + 240}" y="{ly}" fill="#111827">{_text(after_label)}</text>'
    )
    out.append("</svg>")
    return "".join(out)
