"""Small fictitious national files, built in the tests (ISO-8859-15, zipped, with accents)."""

import datetime

import pytest

from appui.core.identifiers import uai_check_letter
from appui.core.io.samples import (
    MEF_CODES,
    SampleDivision,
    SampleGroup,
    SampleService,
    SampleStaff,
    SampleStudent,
    siecle_xml,
    sts_xml,
    zipped,
)

NEW_UAI = "0999999" + uai_check_letter("0999999")
EXPORT_DATE = datetime.date(2026, 9, 15)


def pupils() -> list[SampleStudent]:
    """Six students in four divisions and two levels' worth of MEF codes; one has left."""
    return [
        SampleStudent(
            "1001", "DUPRÉ", "Hélène", "2PRO-A", MEF_CODES["bacpro-1"], ine="1234567890A",
            elenoet="501", groups=("AP-2PRO",), sex="2",
        ),
        SampleStudent(
            "1002", "LEFÈVRE", "Noël", "2PRO-A", MEF_CODES["bacpro-1"], ine="1234567891B",
            elenoet="502", groups=("AP-2PRO",), sex="1", birth_date=datetime.date(2011, 1, 5),
        ),
        SampleStudent(
            "1003", "BÉRANGER", "Zoé", "1CAP-B", MEF_CODES["cap2-1"], ine="1234567892C",
            elenoet="503",
        ),
        SampleStudent(
            "1004", "DUBŒUF", "Loïc", "1CAP-B", MEF_CODES["cap2-1"], ine="1234567893D",
            elenoet="504", sex="1", exit_date=datetime.date(2026, 10, 2),
        ),
        SampleStudent(
            "1005", "N'DIAYE", "Aïcha", "6A", MEF_CODES["6e"], ine="1234567894E", elenoet="505"
        ),
        SampleStudent(
            "1006", "LE GALL", "Théo", "3PM", MEF_CODES["3e-pm"], ine="1234567895F",
            elenoet="506", sex="1",
        ),
    ]  # fmt: skip


def siecle_file(students=None, *, uai=NEW_UAI, school_year=2026, plain=False) -> bytes:
    content = siecle_xml(
        pupils() if students is None else students,
        uai=uai,
        school_year=school_year,
        export_date=EXPORT_DATE,
    )
    return content if plain else zipped(content)


def teachers() -> list[SampleStaff]:
    return [
        SampleStaff("7001", "MÉNARD", "Cécile", main_teacher_of=("2PRO-A",), grade="PLP"),
        SampleStaff("7002", "FABRE", "Jérôme", sex="1", civility="1", grade="PLP"),
        SampleStaff("7003", "HÉBERT", "Anaïs", main_teacher_of=("1CAP-B",)),
        SampleStaff("7100", "PRINCIPALE", "Irène", function="DIR", grade="PERDIR"),
        SampleStaff("7101", "CONSEILLER", "Rémi", function="EDU", sex="1", civility="1", grade="CPE"),
    ]  # fmt: skip


def structure() -> tuple[list[SampleDivision], list[SampleGroup]]:
    divisions = [
        SampleDivision(
            "2PRO-A",
            "2NDE PRO MÉTIERS DE LA RELATION CLIENT",
            MEF_CODES["bacpro-1"],
            (SampleService("020700", ("7001",)), SampleService("061300", ("7002",))),
        ),
        SampleDivision(
            "1CAP-B",
            "1CAP ÉLECTRICIEN",
            MEF_CODES["cap2-1"],
            (SampleService("061300", ("7002",)),),
        ),
    ]
    groups = [
        SampleGroup(
            "AP-2PRO", "AP 2NDE PRO", ("2PRO-A",), (SampleService("990100", ("7001", "7003")),)
        )
    ]
    return divisions, groups


def sts_file(staff=None, *, uai=NEW_UAI, school_year=2026, **kwargs) -> bytes:
    divisions, groups = structure()
    return sts_xml(
        teachers() if staff is None else staff,
        kwargs.pop("divisions", divisions),
        kwargs.pop("groups", groups),
        uai=uai,
        school_year=school_year,
        **kwargs,
    )


@pytest.fixture
def superuser(db):
    from appui.schools.tests.factories import UserFactory

    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def imported(db, superuser):
    """The small SIECLE file imported into an empty installation, by the superuser."""
    from appui.interop import services

    outcome = services.import_run(
        kind="siecle",
        school=None,
        content=siecle_file(),
        file_name="ExportXML_ElevesSansAdresses.zip",
        options={"school_name": "Lycée des Essais", "holiday_zone": "A"},
        user=superuser,
    )
    return outcome.school
