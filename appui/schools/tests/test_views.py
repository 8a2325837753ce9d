import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(name, args=args)


class TestHome:
    def test_it_redirects_anonymous_users_to_login(self, client):
        response = client.get(url("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(url("accounts:login"))

    @pytest.mark.parametrize(
        "username, marker",
        [
            ("head", 'data-role="head"'),
            ("coordinator", 'data-role="coordinator"'),
            ("teacher", 'data-role="teacher"'),
            ("student", 'data-role="student"'),
            ("guardian", 'data-role="guardian"'),
            ("academy", 'data-role="academy"'),
        ],
    )
    def test_it_says_what_each_role_can_do(self, world, login, username, marker):
        response = login(world.users[username]).get(url("home"))
        assert response.status_code == 200
        assert marker in response.content.decode()

    def test_it_is_in_french(self, world, login):
        response = login(world.users["head"]).get(url("home"))
        assert "Ce que vous pouvez faire ici" in response.content.decode()

    def test_academy_home_shows_no_student_name(self, world, login):
        body = login(world.users["academy"]).get(url("home")).content.decode()
        assert world.student.last_name not in body

    def test_guardian_sees_their_child_only(self, world, login):
        body = login(world.users["guardian"]).get(url("home")).content.decode()
        assert world.student.last_name in body
        assert world.classmate.last_name not in body


class TestSchoolPage:
    def test_it_requires_login(self, client, world):
        assert client.get(url("schools:school-detail")).status_code == 302

    def test_it_shows_levels_hours_and_head_counts(self, world, login):
        body = login(world.users["head"]).get(url("schools:school-detail")).content.decode()
        assert "2nde pro" in body
        assert "90,0 h" in body or "90.0 h" in body
        assert "2A" in body and "1B" in body

    def test_it_refuses_students(self, world, login):
        assert login(world.users["student"]).get(url("schools:school-detail")).status_code == 403

    def test_it_refuses_guardians(self, world, login):
        assert login(world.users["guardian"]).get(url("schools:school-detail")).status_code == 403

    def test_outsider_sees_only_their_own_school(self, world, login):
        body = login(world.users["outsider"]).get(url("schools:school-detail")).content.decode()
        assert "Lycée B" in body
        assert "Lycée A" not in body

    def test_academy_sees_head_counts_but_no_names(self, world, login):
        body = login(world.users["academy"]).get(url("schools:school-detail")).content.decode()
        assert "2A" in body
        assert world.student.last_name not in body


class TestDivisionPage:
    def test_it_lists_the_students(self, world, login):
        response = login(world.users["teacher"]).get(
            url("schools:division-detail", world.division.pk)
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "MARTIN" in body and "HÉLÈNE" in body

    def test_it_hides_divisions_a_teacher_does_not_teach(self, world, login):
        response = login(world.users["teacher"]).get(
            url("schools:division-detail", world.other_division.pk)
        )
        assert response.status_code == 403

    def test_it_answers_404_to_an_outsider(self, world, login):
        response = login(world.users["outsider"]).get(
            url("schools:division-detail", world.division.pk)
        )
        assert response.status_code == 404

    def test_it_answers_404_for_unknown_divisions(self, world, login):
        response = login(world.users["head"]).get(url("schools:division-detail", 999999))
        assert response.status_code == 404

    def test_it_refuses_students(self, world, login):
        response = login(world.users["student"]).get(
            url("schools:division-detail", world.division.pk)
        )
        assert response.status_code == 403

    def test_it_refuses_academy(self, world, login):
        response = login(world.users["academy"]).get(
            url("schools:division-detail", world.division.pk)
        )
        assert response.status_code == 403

    def test_level_coordinator_sees_only_their_levels(self, world, login):
        client = login(world.users["level_coordinator"])
        assert (
            client.get(url("schools:division-detail", world.other_division.pk)).status_code == 200
        )
        assert client.get(url("schools:division-detail", world.division.pk)).status_code == 403

    def test_it_leaves_out_students_who_left(self, world, login):
        import datetime

        world.classmate.exit_date = datetime.date(2026, 10, 1)
        world.classmate.save()
        body = (
            login(world.users["head"])
            .get(url("schools:division-detail", world.division.pk))
            .content.decode()
        )
        assert "HÉLÈNE" not in body


class TestStudentPage:
    def test_it_shows_identity_project_and_guardians(self, world, login):
        response = login(world.users["teacher"]).get(
            url("schools:student-detail", world.student.pk)
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert world.student.ine in body
        assert "Dominique" in body  # guardian's first name
        assert "Projet" in body

    def test_it_shows_the_special_scheme_only_when_there_is_one(self, world, login):
        client = login(world.users["teacher"])
        page = url("schools:student-detail", world.student.pk)
        assert "Dispositif particulier" not in client.get(page).content.decode()
        world.student.scheme = "ulis"
        world.student.save()
        body = client.get(page).content.decode()
        assert "Dispositif particulier" in body
        assert "ULIS" in body

    def test_student_sees_themself(self, world, login):
        response = login(world.users["student"]).get(
            url("schools:student-detail", world.student.pk)
        )
        assert response.status_code == 200

    def test_student_cannot_see_a_classmate(self, world, login):
        response = login(world.users["student"]).get(
            url("schools:student-detail", world.classmate.pk)
        )
        assert response.status_code == 403

    def test_guardian_sees_their_child(self, world, login):
        response = login(world.users["guardian"]).get(
            url("schools:student-detail", world.student.pk)
        )
        assert response.status_code == 200

    def test_guardian_cannot_see_another_student(self, world, login):
        response = login(world.users["guardian"]).get(
            url("schools:student-detail", world.classmate.pk)
        )
        assert response.status_code == 403

    def test_teacher_cannot_see_students_of_other_divisions(self, world, login):
        response = login(world.users["teacher"]).get(
            url("schools:student-detail", world.student_elsewhere.pk)
        )
        assert response.status_code == 403

    def test_academy_never_sees_a_student(self, world, login):
        response = login(world.users["academy"]).get(
            url("schools:student-detail", world.student.pk)
        )
        assert response.status_code == 403

    def test_outsider_gets_404(self, world, login):
        response = login(world.users["outsider"]).get(
            url("schools:student-detail", world.student.pk)
        )
        assert response.status_code == 404

    def test_unknown_student_gets_404(self, world, login):
        assert (
            login(world.users["head"]).get(url("schools:student-detail", 987654)).status_code == 404
        )

    def test_it_requires_login(self, client, world):
        response = client.get(url("schools:student-detail", world.student.pk))
        assert response.status_code == 302


class TestStudentList:
    def test_it_lists_visible_students_only(self, world, login):
        body = login(world.users["teacher"]).get(url("schools:student-list")).content.decode()
        assert "MARTIN" in body
        assert "DURAND" not in body
        assert "SECRET" not in body

    def test_it_searches_ignoring_accents_and_case(self, world, login):
        from appui.schools.services import student_update

        student_update(student=world.classmate)
        body = (
            login(world.users["head"])
            .get(url("schools:student-list"), {"q": "helene"})
            .content.decode()
        )
        assert "HÉLÈNE" in body
        assert "MARTIN" not in body

    def test_it_finds_a_student_by_ine(self, world, login):
        body = (
            login(world.users["head"])
            .get(url("schools:student-list"), {"q": world.student.ine})
            .content.decode()
        )
        assert "MARTIN" in body and "DURAND" not in body

    def test_it_filters_by_level(self, world, login):
        body = (
            login(world.users["head"])
            .get(url("schools:student-list"), {"niveau": world.other_level.pk})
            .content.decode()
        )
        assert "DURAND" in body and "MARTIN" not in body

    def test_it_answers_htmx_with_the_results_only(self, world, login):
        response = login(world.users["head"]).get(
            url("schools:student-list"), HTTP_HX_REQUEST="true"
        )
        body = response.content.decode()
        assert "<html" not in body
        assert "MARTIN" in body

    def test_it_paginates(self, world, login):
        from appui.schools.tests.factories import StudentFactory

        StudentFactory.create_batch(60, division=world.division)
        response = login(world.users["head"]).get(url("schools:student-list"))
        assert len(response.context["page"].object_list) == 50
        assert 'rel="next"' in response.content.decode()

    def test_it_refuses_students(self, world, login):
        assert login(world.users["student"]).get(url("schools:student-list")).status_code == 403

    def test_it_refuses_academy(self, world, login):
        assert login(world.users["academy"]).get(url("schools:student-list")).status_code == 403

    def test_outsider_sees_none_of_school_a(self, world, login):
        body = login(world.users["outsider"]).get(url("schools:student-list")).content.decode()
        assert "MARTIN" not in body
        assert "Aucun élève ne correspond" in body  # they teach no division of school B yet


class TestSchoolSwitch:
    def test_a_user_of_two_schools_can_switch(self, world, login):
        from appui.schools.tests.factories import MembershipFactory

        head = world.users["head"]
        MembershipFactory(user=head, school=world.other_school, role="head")
        client = login(head)
        response = client.post(url("schools:school-select", world.other_school.pk))
        assert response.status_code == 302
        assert "Lycée B" in client.get(url("schools:school-detail")).content.decode()

    def test_it_refuses_a_school_the_user_has_no_role_in(self, world, login):
        response = login(world.users["head"]).post(
            url("schools:school-select", world.other_school.pk)
        )
        assert response.status_code == 404

    def test_it_requires_post(self, world, login):
        response = login(world.users["head"]).get(url("schools:school-select", world.school.pk))
        assert response.status_code == 405


class TestQueryCounts:
    """A page's query count must not grow with the number of rows it shows."""

    def count(self, client, url, django_assert_max_num_queries):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    @pytest.mark.parametrize(
        "name", ["schools:division-detail", "schools:student-list", "schools:school-detail"]
    )
    def test_queries_do_not_grow_with_rows(self, world, login, name, django_assert_max_num_queries):
        from appui.schools.tests.factories import StudentFactory

        client = login(world.users["head"])
        target = url(name, world.division.pk) if name == "schools:division-detail" else url(name)
        before = self.count(client, target, django_assert_max_num_queries)
        StudentFactory.create_batch(30, division=world.division)
        after = self.count(client, target, django_assert_max_num_queries)
        assert after == before


class TestSchoolList:
    def test_it_lists_only_the_users_schools(self, world, login):
        body = login(world.users["outsider"]).get(url("schools:school-list")).content.decode()
        assert "Lycée B" in body and "Lycée A" not in body

    def test_it_requires_login(self, client):
        assert client.get(url("schools:school-list")).status_code == 302


class TestStudentLifeStaff:
    def test_a_cpe_sees_every_student_and_restricted_notes(self, world, login):
        from appui.schools.access import SchoolAccess
        from appui.schools.models import Staff
        from appui.schools.tests.factories import MembershipFactory, UserFactory

        user = UserFactory(username="cpe")
        MembershipFactory(user=user, school=world.school, role="teacher")
        Staff.objects.create(
            school=world.school, user=user, last_name="Cpe", first_name="Jo", function="cpe"
        )
        client = login(user)
        assert (
            client.get(url("schools:student-detail", world.student_elsewhere.pk)).status_code == 200
        )
        assert SchoolAccess.load(user, world.school).can_see_restricted_notes
