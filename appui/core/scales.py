"""Assessment scales: the LSU four-level scale and numeric scores mapped onto it.

Diagnostic campaigns use the four-level scale of the Livret scolaire unique (LSU) by default;
seed 000 (« Organisation pédagogique ») asks how the diagnosis is linked with the LSU. A
campaign may also record numeric scores from 0 to 100 (positioning tests), which are mapped onto
the same four levels so that every result has one meaning downstream (need profiles, heatmaps).

Thresholds for scores (``DEFAULT_THRESHOLDS``), four bands of equal width:

====================  ==========================
score                 level
====================  ==========================
0 ≤ s < 25            1 — maîtrise insuffisante
25 ≤ s < 50           2 — maîtrise fragile
50 ≤ s < 75           3 — maîtrise satisfaisante
75 ≤ s ≤ 100          4 — très bonne maîtrise
====================  ==========================

Equal bands keep the mapping explainable to teachers; a school that calibrated a test
differently can pass its own :class:`ScoreThresholds`.

User input (grid cells, imported files) is parsed by :func:`parse_assessment`: ``1``–``4``,
the codes ``MI``/``MF``/``MS``/``TBM``, the labels (with or without accents), ``abs`` (absent)
and ``disp`` (dispensé) for a student who was not assessed, and, on a numeric campaign, a score.
Errors are :class:`ScaleError` with a French message ready to show.

Plain Python: this module never imports Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum, IntEnum, StrEnum

from appui.core.text import fold

__all__ = [
    "DEFAULT_THRESHOLDS",
    "Assessment",
    "LsuLevel",
    "NotAssessed",
    "Scale",
    "ScaleError",
    "ScoreThresholds",
    "format_assessment",
    "level_from_score",
    "parse_assessment",
    "parse_score",
]


class LsuLevel(IntEnum):
    """The four LSU levels of mastery; the integer value is the LSU position 1–4."""

    INSUFFICIENT = 1
    FRAGILE = 2
    SATISFACTORY = 3
    VERY_GOOD = 4

    @property
    def label(self) -> str:
        """French label as printed in the LSU."""
        return _LSU_LABELS[self]

    @property
    def code(self) -> str:
        """Short code used in grids and imports (MI, MF, MS, TBM)."""
        return _LSU_CODES[self]


_LSU_LABELS = {
    LsuLevel.INSUFFICIENT: "Maîtrise insuffisante",
    LsuLevel.FRAGILE: "Maîtrise fragile",
    LsuLevel.SATISFACTORY: "Maîtrise satisfaisante",
    LsuLevel.VERY_GOOD: "Très bonne maîtrise",
}
_LSU_CODES = {
    LsuLevel.INSUFFICIENT: "MI",
    LsuLevel.FRAGILE: "MF",
    LsuLevel.SATISFACTORY: "MS",
    LsuLevel.VERY_GOOD: "TBM",
}


class NotAssessed(Enum):
    """Why a student has no level for a competency in a campaign."""

    ABSENT = "abs"
    EXEMPT = "disp"
    NOT_EVALUATED = "ne"

    @property
    def label(self) -> str:
        """French label."""
        return _NOT_ASSESSED_LABELS[self]

    @property
    def code(self) -> str:
        """Short code typed in grids (abs, disp, ne)."""
        return self.value


_NOT_ASSESSED_LABELS = {
    NotAssessed.ABSENT: "Absent",
    NotAssessed.EXEMPT: "Dispensé",
    NotAssessed.NOT_EVALUATED: "Non évalué",
}

Assessment = LsuLevel | NotAssessed
"""What one cell of a diagnostic grid holds once parsed."""


class Scale(StrEnum):
    """The scale a campaign records its results on."""

    LSU = "lsu"
    SCORE_100 = "score100"

    @property
    def label(self) -> str:
        """French label."""
        return {
            Scale.LSU: "Échelle LSU à quatre niveaux",
            Scale.SCORE_100: "Note de 0 à 100",
        }[self]


class ScaleError(ValueError):
    """A value that cannot be read on the campaign's scale; ``str(error)`` is French."""

    def __init__(self, message: str, value: object) -> None:
        super().__init__(message)
        self.value = value


@dataclass(frozen=True)
class ScoreThresholds:
    """Lower bounds (inclusive) of levels 2, 3 and 4 on a 0–100 score.

    A score below ``fragile`` is level 1; from ``fragile`` (inclusive) to ``satisfactory``
    (exclusive) level 2; and so on. Bounds must satisfy 0 < fragile < satisfactory <
    very_good ≤ 100.
    """

    fragile: Decimal = Decimal(25)
    satisfactory: Decimal = Decimal(50)
    very_good: Decimal = Decimal(75)

    def __post_init__(self) -> None:
        bounds = (self.fragile, self.satisfactory, self.very_good)
        if not (Decimal(0) < bounds[0] < bounds[1] < bounds[2] <= Decimal(100)):
            raise ValueError(
                "Seuils invalides : il faut 0 < fragile < satisfaisante < très bonne ≤ 100."
            )


DEFAULT_THRESHOLDS = ScoreThresholds()
"""Four equal bands: <25, <50, <75, ≥75."""

SCORE_MIN = Decimal(0)
SCORE_MAX = Decimal(100)


