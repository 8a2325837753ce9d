"""Levels appui knows, recognised from 11-character MEF codes, and the pupils' special schemes.

A MEF code ("module élémentaire de formation") names a training and a year in it. The first
three characters give the dispositif (the kind of training), characters 9 and 10 the cycle's
length and the year in it::

    collège 6e 100…, 5e 101…, 4e 102…, 3e 103… (e.g. 10010012110, 10310019110)
    3e prépa-métiers      1031002611.
    SEGPA 6e 164…, 5e 165…, 4e 166…, 3e 167…           (collège, scheme SEGPA)
    2nde GT 200…, 1re générale 201…, Tle générale 202…   (lycée général et technologique)
    2nde spécifique 210…, 1re technologique 211…, Tle technologique 212… (STMG, STI2D…)
    CAP in 1 year         240.....11.        Bac Pro 2de          247.....31.
    CAP in 2 years        241.....21. / 22.  Bac Pro 1re          247.....32.
    CAP in 3 years        242.....31. / 32. / 33.   Bac Pro Tle   247.....33.
    BMA                   250/251 .....21. / 22.   (brevet des métiers d'art, 2 years)
    MC                    253/254 .....11.         (mention complémentaire, 1 year)
    post-bac              3…, e.g. BTS 320…–329… .....21. / 22.  (no AP by default)

For the collège, the year is given within the school cycle the LSU uses: 6e is the last
year of cycle 3, 5e/4e/3e are years 1–3 of cycle 4. The lycée général et technologique
counts 2nde, 1re and Tle as years 1–3. Any other code (203–209, a dispositif appui does not
know, a malformed code) gives ``None``: the import creates its level « à préciser » and the
head says once what it is.

Special schemes (:func:`scheme_of`): SEGPA pupils have their own MEF codes (164–167). ULIS
and UPE2A pupils usually keep the MEF of their ordinary class and are marked by a group or a
dispositif; appui therefore also looks, in this order, for the words ``SEGPA``, ``ULIS`` or
``UPE2A`` (case and accents ignored) in the division code and the group codes (anywhere in a
code: ``6SEGPA``, ``ULIS1``, ``GR-UPE2A``), then at the start of a word of the Nomenclature's
label of the MEF.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Level", "Scheme", "Track", "level_from_mef", "scheme_of"]


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
    collège cycle (3 or 4) used by the LSU, ``None`` elsewhere. ``scheme`` is the special
    scheme every pupil of the level is in (SEGPA levels); ``has_ap`` is False for the levels
    without accompagnement personnalisé by default (post-bac).
    """

    track: Track
    year: int
    cycle_years: int
    label: str
    short_label: str
    key: str
    school_cycle: int | None = None
    scheme: Scheme = Scheme.NONE
    has_ap: bool = True


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
    "164": Level(Track.COLLEGE, 3, 3, "Sixième SEGPA", "6e SEGPA", "6e-segpa", 3, Scheme.SEGPA),
    "165": Level(Track.COLLEGE, 1, 3, "Cinquième SEGPA", "5e SEGPA", "5e-segpa", 4, Scheme.SEGPA),
    "166": Level(Track.COLLEGE, 2, 3, "Quatrième SEGPA", "4e SEGPA", "4e-segpa", 4, Scheme.SEGPA),
    "167": Level(Track.COLLEGE, 3, 3, "Troisième SEGPA", "3e SEGPA", "3e-segpa", 4, Scheme.SEGPA),
}

_GT = {
    "200": Level(Track.GT, 1, 3, "Seconde générale et technologique", "2nde GT", "2nde-gt"),
    "201": Level(Track.GT, 2, 3, "Première générale", "1re G", "1re-g"),
    "202": Level(Track.GT, 3, 3, "Terminale générale", "Tle G", "tle-g"),
    "210": Level(Track.GT, 1, 3, "Seconde spécifique", "2nde spécifique", "2nde-s"),
    "211": Level(Track.GT, 2, 3, "Première technologique", "1re techno", "1re-t"),
    "212": Level(Track.GT, 3, 3, "Terminale technologique", "Tle techno", "tle-t"),
}

_PREPA_METIERS = Level(
    Track.COLLEGE, 3, 3, "Troisième prépa-métiers", "3e prépa-métiers", "3e-pm", school_cycle=4
)

