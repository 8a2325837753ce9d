"""Levels appui knows, recognised from 11-character MEF codes.

A MEF code ("module élémentaire de formation") names a training and a year in it. The first
three characters give the scheme, the last digits the cycle's length and the year::

    CAP in 1 year        240.....11.        Bac Pro 2de          247.....31.
    CAP in 2 years       241.....21. / 22.  Bac Pro 1re          247.....32.
    CAP in 3 years       242.....31. / 32. / 33.   Bac Pro Tle   247.....33.
    3e prépa-métiers     1031002611.
    collège 6e 100…, 5e 101…, 4e 102…, 3e 103… (e.g. 10010012110, 10310019110)

For the collège, the year is given within the school cycle the LSU uses: 6e is the last
year of cycle 3, 5e/4e/3e are years 1–3 of cycle 4.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Level", "Scheme", "Track", "level_from_mef"]


class Track(StrEnum):
    """The training a level belongs to.

    ``OTHER`` is a level appui could not recognise from its MEF code: it is created « à
    préciser » and the head says once what it is (the mapping is kept for later imports).
    """

    CAP = "cap"
    BAC_PRO = "bacpro"
    COLLEGE = "college"
    GT = "gt"  # lycée général et technologique: 2nde GT, 1re and Tle générales/technologiques
    MC = "mc"  # mention complémentaire
    BMA = "bma"  # brevet des métiers d'art
    POST_BAC = "postbac"  # BTS and other post-bac classes: stored, no AP by default
    OTHER = "other"

    @property
    def label(self) -> str:
        """French label."""
        return _TRACK_LABELS[self]


_TRACK_LABELS = {
    Track.CAP: "CAP",
    Track.BAC_PRO: "Baccalauréat professionnel",
    Track.COLLEGE: "Collège",
    Track.GT: "Lycée général et technologique",
    Track.MC: "Mention complémentaire",
    Track.BMA: "Brevet des métiers d'art",
    Track.POST_BAC: "Post-bac (BTS…)",
    Track.OTHER: "À préciser",
}


class Scheme(StrEnum):
    """A special scheme a pupil is enrolled in. Need groups do not mix pupils of different
    schemes when the level's rule is on (circulaire de rentrée 2025)."""

    NONE = ""
    SEGPA = "segpa"  # section d'enseignement général et professionnel adapté (collège)
    ULIS = "ulis"  # unité localisée pour l'inclusion scolaire
    UPE2A = "upe2a"  # unité pédagogique pour élèves allophones arrivants

    @property
    def label(self) -> str:
        """French label."""
        return _SCHEME_LABELS[self]


_SCHEME_LABELS = {
    Scheme.NONE: "",
    Scheme.SEGPA: "SEGPA",
    Scheme.ULIS: "ULIS",
    Scheme.UPE2A: "UPE2A (allophones)",
}


@dataclass(frozen=True, slots=True)
class Level:
    """A level recognised from a MEF code.

    ``year`` counts from 1 within a cycle of ``cycle_years`` years; ``school_cycle`` is the
    collège cycle (3 or 4) used by the LSU, ``None`` in vocational tracks.
    """

    track: Track
    year: int
    cycle_years: int
    label: str
    short_label: str
    key: str
    school_cycle: int | None = None


_ORDINALS = {1: "1re", 2: "2e", 3: "3e"}

_BAC_PRO = {
    1: ("Seconde professionnelle", "2de pro"),
    2: ("Première professionnelle", "1re pro"),
    3: ("Terminale professionnelle", "Tle pro"),
}

_COLLEGE = {
    "100": Level(Track.COLLEGE, 3, 3, "Sixième", "6e", "6e", school_cycle=3),
    "101": Level(Track.COLLEGE, 1, 3, "Cinquième", "5e", "5e", school_cycle=4),
    "102": Level(Track.COLLEGE, 2, 3, "Quatrième", "4e", "4e", school_cycle=4),
    "103": Level(Track.COLLEGE, 3, 3, "Troisième", "3e", "3e", school_cycle=4),
}

_PREPA_METIERS = Level(
    Track.COLLEGE, 3, 3, "Troisième prépa-métiers", "3e prépa-métiers", "3e-pm", school_cycle=4
)

_VOCATIONAL = re.compile(r"^(24[0127])[0-9A-Z]{5}(\d)(\d)[0-9A-Z]$")
_CAP_CYCLES = {"240": 1, "241": 2, "242": 3}


def level_from_mef(code: str | None) -> Level | None:
    """The level of a MEF code, or None for a code appui does not know (or a malformed one)."""
    if code is None:
        return None
    code = code.strip().upper()
    if len(code) != 11:
        return None
    if code.startswith("1031002611"):
        return _PREPA_METIERS
    if code[:3] in _COLLEGE and code.isdigit():
        return _COLLEGE[code[:3]]
    match = _VOCATIONAL.match(code)
    if match is None:
        return None
    scheme, length, year = match.group(1), int(match.group(2)), int(match.group(3))
    if scheme == "247":
        if length != 3 or year not in _BAC_PRO:
            return None
        label, short = _BAC_PRO[year]
        return Level(Track.BAC_PRO, year, 3, label, short, f"bacpro-{year}")
    cycle = _CAP_CYCLES[scheme]
    if length != cycle or not 1 <= year <= cycle:
        return None
    if cycle == 1:
        return Level(Track.CAP, 1, 1, "CAP en 1 an", "CAP 1 an", "cap1-1")
    return Level(
        Track.CAP,
        year,
        cycle,
        f"{_ORDINALS[year]} année de CAP en {cycle} ans",
        f"CAP {year}/{cycle}",
        f"cap{cycle}-{year}",
    )