def _as_decimal(score: int | float | Decimal) -> Decimal:
    if isinstance(score, bool):  # bool is an int: refuse it rather than read True as 1
        raise ScaleError(f"Note « {score} » invalide : saisir un nombre entre 0 et 100.", score)
    value = Decimal(repr(score)) if isinstance(score, float) else Decimal(score)
    if not value.is_finite():
        raise ScaleError(f"Note « {score} » invalide : saisir un nombre entre 0 et 100.", score)
    return value


def level_from_score(
    score: int | float | Decimal, thresholds: ScoreThresholds = DEFAULT_THRESHOLDS
) -> LsuLevel:
    """Map a score between 0 and 100 (inclusive) to an LSU level.

    >>> level_from_score(24.9), level_from_score(25), level_from_score(100)
    (<LsuLevel.INSUFFICIENT: 1>, <LsuLevel.FRAGILE: 2>, <LsuLevel.VERY_GOOD: 4>)

    Raises :class:`ScaleError` when the score is outside 0–100.
    """
    value = _as_decimal(score)
    if value < SCORE_MIN or value > SCORE_MAX:
        raise ScaleError(
            f"Note « {_format_decimal(value)} » hors de l'échelle : saisir un nombre entre 0 et 100.",
            score,
        )
    if value >= thresholds.very_good:
        return LsuLevel.VERY_GOOD
    if value >= thresholds.satisfactory:
        return LsuLevel.SATISFACTORY
    if value >= thresholds.fragile:
        return LsuLevel.FRAGILE
    return LsuLevel.INSUFFICIENT


def _format_decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


_WORDS: dict[str, Assessment] = {}
for _level, _words in {
    LsuLevel.INSUFFICIENT: (
        "1",
        "mi",
        "maitrise insuffisante",
        "insuffisante",
        "insuffisant",
    ),
    LsuLevel.FRAGILE: ("2", "mf", "maitrise fragile", "fragile"),
    LsuLevel.SATISFACTORY: (
        "3",
        "ms",
        "maitrise satisfaisante",
        "satisfaisante",
        "satisfaisant",
    ),
    LsuLevel.VERY_GOOD: (
        "4",
        "tbm",
        "tres bonne maitrise",
        "maitrise tres bonne",
        "tres bonne",
        "tres bon",
    ),
}.items():
    for _word in _words:
        _WORDS[_word] = _level
for _absence, _words in {
    NotAssessed.ABSENT: ("abs", "absent", "absente"),
    NotAssessed.EXEMPT: ("disp", "dispense", "dispensee"),
    NotAssessed.NOT_EVALUATED: ("ne", "non evalue", "non evaluee"),
}.items():
    for _word in _words:
        _WORDS[_word] = _absence

_SCORE_PATTERN = re.compile(r"^(?P<number>\d{1,3}(?:[.,]\d+)?)\s*(?:%|/\s*100)?$")

_LSU_HELP = "saisir 1, 2, 3 ou 4 (ou MI, MF, MS, TBM), abs pour un absent, disp pour un dispensé"
_SCORE_HELP = "saisir une note entre 0 et 100, abs pour un absent, disp pour un dispensé"


def parse_score(text: str) -> Decimal:
    """Read a 0–100 score typed by a user: ``72``, ``72,5``, ``72.5``, ``72 %``, ``72/100``.

    Raises :class:`ScaleError` (French message) when the text is not such a number.
    """
    match = _SCORE_PATTERN.match(fold(text))
    if match is None:
        raise ScaleError(f"Note « {text.strip()} » non reconnue : {_SCORE_HELP}.", text)
    try:
        value = Decimal(match.group("number").replace(",", "."))
    except InvalidOperation as error:  # pragma: no cover - the pattern only lets digits in
        raise ScaleError(f"Note « {text.strip()} » non reconnue : {_SCORE_HELP}.", text) from error
    if value > SCORE_MAX:
        raise ScaleError(
            f"Note « {text.strip()} » hors de l'échelle : saisir un nombre entre 0 et 100.", text
        )
    return value


def parse_assessment(
    text: str | None,
    scale: Scale = Scale.LSU,
    thresholds: ScoreThresholds = DEFAULT_THRESHOLDS,
) -> Assessment | None:
    """Read one cell typed by a teacher or found in an imported file.

    Returns ``None`` for a blank cell (nothing entered), an :class:`LsuLevel`, or a
    :class:`NotAssessed` reason. On an LSU campaign ``1``–``4``, the codes and the labels are
    accepted (case and accents ignored). On a numeric campaign a score 0–100 is mapped with
    ``thresholds``; codes and labels are accepted there too since they cannot be mistaken for
    a score. Raises :class:`ScaleError` with a French message otherwise.
    """
    if text is None:
        return None
    key = fold(text)
    if not key:
        return None
    if scale is Scale.SCORE_100:
        known = _WORDS.get(key)
        if known is not None and not key.isdigit():
            return known
        return level_from_score(parse_score(text), thresholds)
    known = _WORDS.get(key)
    if known is None:
        raise ScaleError(f"Valeur « {text.strip()} » non reconnue : {_LSU_HELP}.", text)
    return known


def format_assessment(value: Assessment | None) -> str:
    """Short text for a grid cell: ``MI``…``TBM``, ``abs``, ``disp``, ``ne``, or ``""``."""
    if value is None:
        return ""
    return value.code