# Dispositif (3 characters), 5 free characters, cycle length, year, 1 free character.
_VOCATIONAL = re.compile(r"^(2[45][0-9])[0-9A-Z]{5}(\d)(\d)[0-9A-Z]$")
_POST_BAC = re.compile(r"^(3[0-9]{2})[0-9A-Z]{5}(\d)(\d)[0-9A-Z]$")
_CAP_CYCLES = {"240": 1, "241": 2, "242": 3}
_BMA = {"250", "251"}
_MC = {"253", "254"}


def level_from_mef(code: str | None) -> Level | None:
    """The level of a MEF code, or None for a code appui does not know (or a malformed one)."""
    if code is None:
        return None
    code = code.strip().upper()
    if len(code) != 11:
        return None
    if code.startswith("1031002611"):
        return _PREPA_METIERS
    if code.isdigit() and code[:3] in _COLLEGE:
        return _COLLEGE[code[:3]]
    if code.isdigit() and code[:3] in _GT:
        return _GT[code[:3]]
    match = _VOCATIONAL.match(code)
    if match is not None:
        dispositif, length, year = match.group(1), int(match.group(2)), int(match.group(3))
        return _vocational(dispositif, length, year)
    match = _POST_BAC.match(code)
    if match is not None:
        dispositif, length, year = match.group(1), int(match.group(2)), int(match.group(3))
        return _post_bac(dispositif, length, year)
    return None


def _vocational(dispositif: str, length: int, year: int) -> Level | None:
    if dispositif == "247":
        if length != 3 or year not in _BAC_PRO:
            return None
        label, short = _BAC_PRO[year]
        return Level(Track.BAC_PRO, year, 3, label, short, f"bacpro-{year}")
    if dispositif in _CAP_CYCLES:
        cycle = _CAP_CYCLES[dispositif]
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
    if dispositif in _BMA and 1 <= length <= 3 and 1 <= year <= length:
        return Level(
            Track.BMA,
            year,
            length,
            f"{_ORDINALS[year]} année de brevet des métiers d'art",
            f"BMA {year}/{length}",
            f"bma{length}-{year}",
        )
    if dispositif in _MC and length == 1 and year == 1:
        return Level(Track.MC, 1, 1, "Mention complémentaire", "MC", f"mc-{dispositif}")
    return None


def _post_bac(dispositif: str, length: int, year: int) -> Level | None:
    if not (1 <= length <= 3 and 1 <= year <= length):
        return None
    if dispositif.startswith("32"):
        return Level(
            Track.POST_BAC,
            year,
            length,
            f"{_ORDINALS[year]} année de BTS",
            f"BTS {year}/{length}",
            f"bts{length}-{year}",
            has_ap=False,
        )
    return Level(
        Track.POST_BAC,
        year,
        length,
        f"Post-bac, {_ORDINALS[year]} année",
        f"Post-bac {year}/{length}",
        f"postbac-{dispositif}-{length}-{year}",
        has_ap=False,
    )


# ----------------------------------------------------------------------------- schemes

_SCHEME_WORDS = (("SEGPA", Scheme.SEGPA), ("ULIS", Scheme.ULIS), ("UPE2A", Scheme.UPE2A))
_WORDS = re.compile(r"[A-Z0-9]+")


def _scheme_in(text: str | None, *, code: bool) -> Scheme | None:
    """The scheme named in ``text``: in a code, anywhere in a word (``6SEGPA``, ``ULIS1``);
    in a label, at the start of a word (so that no ordinary French word matches)."""
    if not text:
        return None
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()
    for word in _WORDS.findall(plain):
        for name, scheme in _SCHEME_WORDS:
            if (name in word) if code else word.startswith(name):
                return scheme
    return None


def scheme_of(
    mef_code: str | None,
    *,
    division: str | None = None,
    groups: Iterable[str] = (),
    mef_label: str | None = None,
) -> Scheme:
    """A pupil's special scheme: from the MEF (SEGPA), else the first of the division code,
    the group codes and the Nomenclature's MEF label that names one; ``Scheme.NONE``."""
    level = level_from_mef(mef_code)
    if level is not None and level.scheme is not Scheme.NONE:
        return level.scheme
    for text in (division, *groups):
        scheme = _scheme_in(text, code=True)
        if scheme is not None:
            return scheme
    return _scheme_in(mef_label, code=False) or Scheme.NONE
