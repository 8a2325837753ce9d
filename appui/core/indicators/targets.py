"""Units, target directions and the target status of a measured value."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum


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
