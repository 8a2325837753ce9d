"""Students and staff from CSV/XLSX/ODS: round trips, matching, errors named by line."""

import datetime

import pytest
from django.urls import reverse

from appui.interop import services
from appui.interop.plan import ImportRefused
from appui.schools.models import Division, Membership, Staff, Student

pytestmark = pytest.mark.django_db


def csv_bytes(rows) -> bytes:
    return ("\r\n".join(";".join(row) for row in rows) + "\r\n").encode("utf-8-sig")


def plan_for(kind, school, content, name="eleves.csv", **options):
    return services.analyse(
        kind, school=school, content=content, file_name=name, options=options
    ).plan


def counts(plan, section="students"):
    return {status: number for status, number in plan.counts()[section].items() if number}


def download(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.fixture
def demo(db):
    from appui.schools.demo import build_demo

    return build_demo(seed=7, students=60)


class TestRoundTrips:
    def test_the_demo_school_round_trips_students_and_staff(self, demo, client):
        # One demo school for every format: building it is the slow part.
        client.force_login(demo.school.memberships.get(user__username="direction").user)
        total = Student.objects.filter(school=demo.school).count()
        for export_format in ("xlsx", "ods", "csv"):
            url = reverse("interop:student-export") + f"?sortis=1&format={export_format}"
            plan = plan_for("students", demo.school, download(client, url), f"e.{export_format}")
            assert not plan.blocked, plan.issues
            assert counts(plan) == {"unchanged": total}, export_format
            assert not plan.changes_anything
        content = download(client, reverse("interop:staff-export") + "?format=xlsx")
        plan = plan_for("staff", demo.school, content, "personnels.xlsx")
        assert not plan.blocked, plan.issues
        assert counts(plan, "staff") == {
            "unchanged": Staff.objects.filter(school=demo.school).count()
        }


class TestStudentSpreadsheet:
    def test_it_creates_and_changes_students(self, world):
        content = csv_bytes(
            [
                ["INE", "Nom", "Prénom", "Né(e) le", "Classe"],
                [world.student.ine, "Martin", "Léa-Rose", "14/03/2011", "2A"],
                ["", "Nouvelle", "Inès", "02/02/2011", "1B"],
            ]
        )
        plan = plan_for("students", world.school, content)
        assert counts(plan) == {"new": 1, "changed": 1}
        services.import_run(
            kind="students", school=world.school, content=content, file_name="e.csv"
        )
        world.student.refresh_from_db()
        assert world.student.first_name == "Léa-Rose"
        assert world.student.search_text == "martin lea-rose"
        ines = Student.objects.get(first_name="Inès")
        assert ines.division == world.other_division and ines.search_text == "nouvelle ines"
        again = plan_for("students", world.school, content)
        assert counts(again) == {"unchanged": 2}

    def test_a_row_without_identifier_needs_the_birth_date_to_match(self, world):
        rows = [["Nom", "Prénom", "Date de naissance", "Classe"]]
        same = plan_for(
            "students", world.school, csv_bytes([*rows, ["Martin", "Léa", "14/03/2011", "2A"]])
        )
        assert counts(same) == {"unchanged": 1}
        other = plan_for(
            "students", world.school, csv_bytes([*rows, ["Martin", "Léa", "01/01/2010", "2A"]])
        )
        assert counts(other) == {"new": 1}

    def test_errors_name_the_line_column_and_value_and_block_the_import(self, world):
        content = csv_bytes(
            [
                ["INE", "Nom", "Prénom", "Date de naissance", "Classe"],
                [world.student.ine, "Martin", "Léa", "31/02/2011", "2A"],
                ["", "Nouveau", "Tom", "", "9Z"],
            ]
        )
        plan = plan_for("students", world.school, content)
        assert plan.blocked
        errors = {(i.line, i.column, i.value) for i in plan.issues if i.is_error}
        assert (2, "D", "31/02/2011") in errors
        assert (3, "E", "9Z") in errors
        with pytest.raises(ImportRefused):
            services.import_run(
                kind="students", school=world.school, content=content, file_name="e.csv"
            )
        world.student.refresh_from_db()
        assert world.student.birth_date == datetime.date(2011, 3, 14)
        assert not Student.objects.filter(last_name="Nouveau").exists()

    def test_a_class_is_created_when_its_level_is_given(self, world):
        content = csv_bytes([["Nom", "Prénom", "Classe", "Niveau"], ["Neuve", "Ana", "2C", "2PRO"]])
        plan = plan_for("students", world.school, content)
        assert counts(plan, "divisions") == {"new": 1, "unchanged": 2}
        services.import_run(
            kind="students", school=world.school, content=content, file_name="e.csv"
        )
        assert Division.objects.get(code="2C").level == world.level

    def test_absent_students_are_marked_left_only_when_asked(self, world):
        content = csv_bytes([["INE", "Nom", "Prénom"], [world.student.ine, "Martin", "Léa"]])
        assert counts(plan_for("students", world.school, content)) == {"unchanged": 1}
        plan = plan_for("students", world.school, content, absent_left=True)
        assert counts(plan) == {"leaving": 2, "unchanged": 1}

    def test_a_missing_required_column_is_refused_with_the_accepted_headers(self, world):
        plan = plan_for("students", world.school, csv_bytes([["INE", "Nom"], ["x", "y"]]))
        assert plan.blocked
        assert any("Prénom" in issue.message for issue in plan.issues)


class TestStaffSpreadsheet:
    def test_it_creates_staff_with_accounts_and_the_teacher_role(self, world):
        content = csv_bytes(
            [
                ["Civilité", "Nom", "Prénom", "Fonction", "Courriel"],
                ["Mme", "Péréz", "Élise", "enseignante", "elise.perez@example.org"],
                ["M.", "Roux", "Marc", "CPE", ""],
            ]
        )
        plan = plan_for("staff", world.school, content, "personnels.csv")
        # The school's other staff member is not in the file: left as is, and not counted.
        assert counts(plan, "staff") == {"new": 2}
        services.import_run(kind="staff", school=world.school, content=content, file_name="p.csv")
        elise = Staff.objects.get(last_name="Péréz")
        assert (
            elise.user.username == "elise.perez" and elise.user.email == "elise.perez@example.org"
        )
        assert Membership.objects.filter(user=elise.user, role="teacher").exists()
        assert Staff.objects.get(last_name="Roux").function == "cpe"
        assert counts(plan_for("staff", world.school, content, "p.csv"), "staff") == {
            "unchanged": 2
        }

    def test_an_unknown_function_is_an_error_on_its_cell(self, world):
        content = csv_bytes([["Nom", "Prénom", "Fonction"], ["Roux", "Marc", "jardinier"]])
        plan = plan_for("staff", world.school, content, "p.csv")
        [error] = [issue for issue in plan.issues if issue.is_error]
        assert (error.line, error.column, error.value) == (2, "C", "jardinier")
