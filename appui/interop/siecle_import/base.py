"""The state of a SIECLE import's analysis, and the issues it records."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from appui.core.io.errors import ImportIssue, Severity
from appui.core.io.siecle import Nomenclature, SiecleExport, SiecleStudent
from appui.schools.models import (
    Academy,
    Division,
    Enrolment,
    Period,
    School,
    SchoolYear,
    Student,
    StudentGroup,
)

from ..plan import Importer, Plan
from ..structure import LevelResolver
from .fields import CLEAN_EXCLUDE, FIELD_NAMES


class SiecleBase(Importer):
    """The state of one SIECLE import's analysis, and the checks every step shares.

    The steps are layered: :class:`~.pupils.SieclePupils` (the current year's pupils),
    :class:`~.next_year.SiecleNextYear` (the year a file opens), :class:`~.analysis.SiecleAnalysis`
    (the whole preview), and :class:`~.importer.SiecleImport` (writing it).
    """

    #: The school chosen, or the new one this import creates for the file's UAI.
    school: School
    #: The school year the file is imported into (new when ``creates_year``).
    year: SchoolYear
    #: The date students absent from the file are marked as left.
    leave_date: date
    levels: LevelResolver
    #: This year's divisions and groups by code, the new ones included.
    divisions: dict[str, Division]
    groups: dict[str, StudentGroup]

    def __init__(
        self,
        export: SiecleExport,
        *,
        school: School | None,
        nomenclature: Nomenclature | None = None,
        school_name: str = "",
        holiday_zone: str = "",
        academy: Academy | None = None,
        today: date | None = None,
    ) -> None:
        self.export = export
        self.nomenclature = nomenclature
        self.school_name = school_name.strip()
        self.holiday_zone = holiday_zone
        #: The académie of a school this import creates (chosen on the upload form).
        self.academy = academy
        self.today = today or timezone.localdate()
        self.plan = Plan("siecle", export.file_name)
        self.creates_school = False
        self.creates_year = False
        #: The current year when this file opens the next one (else None).
        self.previous: SchoolYear | None = None
        self.new_enrolments: list[Enrolment] = []
        self.in_file: list[Student] = []
        self.changed_enrolments: list[Enrolment] = []
        self.new_periods: list[Period] = []
        self.new_divisions: list[Division] = []
        self.new_students: list[Student] = []
        self.changed_students: list[Student] = []
        self.changed_fields: set[str] = set()
        self.new_groups: list[StudentGroup] = []
        # (group, division) and (group, student) links to add; (group pk, student pk) to drop.
        self.group_divisions: list[tuple[StudentGroup, Division]] = []
        self.group_students: list[tuple[StudentGroup, Student]] = []
        # Present students stored without a class, in file order.
        self.without_class: list[SiecleStudent] = []
        self._analyse(school)

    def _analyse(self, school: School | None) -> None:
        """Build the plan (see :class:`~.analysis.SiecleAnalysis`)."""
        raise NotImplementedError

    def _clean(self, record: SiecleStudent, student: Student) -> bool:
        # Field validation only: full_clean() would query the database for the unique
        # constraints of every student; _check_unique_keys checks them for the whole plan.
        try:
            student.clean_fields(exclude=CLEAN_EXCLUDE)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self._error(
                    record,
                    name,
                    str(getattr(student, name, "")),
                    f"{record.full_name} : {FIELD_NAMES.get(name, name)} — {' '.join(messages)}",
                )
            return False
        return True

    def _error(self, record: SiecleStudent, field: str, value: str | None, message: str) -> None:
        self.plan.issues.append(
            ImportIssue(
                file=self.export.file_name,
                line=record.line,
                field=field,
                value=value,
                message=message,
            )
        )

    def _warning(self, record: SiecleStudent, field: str, value: str | None, message: str) -> None:
        self.plan.issues.append(
            ImportIssue(
                file=self.export.file_name,
                line=record.line,
                field=field,
                value=value,
                message=message,
                severity=Severity.WARNING,
            )
        )
