"""SIECLE import: an empty installation, re-imports, leavers, refusals, matching."""

import dataclasses
import datetime

import pytest

from appui.core.io.samples import MEF_CODES, SampleStudent
from appui.interop import services
from appui.interop.models import ImportBatch
from appui.interop.plan import ImportRefused
from appui.schools.models import (
    Division,
    Level,
    Membership,
    Period,
    School,
    SchoolYear,
    Student,
    StudentGroup,
)

from .conftest import EXPORT_DATE, NEW_UAI, pupils, siecle_file, sts_file

pytestmark = pytest.mark.django_db
ZIP = "ExportXML_ElevesSansAdresses.zip"


def run(content, school=services.FROM_FILE, dry_run=False, confirmed=False, **options):
    return services.import_run(
        kind="siecle",
        school=school,
        content=content,
        file_name=ZIP,
        dry_run=dry_run,
        confirmed=confirmed,
        options=options,
    )


def counts(plan, section="students"):
    return {status: number for status, number in plan.counts()[section].items() if number}


def snapshot():
    return sorted(
        Student.objects.values_list(
            "siecle_id", "ine", "last_name", "first_name", "division__code", "exit_date"
        )
    )


class TestFirstImport:
    def test_it_creates_the_school_year_levels_divisions_and_students(self, imported, superuser):
        school = School.objects.get(uai=NEW_UAI)
        assert school.name == "Lycée des Essais"
        assert school.holiday_zone == "A"
        year = SchoolYear.objects.get(school=school)
        assert (year.start_year, year.is_current) == (2026, True)
        assert year.start_date == datetime.date(2026, 9, 1)
        assert Period.objects.filter(year=year).count() == 5
        levels = {level.short_name: level for level in Level.objects.filter(year=year)}
        assert set(levels) == {"2de pro", "CAP 1/2", "6e", "3e prépa-métiers"}
        assert levels["2de pro"].ap_hours == 90
        assert levels["2de pro"].mef_mask == "247.....31."
        assert levels["CAP 1/2"].ap_hours == pytest.approx(101.5)
        assert "Arrêté du 21 novembre 2018" in levels["CAP 1/2"].hours_reference
        assert levels["6e"].ap_hours == 0
        divisions = {d.code: d.level.short_name for d in Division.objects.filter(year=year)}
        assert divisions == {
            "2PRO-A": "2de pro",
            "1CAP-B": "CAP 1/2",
            "6A": "6e",
            "3PM": "3e prépa-métiers",
        }
        assert Student.objects.filter(school=school).count() == 6

    def test_students_keep_accents_identifiers_and_a_search_text(self, imported):
        helene = Student.objects.get(siecle_id="1001")
        assert (helene.last_name, helene.first_name, helene.ine) == (
            "DUPRÉ",
            "Hélène",
            "1234567890A",
        )
        assert helene.elenoet == "501"
        assert helene.sex == "F"
        assert helene.search_text == "dupre helene"
        assert helene.division.code == "2PRO-A"
        assert Student.objects.get(siecle_id="1004").last_name == "DUBŒUF"

    def test_a_student_who_had_already_left_is_created_as_left(self, imported):
        loic = Student.objects.get(siecle_id="1004")
        assert loic.exit_date == datetime.date(2026, 10, 2)
        assert loic.division.code == "1CAP-B"

    def test_groups_get_their_members_and_divisions(self, imported):
        group = StudentGroup.objects.get(code="AP-2PRO")
        assert set(group.students.values_list("siecle_id", flat=True)) == {"1001", "1002"}
        assert list(group.divisions.values_list("code", flat=True)) == ["2PRO-A"]

    def test_the_importing_superuser_becomes_head(self, imported, superuser):
        assert Membership.objects.filter(
            user=superuser, school=imported, role=Membership.Role.HEAD
        ).exists()

    def test_without_a_name_the_school_is_named_by_its_uai(self, db):
        outcome = run(siecle_file(), school=None)
        assert outcome.school.name == NEW_UAI
        assert outcome.school.holiday_zone == "B"

    def test_the_preview_says_what_would_be_created_and_writes_nothing(self, db):
        outcome = run(siecle_file(), school=None, dry_run=True, school_name="Lycée")
        assert counts(outcome.plan) == {"new": 6}
        assert counts(outcome.plan, "levels") == {"new": 4}
        assert counts(outcome.plan, "divisions") == {"new": 4}
        text = "\n".join(outcome.plan.lines())
        assert "nouvel établissement, qui sera créé par cet import" in text
        assert "+ DUPRÉ Hélène (2PRO-A)" in text
        assert not School.objects.exists() and not Student.objects.exists()
        assert not ImportBatch.objects.exists()


