"""STS-web import: staff, accounts, roles, subjects, services, professeurs principaux."""

import dataclasses

import pytest

from appui.accounts.models import User
from appui.interop import services
from appui.interop.plan import ImportRefused
from appui.schools.models import (
    Division,
    GroupTeaching,
    Membership,
    Staff,
    StudentGroup,
    Subject,
    Teaching,
)

from .conftest import sts_file, teachers

pytestmark = pytest.mark.django_db
STS = "sts_emp_0999999F_2026.xml"


def run(content, dry_run=False):
    return services.import_run(
        kind="sts", school=services.FROM_FILE, content=content, file_name=STS, dry_run=dry_run
    )


def counts(plan, section):
    return {status: number for status, number in plan.counts()[section].items() if number}


class TestFirstStsImport:
    def test_it_creates_staff_with_accounts_functions_and_grades(self, imported):
        run(sts_file())
        staff = {s.sts_id: s for s in Staff.objects.filter(school=imported)}
        assert set(staff) == {"7001", "7002", "7003", "7100", "7101"}
        cecile = staff["7001"]
        assert (cecile.last_name, cecile.first_name, cecile.civility) == ("MÉNARD", "Cécile", "Mme")
        assert (cecile.function, cecile.grade) == ("teacher", "PLP")
        assert staff["7100"].function == "direction"
        assert staff["7101"].function == "cpe"
        assert cecile.user.username == "cecile.menard"
        assert not cecile.user.has_usable_password()

    def test_teachers_get_the_teacher_role_and_no_one_else_does(self, imported):
        run(sts_file())
        teacher_ids = set(
            Membership.objects.filter(school=imported, role="teacher").values_list(
                "user__staff__sts_id", flat=True
            )
        )
        assert teacher_ids == {"7001", "7002", "7003"}
        assert not Membership.objects.filter(user__staff__sts_id="7100").exists()

    def test_it_creates_teachings_with_the_professeur_principal(self, imported):
        run(sts_file())
        teachings = {
            (t.staff.sts_id, t.division.code, t.subject.code if t.subject else None): t
            for t in Teaching.objects.select_related("staff", "division", "subject")
        }
        assert set(teachings) == {
            ("7001", "2PRO-A", "020700"),
            ("7002", "2PRO-A", "061300"),
            ("7002", "1CAP-B", "061300"),
            ("7003", "1CAP-B", None),  # professeur principal without a service there
        }
        assert teachings[("7001", "2PRO-A", "020700")].is_main_teacher
        assert teachings[("7003", "1CAP-B", None)].is_main_teacher
        assert not teachings[("7002", "2PRO-A", "061300")].is_main_teacher

    def test_it_creates_subjects_and_adds_them_to_teachers(self, imported):
        run(sts_file())
        assert Subject.objects.get(school=imported, code="061300").label == "Mathématiques"
        assert list(Staff.objects.get(sts_id="7002").subjects.values_list("code", flat=True)) == [
            "061300"
        ]

    def test_group_services_name_their_teachers(self, imported):
        run(sts_file())
        group = StudentGroup.objects.get(code="AP-2PRO")
        assert group.label == "AP 2NDE PRO"
        assert set(GroupTeaching.objects.values_list("staff__sts_id", flat=True)) == {
            "7001",
            "7003",
        }

    def test_divisions_take_their_label_when_they_had_none(self, imported):
        run(sts_file())
        assert Division.objects.get(code="2PRO-A").label == "2NDE PRO MÉTIERS DE LA RELATION CLIENT"


class TestStsReimport:
    def test_the_same_file_changes_nothing(self, imported):
        run(sts_file())
        outcome = run(sts_file(), dry_run=True)
        assert not outcome.plan.changes_anything
        assert counts(outcome.plan, "staff") == {"unchanged": 5}
        assert counts(outcome.plan, "teachings") == {"unchanged": 6}

    def test_staff_absent_from_the_file_are_marked_left_and_kept(self, imported):
        run(sts_file())
        outcome = run(sts_file(teachers()[:-1]))
        assert counts(outcome.plan, "staff") == {"leaving": 1, "unchanged": 4}
        remi = Staff.objects.get(sts_id="7101")
        assert remi.exit_date is not None and remi.user_id

    def test_a_new_professeur_principal_moves_the_flag(self, imported):
        run(sts_file())
        staff = teachers()
        staff[0] = dataclasses.replace(staff[0], main_teacher_of=())
        staff[1] = dataclasses.replace(staff[1], main_teacher_of=("2PRO-A",))
        outcome = run(sts_file(staff))
        assert counts(outcome.plan, "teachings") == {"changed": 2, "unchanged": 4}
        assert Teaching.objects.get(staff__sts_id="7002", division__code="2PRO-A").is_main_teacher
        assert not Teaching.objects.get(staff__sts_id="7001").is_main_teacher

    def test_services_absent_from_the_file_are_kept(self, imported):
        run(sts_file())
        divisions = [dataclasses.replace(division, services=()) for division in _structure()[0]]
        outcome = run(sts_file(divisions=divisions))
        assert counts(outcome.plan, "teachings")["kept"] == 3
        assert Teaching.objects.count() == 4

    def test_homonyms_get_distinct_usernames(self, imported):
        staff = [*teachers(), dataclasses.replace(teachers()[0], id="7009", main_teacher_of=())]
        run(sts_file(staff))
        assert set(
            User.objects.filter(staff__last_name="MÉNARD").values_list("username", flat=True)
        ) == {"cecile.menard", "cecile.menard2"}


class TestStsRefusals:
    def test_a_timetabling_product_file_is_refused(self, imported):
        with pytest.raises(ImportRefused) as refused:
            run(sts_file(timetabling_product="EDT 2026"))
        assert "logiciel d'emploi du temps" in refused.value.messages[0]
        assert not Staff.objects.exists()

    def test_a_file_with_the_timetabling_root_is_refused(self, imported):
        with pytest.raises(ImportRefused) as refused:
            run(sts_file(root_name="EDT_STS"))
        assert "pas exporté par STS-web" in refused.value.messages[0]

    def test_the_school_must_have_been_imported_from_siecle_first(self, db):
        with pytest.raises(ImportRefused) as refused:
            run(sts_file())
        assert "importez d'abord ses élèves depuis SIECLE" in refused.value.messages[0]

    def test_a_file_of_another_year_is_refused(self, imported):
        with pytest.raises(ImportRefused) as refused:
            run(sts_file(school_year=2027))
        assert "2027-2028" in refused.value.messages[0]


def _structure():
    from .conftest import structure

    return structure()
