"""School structure shared by the imports: levels found from MEF codes, names for accounts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

from appui.core.hours import OFFICIAL_VOLUMES
from appui.core.io.mef import Level as MefLevel
from appui.core.io.mef import Track, level_from_mef
from appui.core.usernames import Usernames, slug  # noqa: F401 (names for accounts: one place, core)
from appui.schools.models import Level, MefMapping, SchoolYear, Student
from appui.schools.services import enrolments_record

# Order of the levels on the school page: collège (SEGPA after the ordinary levels), CAP,
# Bac Pro, lycée GT, then MC, BMA, post-bac, and the levels to specify last.
_ORDER = {
    "6e": 10,
    "5e": 11,
    "4e": 12,
    "3e": 13,
    "3e-pm": 14,
    "6e-segpa": 15,
    "5e-segpa": 16,
    "4e-segpa": 17,
    "3e-segpa": 18,
    "2nde-gt": 40,
    "2nde-s": 41,
    "1re-g": 42,
    "1re-t": 43,
    "tle-g": 44,
    "tle-t": 45,
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
_TRACK_ORDER = {Track.MC: 50, Track.BMA: 55, Track.POST_BAC: 60, Track.OTHER: 90}


def mef_mask(code: str, level: MefLevel) -> str:
    """The MEF mask of the level a code belongs to (``.`` = any character).

    Vocational codes keep the scheme (3 characters) and the cycle/year digits; collège codes
    keep their first three characters; 3e prépa-métiers has its own prefix, more specific
    than the other 3e codes (see :func:`best_level`).
    """
    if level.key == "3e-pm":
        return code[:10] + "."
    if level.track in (Track.COLLEGE, Track.GT):
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


def mef_disagreement(
    code: str | None, level: Level, mappings: Mapping[str, MefMapping]
) -> tuple[str, str] | None:
    """Whether a pupil's MEF ``code`` names another level than ``level`` (their class's): None
    when the level's mask takes it (another specialty of the same year does) or there is
    nothing to compare (no code, a level without a mask); else ``("inconnu", code)`` for a
    code neither appui nor the school's ``mappings`` know, or ``("autre", label)`` with the
    level the code names."""
    code = (code or "").strip().upper()
    if not code or not level.mef_mask or level.matches_mef(code):
        return None
    mapping = mappings.get(code)
    if mapping is not None:
        return ("autre", mapping.label)
    recognised = level_from_mef(code)
    if recognised is None:
        return ("inconnu", code)
    return ("autre", recognised.label)


def school_mappings(school) -> dict[str, MefMapping]:
    """The MEF codes the head mapped once for ``school`` (none for a school not saved yet)."""
    if school.pk is None:
        return {}
    return {mapping.mef: mapping for mapping in MefMapping.objects.filter(school=school)}


class LevelResolver:
    """Finds the level of each MEF code in a year, planning the levels that are missing.

    New levels get the name the MEF implies, the MEF mask, and the official yearly AP hours
    with their legal reference when the 2019 reform sets them (CAP, Bac Pro); collège and
    lycée GT levels have no national volume and start at 0 h, to be set by the school;
    post-bac levels have no AP. A code appui does not recognise gets the level the head
    mapped it to once (``mappings``, the school's :class:`MefMapping` by code), or else a
    level « à préciser » (track OTHER, mask = the code) named after ``label_of(code)`` (the
    Nomenclature's label) or the code itself.
    """

    def __init__(
        self,
        year: SchoolYear,
        existing: Iterable[Level],
        *,
        mappings: Mapping[str, MefMapping] | None = None,
        label_of: Callable[[str], str | None] | None = None,
    ) -> None:
        self.year = year
        self.levels = list(existing)
        self.new: list[Level] = []
        self.mappings = mappings or {}
        self.label_of = label_of

    def for_mef(self, code: str | None) -> Level | None:
        if not code:
            return None
        code = code.strip().upper()
        found = best_level(self.levels, code)
        recognised = level_from_mef(code)
        if recognised is None:
            if found is not None:
                return found
            level = self._unknown_level(code)
            self.levels.append(level)
            self.new.append(level)
            return level
        if found is not None and _specificity(found.mef_mask) >= _specificity(
            mef_mask(code, recognised)
        ):
            return found
        # No level yet, or only a broader one (3e for a 3e prépa-métiers code): plan it.
        level = self._new_level(code, recognised)
        self.levels.append(level)
        self.new.append(level)
        return level

    def _short_name(self, short: str, suffix: str) -> str:
        taken = {level.short_name for level in self.levels}
        short = short[:20]
        if short in taken:
            short = f"{short} ({suffix})"[:20]
        return short

    def _unknown_level(self, code: str) -> Level:
        mapping = self.mappings.get(code)
        if mapping is not None:
            return Level(
                year=self.year,
                track=mapping.track,
                year_in_cycle=mapping.year_in_cycle,
                name=mapping.label[:100],
                short_name=self._short_name(mapping.short_name, code),
                mef_mask=code,
                ap_hours=mapping.ap_hours if mapping.has_ap else Decimal("0"),
                has_ap=mapping.has_ap,
                order=_TRACK_ORDER.get(Track(mapping.track), 50),
            )
        label = (self.label_of(code) if self.label_of else None) or f"MEF {code}"
        return Level(
            year=self.year,
            track=Track.OTHER.value,
            year_in_cycle=1,
            name=label[:100],
            short_name=self._short_name(label, code),
            mef_mask=code,
            to_specify=True,
            order=_TRACK_ORDER[Track.OTHER],
        )

    def _new_level(self, code: str, recognised: MefLevel) -> Level:
        short = self._short_name(recognised.short_label, recognised.key)
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
            has_ap=recognised.has_ap,
            order=_ORDER.get(recognised.key, _TRACK_ORDER.get(recognised.track, 50)),
        )


def record_enrolments(year: SchoolYear, students: Iterable[Student]) -> int:
    """Write the enrolments of ``year`` (the current year) of the pupils an import wrote.

    A pupil who left before ``year`` began has no enrolment that year (their history ends
    with their last year), so they are left out. Each pupil once, whatever the list repeats.
    """
    unique = {id(student): student for student in students}.values()
    return enrolments_record(
        year=year,
        students=[s for s in unique if s.exit_date is None or s.exit_date >= year.start_date],
    )
