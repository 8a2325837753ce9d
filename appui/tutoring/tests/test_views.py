"""Tutoring pages: every page refuses anonymous users, outsiders (404) and wrong roles (403)."""

import pytest
from django.urls import reverse

from appui.schools.services import row_version
from appui.tutoring.models import TutoringPolicy, TutorMeeting, Tutorship

pytestmark = pytest.mark.django_db

SCHOOL_PAGES = [
    "tutoring:index",
    "tutoring:policy",
    "tutoring:volunteer",
    "tutoring:assign",
    "tutoring:suggestions",
    "tutoring:my-tutees",
    "tutoring:allowances",
]
TUTORSHIP_PAGES = ["tutoring:tutorship-detail", "tutoring:letter"]
TUTORSHIP_ACTIONS = [
    "tutoring:meeting-add",
    "tutoring:tutorship-end",
    "tutoring:tutorship-informed",
]


def body(response):
    return response.content.decode()


class TestAnonymous:
    @pytest.mark.parametrize("name", SCHOOL_PAGES)
    def test_school_pages_redirect_to_login(self, client, world, name):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    @pytest.mark.parametrize("name", TUTORSHIP_PAGES + TUTORSHIP_ACTIONS)
    def test_tutorship_pages_redirect_to_login(self, client, tutoring, name):
        url = reverse(name, args=[tutoring["tutorship"].pk])
        assert client.post(url).status_code == 302

    def test_the_student_record_redirects_to_login(self, client, world, tutoring):
        response = client.get(reverse("tutoring:student", args=[world.student.pk]))
        assert response.status_code == 302


class TestWrongRole:
    @pytest.mark.parametrize(
        "name, username",
        [
            ("tutoring:index", "teacher"),
            ("tutoring:index", "student"),
            ("tutoring:policy", "coordinator"),
            ("tutoring:allowances", "coordinator"),
            ("tutoring:assign", "teacher"),
            ("tutoring:suggestions", "guardian"),
            ("tutoring:my-tutees", "teacher"),
            ("tutoring:volunteer", "student"),
            ("tutoring:index", "academy"),
        ],
    )
    def test_school_pages_refuse_other_roles(self, world, tutoring, login, name, username):
        assert login(world.users[username]).get(reverse(name)).status_code == 403

    @pytest.mark.parametrize("name", TUTORSHIP_PAGES)
    def test_a_teacher_who_is_not_the_tutor_is_refused(self, world, tutoring, login, name):
        url = reverse(name, args=[tutoring["tutorship"].pk])
        assert login(world.users["teacher"]).get(url).status_code == 403

    def test_only_the_tutor_logs_meetings(self, world, tutoring, login):
        url = reverse("tutoring:meeting-add", args=[tutoring["tutorship"].pk])
        response = login(world.users["head"]).post(url, {"date": "2026-10-05", "topics": "x"})
        assert response.status_code == 403

    def test_only_a_manager_ends_a_tutorship(self, world, tutoring, login):
        url = reverse("tutoring:tutorship-end", args=[tutoring["tutorship"].pk])
        assert login(world.users["tutor"]).post(url).status_code == 403

    def test_a_level_coordinator_cannot_end_a_tutorship_of_another_level(
        self, world, tutoring, login
    ):
        url = reverse("tutoring:tutorship-end", args=[tutoring["tutorship"].pk])
        assert login(world.users["level_coordinator"]).post(url).status_code == 403

    def test_guardians_informed_needs_the_tutor_or_a_manager(self, world, tutoring, login):
        url = reverse("tutoring:tutorship-informed", args=[tutoring["tutorship"].pk])
        assert login(world.users["teacher"]).post(url).status_code == 403

    def test_a_teacher_cannot_read_a_students_tutoring_record(self, world, tutoring, login):
        url = reverse("tutoring:student", args=[world.student.pk])
        assert login(world.users["teacher"]).get(url).status_code == 403

    def test_a_student_cannot_read_a_classmates_record(self, world, tutoring, login):
        url = reverse("tutoring:student", args=[world.classmate.pk])
        assert login(world.users["student"]).get(url).status_code == 403


