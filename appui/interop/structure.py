"""School structure shared by the imports: levels found from MEF codes, names for accounts."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from appui.core.hours import OFFICIAL_VOLUMES
from appui.core.io.mef import Level as MefLevel
from appui.core.io.mef import level_from_mef
from appui.core.usernames import Usernames, slug  # noqa: F401 (names for accounts: one place, core)
from appui.schools.models import Level, SchoolYear

# Order of the levels on the school page: collège first, then CAP, then Bac Pro.
_ORDER = {
    "6e": 10,
    "5e": 11,
    "4e": 12,
    "3e": 13,
    "3e-pm": 14,
    "cap1-1": 20,
    "cap2-1": 21,
    "cap2-2": 22,
    "cap3-1": 23,
    "cap3-2": 24,
    "cap3-3": 25,
    "bacpro-1": 31,
    "bacpro-2": 32,
    "bacpro-3": 33,
}


def mef_mask(code: str, level: MefLevel) -> str:
    """The MEF mask of the level a code belongs to (``.`` = any character).

    Vocational codes keep the scheme (3 characters) and the cycle/year digits; collège codes
    keep their first three characters; 3e prépa-métiers has its own prefix, more specific
    than the other 3e codes (see :func:`best_level`).
    """
    if level.key == "3e-pm":
        return code[:10] + "."
    if code[:3] in {"100", "101", "102", "103"}:
        return code[:3] + "." * 8
    return code[:3] + "....." + code[8:10] + "."


def _specificity(mask: str) -> int:
    return len(mask.replace(".", ""))


def best_level(levels: Iterable[Level], code: str) -> Level | None:
    """The level whose mask matches ``code``; the most specific mask wins."""
    matching = [level for level in levels if level.matches_mef(code)]
    if not matching:
        return None
    return max(matching, key=lambda level: _specificity(level.mef_mask))


class LevelResolver:
    """Finds the level of each MEF code in a year, planning the levels that are missing.

    New levels get the name the MEF implies, the MEF mask, and the official yearly AP hours
    with their legal reference when the 2019 reform sets them (CAP, Bac Pro); collège levels
    have no national volume and start at 0 h, to be set by the school.
    """

    def __init__(self, year: SchoolYear, existing: Iterable[Level]) -> None:
        self.year = year
        self.levels = list(existing)
        self.new: list[Level] = []

    def for_mef(self, code: str | None) -> Level | None:
        if not code:
            return None
        code = code.strip().upper()
        found = best_level(self.levels, code)
        recognised = level_from_mef(code)
        if recognised is None:
            return found
        if found is not None and _specificity(found.mef_mask) >= _specificity(
            mef_mask(code, recognised)
        ):
            return found
        # No level yet, or only a broader one (3e for a 3e prépa-métiers code): plan it.
        level = self._new_level(code, recognised)
        self.levels.append(level)
        self.new.append(level)
        return level

    def _new_level(self, code: str, recognised: MefLevel) -> Level:
        taken = {level.short_name for level in self.levels}
        short = recognised.short_label
        if short in taken:
            short = f"{short} ({recognised.key})"[:20]
        volume = OFFICIAL_VOLUMES.get(recognised.key)
        return Level(
            year=self.year,
            track=recognised.track.value,
            year_in_cycle=recognised.year,
            name=recognised.label,
            short_name=short,
            mef_mask=mef_mask(code, recognised),
            ap_hours=(Decimal(volume.due_minutes) / 60).quantize(Decimal("0.1"))
            if volume
            else Decimal("0"),
            hours_reference=volume.reference if volume else "",
            order=_ORDER.get(recognised.key, 50),
        )
