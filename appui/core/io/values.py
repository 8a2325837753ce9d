"""Reading single values (dates, integers, numbers, sex, yes/no) with French error messages.

Each ``parse_*`` function returns ``None`` for an empty value and raises
:class:`ValueProblem` with a French message for a value it cannot read; the caller adds the
file, line and column (see :func:`appui.core.io.tabular.clean`).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from enum import StrEnum

__all__ = [
    "CellValue",
    "Sex",
    "ValueProblem",
    "as_text",
    "fold",
    "parse_bool",
    "parse_date",
    "parse_int",
    "parse_number",
    "parse_sex",
]

#: A value as read from a CSV, XLSX or ODS cell (``datetime`` is a ``date`` too).
CellValue = str | int | float | bool | date | None


class ValueProblem(ValueError):
    """A value that cannot be read; ``str(exc)`` is a French message for the user."""


class Sex(StrEnum):
    """Sex as recorded by SIECLE (``CODE_SEXE`` 1/2) and STS-web."""

    M = "M"
    F = "F"

    @property
    def label(self) -> str:
        """French label."""
        return "Masculin" if self is Sex.M else "Féminin"


def fold(text: str) -> str:
    """Lower-case ``text``, drop accents and turn every run of other characters into ``_``.

    ``"N° INE"`` → ``"n_ine"``, ``"Date de naissance"`` → ``"date_de_naissance"``,
    ``"Prénom"`` → ``"prenom"``. Used to match headers and codes whatever their spelling.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", "_", ascii_only.lower()).strip("_")


def as_text(value: CellValue) -> str | None:
    """The value as stripped text; None when empty. ``12.0`` gives ``"12"``, dates DD/MM/YYYY."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value).strip()
    return text or None


_DAY_FIRST = re.compile(
    r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
# Excel stores dates as days since 1899-12-30; only this range is taken for a date
# (1927–2119) so that a stray year or small number is reported, not misread.
_EXCEL_SERIALS = range(10_000, 80_000)
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value: CellValue) -> date | None:
    """Read a date written ``JJ/MM/AAAA`` (also ``-`` or ``.``, 2-digit years), ISO
    ``AAAA-MM-JJ``, a spreadsheet date cell or an Excel serial number.

    Two-digit years below 70 are taken as 20xx, others as 19xx.
    """
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise ValueProblem(f"« {as_text(value)} » n'est pas une date (format attendu JJ/MM/AAAA).")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        if float(value).is_integer() and int(value) in _EXCEL_SERIALS:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueProblem(
            f"« {as_text(value)} » est un nombre, pas une date (format attendu JJ/MM/AAAA)."
        )
    text = value.strip()
    if not text:
        return None
    if match := _ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_FIRST.match(text):
        day, month, year = (int(part) for part in match.groups())
        if len(match.group(3)) == 2:
            year += 2000 if year < 70 else 1900
    else:
        raise ValueProblem(f"« {text} » n'est pas une date au format JJ/MM/AAAA.")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueProblem(f"« {text} » n'est pas une date qui existe.") from None


def parse_number(value: CellValue) -> float | None:
    """Read a decimal number, with a comma or a point, spaces as thousands separators."""
    if value is None:
        return None
    if isinstance(value, bool | date):
        raise ValueProblem(f"« {as_text(value)} » n'est pas un nombre.")
    if isinstance(value, int | float):
        return float(value)
    text = re.sub(r"[\s\u00a0\u202f]", "", value)
    if not text:
        return None
    if re.fullmatch(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)", text) is None:
        raise ValueProblem(f"« {value.strip()} » n'est pas un nombre.")
    return float(text.replace(",", "."))


def parse_int(
    value: CellValue, *, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    """Read a whole number (``"12"``, ``"1 500"``, ``12.0``), optionally within bounds."""
    number = parse_number(value)
    if number is None:
        return None
    if not number.is_integer():
        raise ValueProblem(f"« {as_text(value)} » n'est pas un nombre entier.")
    result = int(number)
    if minimum is not None and result < minimum:
        raise ValueProblem(f"« {result} » est trop petit : le minimum est {minimum}.")
    if maximum is not None and result > maximum:
        raise ValueProblem(f"« {result} » est trop grand : le maximum est {maximum}.")
    return result


_SEX_WORDS = {
    "1": Sex.M,
    "m": Sex.M,
    "h": Sex.M,
    "masculin": Sex.M,
    "homme": Sex.M,
    "garcon": Sex.M,
    "2": Sex.F,
    "f": Sex.F,
    "feminin": Sex.F,
    "femme": Sex.F,
    "fille": Sex.F,
}


def parse_sex(value: CellValue) -> Sex | None:
    """Read a sex: SIECLE codes ``1``/``2``, or ``M``/``H``/``F`` and their French words."""
    text = as_text(value)
    if text is None:
        return None
    sex = _SEX_WORDS.get(fold(text))
    if sex is None:
        raise ValueProblem(f"« {text} » n'est pas un sexe reconnu (attendu : M ou F, 1 ou 2).")
    return sex


_TRUE = {"oui", "o", "yes", "y", "vrai", "true", "1", "x"}
_FALSE = {"non", "n", "no", "faux", "false", "0"}


def parse_bool(value: CellValue) -> bool | None:
    """Read yes/no: ``oui``/``non``, ``O``/``N``, ``1``/``0``, ``x``, booleans."""
    if isinstance(value, bool):
        return value
    text = as_text(value)
    if text is None:
        return None
    folded = fold(text)
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ValueProblem(f"« {text} » n'est ni « oui » ni « non ».")