class TestReimport:
    def test_the_same_file_changes_nothing(self, imported):
        before = snapshot()
        outcome = run(siecle_file())
        assert counts(outcome.plan) == {"unchanged": 6}
        assert not outcome.plan.changes_anything
        for section in ("levels", "divisions", "groups"):
            assert set(counts(outcome.plan, section)) == {"unchanged"}
        assert snapshot() == before
        assert Level.objects.count() == 4 and Division.objects.count() == 4

    def test_changes_are_listed_field_by_field(self, imported):
        students = pupils()
        students[0] = dataclasses.replace(students[0], first_name="Hélène-Marie", division="1CAP-B")
        outcome = run(siecle_file(students), dry_run=True)
        assert counts(outcome.plan) == {"changed": 1, "unchanged": 5}
        [entry] = outcome.plan.section("students", "").entries
        changes = {(c.field, c.old, c.new) for c in entry.changes}
        assert ("Prénom", "Hélène", "Hélène-Marie") in changes
        assert ("Division", "2PRO-A", "1CAP-B") in changes

    def test_it_records_the_changes(self, imported):
        students = pupils()
        students[0] = dataclasses.replace(students[0], first_name="Hélène-Marie", groups=())
        run(siecle_file(students))
        helene = Student.objects.get(siecle_id="1001")
        assert helene.first_name == "Hélène-Marie"
        assert helene.search_text == "dupre helene-marie"
        assert not helene.student_groups.exists()

    def test_a_student_absent_from_the_file_is_marked_left_and_kept(self, imported):
        outcome = run(siecle_file(pupils()[1:]))
        assert counts(outcome.plan) == {"leaving": 1, "unchanged": 5}
        helene = Student.objects.get(siecle_id="1001")
        assert helene.exit_date == EXPORT_DATE
        assert helene.division.code == "2PRO-A"
        assert helene.student_groups.filter(code="AP-2PRO").exists()
        assert Student.objects.count() == 6

    def test_a_student_given_an_exit_date_is_leaving(self, imported):
        students = pupils()
        students[2] = dataclasses.replace(students[2], exit_date=datetime.date(2026, 11, 3))
        outcome = run(siecle_file(students))
        assert counts(outcome.plan) == {"leaving": 1, "unchanged": 5}
        assert Student.objects.get(siecle_id="1003").exit_date == datetime.date(2026, 11, 3)

    def test_a_student_in_the_inactive_pseudo_division_is_leaving(self, imported):
        students = pupils()
        students[2] = dataclasses.replace(students[2], division="Inactifs", groups=())
        outcome = run(siecle_file(students))
        assert counts(outcome.plan) == {"leaving": 1, "unchanged": 5}
        zoe = Student.objects.get(siecle_id="1003")
        assert zoe.exit_date == EXPORT_DATE and zoe.division.code == "1CAP-B"

    def test_a_student_who_comes_back_is_present_again(self, imported):
        run(siecle_file(pupils()[1:]))
        outcome = run(siecle_file())
        assert counts(outcome.plan) == {"changed": 1, "unchanged": 5}
        assert Student.objects.get(siecle_id="1001").exit_date is None

    def test_students_are_matched_by_ine_when_the_siecle_id_changed(self, imported):
        students = pupils()
        students[0] = dataclasses.replace(students[0], eleve_id="9001")
        outcome = run(siecle_file(students))
        assert counts(outcome.plan) == {"changed": 1, "unchanged": 5}
        assert Student.objects.get(ine="1234567890A").siecle_id == "9001"
        assert Student.objects.count() == 6

    def test_students_are_never_matched_by_name_alone(self, imported):
        students = pupils()
        students[0] = dataclasses.replace(students[0], eleve_id="9001", ine="9999999999Z")
        outcome = run(siecle_file(students))
        assert counts(outcome.plan) == {"new": 1, "leaving": 1, "unchanged": 5}
        assert Student.objects.filter(last_name="DUPRÉ", first_name="Hélène").count() == 2


