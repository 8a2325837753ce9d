"""The student fields a SIECLE import compares, and the rules of an empty value."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from appui.core.io.siecle import SiecleStudent
from appui.schools.models import Student

# Student fields an import compares, with their French names.
FIELDS = (
    ("last_name", "Nom"),
    ("first_name", "Prénom"),
    ("birth_date", "Date de naissance"),
    ("sex", "Sexe"),
    ("ine", "INE"),
    ("siecle_id", "Identifiant SIECLE"),
    ("elenoet", "ELENOET"),
    ("division", "Division"),
    ("mef", "Code MEF"),
    ("scheme", "Dispositif"),
    ("entry_date", "Date d'entrée"),
    ("exit_date", "Date de sortie"),
)
FIELD_NAMES = dict(FIELDS)
#: The fields of the person, kept on the pupil; the others belong to a year (``Enrolment``).
IDENTITY = ("last_name", "first_name", "birth_date", "sex", "ine", "siecle_id", "elenoet")
# Fields the file may leave empty without erasing what appui holds.
KEEP_WHEN_EMPTY = {"birth_date", "sex", "ine", "elenoet", "entry_date", "division", "mef"}
#: Above this share of the present students leaving, the import needs a second confirmation.
LEAVING_SHARE = Decimal("0.2")
#: Students without a class named in the preview's facts (the count covers them all).
MAX_LISTED = 50
WITHOUT_CLASS = "sans classe"
CLEAN_EXCLUDE = ["school", "division", "user", "search_text", "project"]


def fallback_year_bounds(start_year: int) -> tuple[date, date]:
    """Dates used when the official calendar of a year is not published yet."""
    return date(start_year, 9, 1), date(start_year + 1, 7, 4)


def _keeps(record: SiecleStudent, student: Student, name: str, value: object) -> bool:
    """The file says nothing about this field: appui keeps what it holds."""
    if name in KEEP_WHEN_EMPTY and value in (None, "") and not _erases(record, student, name):
        return True
    # A student who left is no longer in SIECLE's groups: keep the scheme that was known.
    return name == "scheme" and record.left and not value


def _erases(record: SiecleStudent, student: Student, name: str) -> bool:
    """Fields the file empties on purpose: the class of a present student SIECLE puts in no
    division, the INE a student gave up to another line of the file (see parse_siecle)."""
    if name == "division":
        return record.current
    return name == "ine" and record.shared_ine is not None and student.ine == record.shared_ine
