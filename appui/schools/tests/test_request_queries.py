"""What every page costs before its own work: the current school, its years, the user's roles.

Every request reads the session, the user, the current school, the school's years (once for
the year shown and the year switcher) and the user's roles in the school (one query: their
memberships, académie account and staff function; a coordinator's levels in a second one).
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appui.schools.access import SchoolAccess
from appui.schools.models import (
    Academy,
    AcademyMembership,
    Membership,
    SchoolYear,
    Staff,
    Student,
)
from appui.schools.selectors import YEAR_SESSION_KEY
from appui.schools.tests import factories as f
from appui.schools.views import division_rows

pytestmark = pytest.mark.django_db

Role = Membership.Role


def tables(queries) -> list[str]:
    """The table each query reads first (``FROM "…"``), one per query."""
    out = []
    for query in queries:
        sql = query["sql"]
        start = sql.find('FROM "') + len('FROM "')
        out.append(sql[start : sql.index('"', start)])
    return out


class TestEveryPage:
    def test_a_teacher_page_reads_the_school_years_and_roles_once(self, client, world):
        client.force_login(world.users["teacher"])
        client.get("/pas-une-page/")  # the idle timeout's first write
        # A page of nothing (404): the middleware and the menus of the base template only.
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/pas-une-page/")
        assert response.status_code == 404
        assert tables(queries.captured_queries) == [
            "django_session",
            "accounts_user",
            "schools_school",
            "schools_schoolyear",
            "schools_membership",  # with the académie account and the staff row
        ]
        # No session write on a page read within the minute.
        assert not any(q["sql"].startswith("UPDATE") for q in queries.captured_queries)

    def test_the_year_switcher_and_the_year_shown_come_from_that_one_read(self, client, world):
        past = SchoolYear.objects.create(
            school=world.school,
            start_year=world.year.start_year - 1,
            start_date=world.year.start_date.replace(year=world.year.start_date.year - 1),
            end_date=world.year.end_date.replace(year=world.year.end_date.year - 1),
        )
        client.force_login(world.users["head"])
        response = client.get(reverse("accounts:security"))
        assert response.context["selected_year"] == world.year
        assert [c.year for c in response.context["year_choices"]] == [world.year, past]
        assert response.context["other_year"] is None

        session = client.session
        session[YEAR_SESSION_KEY] = {str(world.school.pk): past.pk}
        session.save()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("accounts:security"))
        assert tables(queries.captured_queries).count("schools_schoolyear") == 1
        assert response.context["selected_year"] == past
        assert response.context["other_year"] == past
        assert response.context["current_school_year"] == world.year

    def test_a_year_of_another_school_in_the_session_is_ignored(self, client, world):
        other = SchoolYear.objects.get(school=world.other_school)
        client.force_login(world.users["head"])
        session = client.session
        session[YEAR_SESSION_KEY] = {str(world.school.pk): other.pk}
        session.save()
        response = client.get(reverse("accounts:security"))
        assert response.context["selected_year"] == world.year


class TestRoles:
    def test_one_query_for_roles_and_staff_function(self, world, django_assert_num_queries):
        Staff.objects.filter(user=world.users["teacher"]).update(function=Staff.Function.CPE)
        with django_assert_num_queries(1):
            access = SchoolAccess.load(world.users["teacher"], world.school)
            assert access.roles == {Role.TEACHER}
            assert access.staff_function == Staff.Function.CPE
            assert access.is_student_life_staff and access.sees_whole_school

    def test_a_coordinator_s_levels_in_a_second_query(self, world, django_assert_num_queries):
        with django_assert_num_queries(2):
            limited = SchoolAccess.load(world.users["level_coordinator"], world.school)
        assert limited.coordinator_level_ids == {world.other_level.pk}
        assert not limited.coordinates_whole_school
        whole = SchoolAccess.load(world.users["coordinator"], world.school)
        assert whole.coordinator_level_ids is None and whole.coordinates_whole_school

    def test_an_academie_account_reads_its_schools_as_the_academie(self, world):
        academy = Academy.objects.create(code="ZZ", name="Académie Z")
        world.school.academy = academy
        world.school.save()
        inspector = f.UserFactory(username="ien")
        AcademyMembership.objects.create(user=inspector, academy=academy)
        access = SchoolAccess.load(inspector, world.school)
        assert access.roles == {Role.ACADEMY} and access.is_academy
        assert access.staff_function is None
        # Not in a school of another académie, nor in a school of none.
        assert not SchoolAccess.load(inspector, world.other_school).is_member

    def test_a_staff_row_without_a_role_gives_no_function(self, world):
        user = f.UserFactory(username="ancien")
        f.StaffFactory(school=world.school, user=user, function=Staff.Function.CPE)
        access = SchoolAccess.load(user, world.school)
        assert not access.is_member
        assert access.staff_function is None and not access.sees_whole_school

    def test_several_roles_in_one_school(self, world):
        user = world.users["teacher"]
        f.MembershipFactory(user=user, school=world.school, role=Role.GUARDIAN)
        assert SchoolAccess.load(user, world.school).roles == {Role.TEACHER, Role.GUARDIAN}


class TestDivisions:
    def test_who_opens_which_division_without_a_query(self, world, django_assert_num_queries):
        teacher = SchoolAccess.load(world.users["teacher"], world.school)
        limited = SchoolAccess.load(world.users["level_coordinator"], world.school)
        head = SchoolAccess.load(world.users["head"], world.school)
        student = SchoolAccess.load(world.users["student"], world.school)
        for access in (teacher, limited, head, student):
            access.taught_division_ids  # noqa: B018 (read once per request)
        with django_assert_num_queries(0):
            assert teacher.can_view_division(world.division)
            assert not teacher.can_view_division(world.other_division)
            assert limited.can_view_division(world.other_division)
            assert not limited.can_view_division(world.division)
            assert head.can_view_division(world.division)
            assert head.can_view_division(world.other_division)
            assert not student.can_view_division(world.division)


class TestDivisionPage:
    def test_each_row_shows_the_birth_date_and_the_project_as_before(self, client, world):
        Student.objects.filter(pk=world.student.pk).update(
            birth_date=datetime.date(2010, 3, 5), project=Student.Project.FURTHER_STUDIES
        )
        Student.objects.filter(pk=world.classmate.pk).update(birth_date=None)
        client.force_login(world.users["teacher"])
        page = client.get(reverse("schools:division-detail", args=[world.division.pk]))
        html = page.content.decode()
        assert "<td>05/03/2010</td>" in html
        assert "<td>poursuite d&#x27;études</td>" in html
        assert "<td>—</td>" in html
        for student in (world.student, world.classmate):
            assert reverse("schools:student-detail", args=[student.pk]) in html
        # A value the choices no longer hold is shown as stored, as ``get_project_display`` did.
        unknown = Student(pk=999, last_name="X", first_name="Y", project="autre", birth_date=None)
        assert division_rows([unknown])[0].project == "autre"
        assert division_rows([unknown])[0].birth_date == ""