class TestRefusals:
    def test_a_truncated_file_changes_nothing_and_says_where_it_broke(self, imported):
        before = snapshot()
        content = siecle_file(plain=True)
        truncated = content[: len(content) * 2 // 3]
        with pytest.raises(ImportRefused) as refused:
            run(truncated)
        message = " ".join(refused.value.messages)
        assert "ligne" in message and "incomplet" in message
        assert snapshot() == before

    def test_a_file_of_another_school_is_refused(self, world):
        with pytest.raises(ImportRefused) as refused:
            run(siecle_file(), school=world.school)
        assert f"pas celui de {world.school.name}" in refused.value.messages[0]
        assert not Student.objects.filter(siecle_id="1001").exists()

    def test_a_file_of_another_year_is_refused(self, world):
        with pytest.raises(ImportRefused) as refused:
            run(siecle_file(uai=world.school.uai, school_year=2025), school=world.school)
        assert "2025-2026" in refused.value.messages[0]
        assert "2026-2027" in refused.value.messages[0]

    def test_an_sts_file_is_refused_as_the_wrong_file(self, db):
        with pytest.raises(ImportRefused) as refused:
            run(sts_file(), school=None)
        assert "STS" in " ".join(refused.value.messages)
        assert not School.objects.exists()

    def test_a_school_that_exists_is_not_created_again(self, imported):
        with pytest.raises(ImportRefused) as refused:
            run(siecle_file(), school=None)
        assert "existe déjà" in refused.value.messages[0]

    def test_an_unreadable_birth_date_blocks_the_import(self, db):
        content = siecle_file(plain=True).replace(b"14/03/2012", b"31/02/2012", 1)
        with pytest.raises(ImportRefused):
            run(content, school=None)
        outcome_plan = services.analyse(
            "siecle", school=None, content=content, file_name="ElevesSansAdresses.xml"
        ).plan
        assert outcome_plan.blocked
        [error] = [issue for issue in outcome_plan.issues if issue.is_error]
        assert error.field == "DATE_NAISS" and error.line is not None
        assert not School.objects.exists()


class TestExistingSchool:
    def test_it_uses_the_levels_of_the_school_by_their_mef_mask(self, world):
        students = [
            SampleStudent("2001", "MARTIN", "Léa", "2A", MEF_CODES["bacpro-1"], ine="2234567890A")
        ]
        # Every student of the world leaves: the import needs the second confirmation.
        outcome = run(
            siecle_file(students, uai=world.school.uai), school=world.school, confirmed=True
        )
        assert counts(outcome.plan, "levels") == {"unchanged": 2}
        # The world's students have no SIECLE id but an INE: absent, they are leaving.
        assert counts(outcome.plan) == {"new": 1, "leaving": 3}
        assert Student.objects.get(siecle_id="2001").division == world.division
        # Nothing deleted, and the world's « Martin Léa » is not taken for the new one.
        assert Student.objects.filter(school=world.school).count() == 4


class TestPreviewAndApply:
    def test_the_preview_is_kept_and_applied_on_confirmation(self, superuser):
        batch = services.import_preview(
            kind="siecle",
            school=None,
            user=superuser,
            content=siecle_file(),
            file_name=ZIP,
            options={"school_name": "Lycée", "holiday_zone": "C"},
        )
        assert batch.summary["counts"]["students"]["new"] == 6
        assert not School.objects.exists()
        services.import_apply(batch=batch, user=superuser)
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.APPLIED
        assert batch.school.uai == NEW_UAI
        assert Student.objects.count() == 6
        with pytest.raises(ImportRefused):
            services.import_apply(batch=batch, user=superuser)

    def test_an_outdated_preview_is_refreshed_instead_of_applied(self, imported, superuser):
        batch = services.import_preview(
            kind="siecle",
            school=imported,
            user=superuser,
            content=siecle_file(pupils()[1:]),
            file_name=ZIP,
        )
        Student.objects.filter(siecle_id="1001").update(exit_date=datetime.date(2026, 9, 20))
        with pytest.raises(services.PreviewOutdated):
            services.import_apply(batch=batch, user=superuser)
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.PREVIEWED
        assert batch.summary["counts"]["students"]["leaving"] == 0
        services.import_apply(batch=batch, user=superuser)
        assert Student.objects.get(siecle_id="1001").exit_date == datetime.date(2026, 9, 20)