class TestOutsider:
    @pytest.mark.parametrize("name", TUTORSHIP_PAGES)
    def test_tutorship_pages_answer_404(self, world, tutoring, outsider_head, login, name):
        url = reverse(name, args=[tutoring["tutorship"].pk])
        assert login(outsider_head).get(url).status_code == 404

    @pytest.mark.parametrize("name", TUTORSHIP_ACTIONS)
    def test_tutorship_actions_answer_404(self, world, tutoring, outsider_head, login, name):
        url = reverse(name, args=[tutoring["tutorship"].pk])
        assert login(outsider_head).post(url).status_code == 404
        assert Tutorship.objects.get(pk=tutoring["tutorship"].pk).end_date is None

    def test_the_student_record_answers_404(self, world, tutoring, outsider_head, login):
        url = reverse("tutoring:student", args=[world.student.pk])
        assert login(outsider_head).get(url).status_code == 404

    @pytest.mark.parametrize("name", ["tutoring:assign", "tutoring:suggestions"])
    def test_filters_on_another_schools_level_answer_404(
        self, world, tutoring, outsider_head, login, name
    ):
        url = reverse(name) + f"?niveau={world.level.pk}"
        assert login(outsider_head).get(url).status_code == 404

    def test_assigning_another_schools_student_answers_404(
        self, world, tutoring, outsider_head, login
    ):
        response = login(outsider_head).post(
            reverse("tutoring:assign"),
            {"student": world.classmate.pk, "tutor": tutoring["spare"].pk},
        )
        assert response.status_code == 404
        assert not Tutorship.objects.filter(student=world.classmate).exists()

    def test_their_own_tutoring_page_shows_nothing_of_school_a(
        self, world, tutoring, outsider_head, login
    ):
        response = login(outsider_head).get(reverse("tutoring:index"))
        assert response.status_code == 200
        assert "TUTEUR" not in body(response)


class TestManagers:
    def test_the_head_sees_tutors_and_their_load(self, world, tutoring, login):
        response = login(world.users["head"]).get(reverse("tutoring:index"))
        assert response.status_code == 200
        text = body(response)
        assert "TUTEUR" in text and "1 / 2" in text

    def test_the_head_sets_the_terms(self, world, tutoring, login):
        response = login(world.users["head"]).post(
            reverse("tutoring:policy"),
            {"max_tutees": 5, "allowance_per_tutee": "62.50", "version": _policy_version(world)},
        )
        assert response.status_code == 302
        tutoring["tutor"].refresh_from_db()
        assert tutoring["tutor"].max_tutees == 5

    def test_lowering_below_a_load_shows_the_refusal(self, world, tutoring, login):
        from appui.tutoring import services
        from appui.tutoring.tests.conftest import TODAY

        services.tutorship_create(tutor=tutoring["tutor"], student=world.classmate, today=TODAY)
        response = login(world.users["head"]).post(
            reverse("tutoring:policy"),
            {"max_tutees": 1, "allowance_per_tutee": "50", "version": _policy_version(world)},
        )
        assert response.status_code == 200
        assert "TUTEUR" in body(response)

    def test_a_coordinator_assigns_a_tutor(self, world, tutoring, login):
        response = login(world.users["coordinator"]).post(
            reverse("tutoring:assign"),
            {"student": world.classmate.pk, "tutor": tutoring["spare"].pk},
        )
        assert response.status_code == 302
        assert Tutorship.objects.get(student=world.classmate).tutor == tutoring["spare"]

    def test_a_full_tutor_is_not_offered_and_cannot_be_chosen(self, world, tutoring, login):
        from appui.tutoring import services
        from appui.tutoring.tests.conftest import TODAY

        services.tutorship_create(tutor=tutoring["tutor"], student=world.classmate, today=TODAY)
        client = login(world.users["head"])
        page = body(client.get(reverse("tutoring:assign")))
        tutor_select = page.split('id="assign-tutor"')[1].split("</select>")[0]
        assert "TUTEUR" not in tutor_select and "RÉSERVE" in tutor_select
        client.post(
            reverse("tutoring:assign"),
            {"student": world.student_elsewhere.pk, "tutor": tutoring["tutor"].pk},
        )
        assert not Tutorship.objects.filter(student=world.student_elsewhere).exists()

    def test_a_level_coordinator_cannot_assign_outside_their_levels(self, world, tutoring, login):
        response = login(world.users["level_coordinator"]).post(
            reverse("tutoring:assign"),
            {"student": world.classmate.pk, "tutor": tutoring["spare"].pk},
        )
        assert response.status_code == 403

    def test_suggestions_are_listed_and_accepted(self, world, tutoring, login):
        client = login(world.users["head"])
        page = body(client.get(reverse("tutoring:suggestions")))
        pair = f"{world.classmate.pk}:{tutoring['tutor'].pk}"
        assert pair in page
        client.post(reverse("tutoring:suggestions"), {"pair": [pair]})
        assert Tutorship.objects.get(student=world.classmate).origin == "suggested"

    def test_allowances_download_as_a_spreadsheet(self, world, tutoring, login):
        client = login(world.users["head"])
        assert "50" in body(client.get(reverse("tutoring:allowances")))
        response = client.get(reverse("tutoring:allowances") + "?format=xlsx")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert b"".join(response.streaming_content)[:2] == b"PK"

    def test_an_unknown_download_format_is_404(self, world, tutoring, login):
        url = reverse("tutoring:allowances") + "?format=pdf"
        assert login(world.users["head"]).get(url).status_code == 404


