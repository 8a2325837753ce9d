"""Identifiers of the French education system: UAI (school) and INE (student).

The UAI (formerly RNE) is seven digits and a check letter. The letter is the remainder of
the seven-digit number divided by 23, read in an alphabet without I, O and Q
(e.g. 0750655E: 750655 mod 23 = 4 -> E).
"""

import re

_UAI_RE = re.compile(r"^(\d{7})([A-Z])$")
_UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_INE_RE = re.compile(r"^[0-9A-Z]{11}$")


def uai_check_letter(digits: str) -> str:
    """The check letter of a seven-digit UAI number."""
    return _UAI_LETTERS[int(digits) % 23]


def normalise_uai(value: str) -> str:
    return value.strip().upper()


def uai_problem(value: str) -> str | None:
    """A French sentence saying what is wrong with a UAI, or None when it is valid."""
    match = _UAI_RE.match(value or "")
    if not match:
        return (
            f"« {value} » n'est pas un UAI : il faut 7 chiffres suivis d'une lettre (ex. 0750655E)."
        )
    expected = uai_check_letter(match.group(1))
    if match.group(2) != expected:
        return (
            f"« {value} » n'est pas un UAI valide : la lettre de contrôle devrait être {expected}."
        )
    return None


def ine_is_valid(value: str) -> bool:
    """INE: 11 characters, digits and capital letters (several national schemes coexist)."""
    return bool(_INE_RE.match(value or ""))
