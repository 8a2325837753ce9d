"""Shares and the small-cell rule, the values every indicator is written in.

A :class:`Share` keeps its numerator and denominator, so a rate is never shown without what it
was computed on, and small cells can be suppressed (:data:`MIN_CELL`). ``Ref`` and
``StudentId`` are whatever identifiers the caller uses (primary keys, codes).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

Ref = int | str
StudentId = int | str

MIN_CELL = 5
"""Smallest count shown outside the school: counts from 1 to 4 and shares computed on fewer
than 5 people are suppressed (académie view, survey details)."""


def ref_order(key: Ref | None) -> tuple[int, int, str]:
    """Sort key mixing ints and strs deterministically (ints first, then strs, None last)."""
    if key is None:
        return (2, 0, "")
    if isinstance(key, int):
        return (0, key, "")
    return (1, 0, key)


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