class TestTutor:
    def test_a_teacher_volunteers(self, world, login):
        from appui.schools.models import Membership

        client = login(world.users["teacher"])
        assert client.get(reverse("tutoring:volunteer")).status_code == 200
        client.post(reverse("tutoring:volunteer"))
        assert Membership.objects.filter(
            user=world.users["teacher"], role=Membership.Role.TUTOR
        ).exists()

    def test_the_tutor_sees_their_tutees(self, world, tutoring, login):
        response = login(world.users["tutor"]).get(reverse("tutoring:my-tutees"))
        assert response.status_code == 200
        assert "MARTIN" in body(response)
        assert "HÉLÈNE" not in body(response)

    def test_the_tutor_logs_a_meeting(self, world, tutoring, login):
        client = login(world.users["tutor"])
        url = reverse("tutoring:meeting-add", args=[tutoring["tutorship"].pk])
        client.post(url, {"date": "2026-10-05", "topics": "Projet BTS", "next_steps": "Salon"})
        assert TutorMeeting.objects.get().topics == "Projet BTS"
        detail = client.get(reverse("tutoring:tutorship-detail", args=[tutoring["tutorship"].pk]))
        assert "Projet BTS" in body(detail)

    def test_the_tutor_prints_the_guardians_letter_and_records_it(self, world, tutoring, login):
        client = login(world.users["tutor"])
        pk = tutoring["tutorship"].pk
        assert client.get(reverse("tutoring:letter", args=[pk])).status_code == 200
        client.post(reverse("tutoring:tutorship-informed", args=[pk]))
        assert Tutorship.objects.get(pk=pk).guardians_informed_on is not None

    def test_the_head_ends_a_tutorship(self, world, tutoring, login):
        pk = tutoring["tutorship"].pk
        login(world.users["head"]).post(reverse("tutoring:tutorship-end", args=[pk]))
        assert Tutorship.objects.get(pk=pk).end_date is not None


class TestStudentRecord:
    @pytest.mark.parametrize("username", ["student", "guardian", "tutor", "head"])
    def test_the_student_their_guardian_tutor_and_head_read_the_meetings(
        self, world, tutoring, login, username
    ):
        from appui.tutoring import services
        from appui.tutoring.tests.conftest import TODAY

        services.meeting_log(
            tutorship=tutoring["tutorship"], date=TODAY, topics="Choix de BTS", today=TODAY
        )
        response = login(world.users[username]).get(
            reverse("tutoring:student", args=[world.student.pk])
        )
        assert response.status_code == 200
        assert "Choix de BTS" in body(response)


class TestPortfolioPartial:
    """`tutoring/_portfolio.html` shows the record to those who may read it, else nothing."""

    def render(self, rf, user, student):
        from django.template.loader import render_to_string

        request = rf.get("/")
        request.user = user
        return render_to_string("tutoring/_portfolio.html", {"student": student}, request=request)

    def test_the_guardian_reads_it(self, rf, world, tutoring):
        assert "TUTEUR" in self.render(rf, world.users["guardian"], world.student)

    def test_a_teacher_gets_nothing(self, rf, world, tutoring):
        assert self.render(rf, world.users["teacher"], world.student).strip() == ""

    def test_an_outsider_gets_nothing(self, rf, world, tutoring):
        assert self.render(rf, world.users["outsider"], world.student).strip() == ""


def _policy_version(world) -> str:
    """The version the terms' form carries (see ``test_conflicts``)."""
    return row_version(TutoringPolicy.objects.get(year=world.year))
