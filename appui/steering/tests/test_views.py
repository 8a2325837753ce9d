"""Steering pages: anonymous users go to the login page, outsiders get 404, wrong roles 403."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from appui.steering import services, summaries
from appui.steering.models import Action, Decision, Meeting, Milestone, Participation, Target

pytestmark = pytest.mark.django_db


def body(response):
    return response.content.decode()


@pytest.fixture
def items(world, meeting, survey):
    target = services.target_set(year=world.year, indicator="attendance", value=90)
    milestone = services.milestone_create(
        year=world.year, title="Re-diagnostic", due_date=datetime.date(2026, 10, 10)
    )
    question = survey.questions.first()
    return {
        "target": target,
        "milestone": milestone,
        "question": question,
        "survey": survey,
        **meeting,
    }


# (url name, args from items, method, allowed user, refused user)
OBJECT_VIEWS = [
    ("steering:target-delete", "target", "post", "head", "teacher"),
    ("steering:milestone-done", "milestone", "post", "coordinator", "teacher"),
    ("steering:milestone-delete", "milestone", "post", "head", "level_coordinator"),
    ("steering:meeting-detail", "meeting", "get", "teacher", "student"),
    ("steering:meeting-edit", "meeting", "get", "coordinator", "teacher"),
    ("steering:decision-add", "meeting", "post", "coordinator", "teacher"),
    ("steering:action-add", "meeting", "post", "coordinator", "guardian"),
    ("steering:decision-done", "decision", "post", "head", "teacher"),
    ("steering:action-done", "action", "post", "coordinator", "student"),
    ("steering:survey-detail", "survey", "get", "head", "teacher"),
    ("steering:survey-close", "survey", "post", "head", "level_coordinator"),
    ("steering:survey-publish", "survey", "post", "coordinator", "teacher"),
    ("steering:survey-export", "survey", "get", "head", "teacher"),
    ("steering:question-add", "survey", "post", "head", "teacher"),
    ("steering:question-delete", "question", "post", "head", "teacher"),
    ("steering:survey-answer", "survey", "get", "student", "teacher"),
]

SCHOOL_VIEWS = [
    # (url name, allowed, refused)
    ("steering:dashboard", "head", "level_coordinator"),
    ("steering:targets", "coordinator", "teacher"),
    ("steering:milestones", "level_coordinator", "student"),
    ("steering:meetings", "teacher", "guardian"),
    ("steering:meeting-create", "coordinator", "teacher"),
    ("steering:surveys", "head", "teacher"),
    ("steering:survey-create", "coordinator", "level_coordinator"),
    ("steering:outcomes", "head", "teacher"),
    ("steering:academy", "academy", "head"),
]


def call(client, method, url, data=None):
    return getattr(client, method)(url, data or {})


class TestAnonymous:
    @pytest.mark.parametrize("name, _a, _b", SCHOOL_VIEWS)
    def test_school_pages_redirect_to_login(self, client, world, name, _a, _b):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    @pytest.mark.parametrize("name, key, method, _a, _b", OBJECT_VIEWS)
    def test_object_pages_redirect_to_login(self, client, items, name, key, method, _a, _b):
        response = call(client, method, reverse(name, args=[items[key].pk]))
        assert response.status_code == 302

    def test_exports_redirect_to_login(self, client, world):
        assert client.get(reverse("steering:export", args=["hours"])).status_code == 302
        assert client.get(reverse("steering:academy-export", args=["hours"])).status_code == 302
        url = reverse("steering:level-export", args=[world.level.pk, "hours"])
        assert client.get(url).status_code == 302


class TestWrongRole:
    @pytest.mark.parametrize("name, _allowed, refused", SCHOOL_VIEWS)
    def test_school_pages_refuse_the_wrong_role(self, world, login, name, _allowed, refused):
        assert login(world.users[refused]).get(reverse(name)).status_code == 403

    @pytest.mark.parametrize("name, key, method, _allowed, refused", OBJECT_VIEWS)
    def test_object_pages_refuse_the_wrong_role(
        self, world, items, login, name, key, method, _allowed, refused
    ):
        response = call(login(world.users[refused]), method, reverse(name, args=[items[key].pk]))
        assert response.status_code == 403

    def test_a_level_coordinator_cannot_open_another_levels_dashboard(self, world, login):
        client = login(world.users["level_coordinator"])
        assert (
            client.get(reverse("steering:level-dashboard", args=[world.level.pk])).status_code
            == 403
        )
        url = reverse("steering:level-export", args=[world.level.pk, "hours"])
        assert client.get(url).status_code == 403

    def test_students_cannot_download_the_dashboard(self, world, login):
        url = reverse("steering:export", args=["hours"])
        assert login(world.users["student"]).get(url).status_code == 403

    def test_the_head_cannot_download_the_academie_view(self, world, login):
        url = reverse("steering:academy-export", args=["hours"])
        assert login(world.users["head"]).get(url).status_code == 403

    def test_the_owner_of_an_action_may_mark_it_done(self, world, items, login):
        url = reverse("steering:action-done", args=[items["action"].pk])
        assert login(world.users["teacher"]).post(url).status_code == 302
        assert Action.objects.get().done_on is not None


class TestOutsider:
    @pytest.mark.parametrize("name, key, method, _a, _b", OBJECT_VIEWS)
    def test_object_pages_answer_404(
        self, world, items, outsider_head, login, name, key, method, _a, _b
    ):
        response = call(login(outsider_head), method, reverse(name, args=[items[key].pk]))
        assert response.status_code == 404

    @pytest.mark.parametrize(
        "name",
        [
            "steering:dashboard",
            "steering:targets",
            "steering:milestones",
            "steering:meetings",
            "steering:surveys",
            "steering:outcomes",
        ],
    )
    def test_another_schools_year_answers_404(self, world, outsider_head, login, name):
        url = reverse(name) + f"?annee={world.year.pk}"
        assert login(outsider_head).get(url).status_code == 404

    @pytest.mark.parametrize("param", ["periode", "niveau", "division"])
    def test_another_schools_filters_answer_404(self, world, groups, outsider_head, login, param):
        value = {
            "periode": groups["period"].pk,
            "niveau": world.level.pk,
            "division": world.division.pk,
        }[param]
        url = reverse("steering:dashboard") + f"?{param}={value}"
        assert login(outsider_head).get(url).status_code == 404
        export = reverse("steering:export", args=["hours"]) + f"?{param}={value}"
        assert login(outsider_head).get(export).status_code == 404

    def test_another_schools_level_dashboard_answers_404(self, world, outsider_head, login):
        client = login(outsider_head)
        assert (
            client.get(reverse("steering:level-dashboard", args=[world.level.pk])).status_code
            == 404
        )
        url = reverse("steering:level-export", args=[world.level.pk, "hours"])
        assert client.get(url).status_code == 404

    def test_another_academies_school_answers_404(self, world, outsider_academy, login):
        client = login(outsider_academy)
        url = reverse("steering:academy") + f"?etablissement={world.school.pk}"
        assert client.get(url).status_code == 404
        url = (
            reverse("steering:academy-export", args=["hours"]) + f"?etablissement={world.school.pk}"
        )
        assert client.get(url).status_code == 404

    def test_nothing_changed(self, world, items, outsider_head, login):
        client = login(outsider_head)
        client.post(reverse("steering:target-delete", args=[items["target"].pk]))
        client.post(reverse("steering:survey-close", args=[items["survey"].pk]))
        assert Target.objects.filter(pk=items["target"].pk).exists()
        items["survey"].refresh_from_db()
        assert items["survey"].closed_at is None


class TestDashboards:
    def test_the_head_sees_every_indicator_with_downloads(self, world, groups, login):
        response = login(world.users["head"]).get(reverse("steering:dashboard"))
        assert response.status_code == 200
        text = body(response)
        for key in ["hours", "churn", "never_offered", "tutoring", "satisfaction", "milestones"]:
            assert f'data-indicator="{key}"' in text
            assert reverse("steering:export", args=[key]) in text
        assert "MARTIN" not in text.split('data-indicator="never_offered"')[0]

    def test_the_dashboard_lists_students_never_offered_a_module(self, world, groups, login):
        text = body(login(world.users["head"]).get(reverse("steering:dashboard")))
        assert "DURAND" in text  # Tom, in no group

    @pytest.mark.parametrize(
        "fmt, magic", [("xlsx", b"PK"), ("ods", b"PK"), ("csv", b"\xef\xbb\xbf")]
    )
    def test_each_indicator_downloads(self, world, groups, login, fmt, magic):
        url = reverse("steering:export", args=["churn"]) + f"?format={fmt}"
        response = login(world.users["coordinator"]).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(magic)

    def test_an_unknown_indicator_or_format_is_404(self, world, login):
        client = login(world.users["head"])
        assert client.get(reverse("steering:export", args=["nope"])).status_code == 404
        url = reverse("steering:export", args=["hours"]) + "?format=pdf"
        assert client.get(url).status_code == 404

    def test_filters_apply(self, world, groups, login):
        client = login(world.users["head"])
        url = (
            reverse("steering:dashboard")
            + f"?periode={groups['period'].pk}&niveau={world.level.pk}"
        )
        assert client.get(url).status_code == 200
        url = reverse("steering:dashboard") + f"?division={world.division.pk}"
        assert client.get(url).status_code == 200

    def test_a_level_coordinator_sees_their_level(self, world, login):
        client = login(world.users["level_coordinator"])
        response = client.get(reverse("steering:level-dashboard", args=[world.other_level.pk]))
        assert response.status_code == 200
        assert world.other_level.name in body(response)
        url = reverse("steering:level-export", args=[world.other_level.pk, "tutoring"])
        assert client.get(url).status_code == 200

    def test_the_academie_view_names_no_student(self, world, groups, login):
        summaries.refresh_school(world.school)  # the académie view reads the summaries
        response = login(world.users["academy"]).get(reverse("steering:academy"))
        assert response.status_code == 200
        text = body(response)
        assert world.school.name in text
        for student in (world.student, world.classmate, world.student_elsewhere):
            assert student.last_name.upper() not in text.upper()

    def test_the_academie_download_names_no_student(self, world, groups, login):
        summaries.refresh_school(world.school)  # the académie view reads the summaries
        url = reverse("steering:academy-export", args=["never_offered"]) + "?format=csv"
        content = b"".join(login(world.users["academy"]).get(url).streaming_content).decode()
        assert "Lycée A" in content
        assert "Durand" not in content and "DURAND" not in content


class TestSteeringPages:
    def test_a_coordinator_sets_a_target(self, world, login):
        client = login(world.users["coordinator"])
        response = client.post(
            reverse("steering:targets"),
            {
                "indicator": "attendance",
                "direction": "at_least",
                "value": "90",
                "version": services.targets_version(world.year),
            },
        )
        assert response.status_code == 302
        assert Target.objects.get().value == 90

    def test_a_level_coordinator_cannot_set_a_school_target(self, world, login):
        client = login(world.users["level_coordinator"])
        response = client.post(
            reverse("steering:targets"),
            {
                "indicator": "attendance",
                "direction": "at_least",
                "value": "90",
                "version": services.targets_version(world.year),
            },
        )
        assert response.status_code == 403

    def test_a_level_coordinator_sets_a_target_for_their_level(self, world, login):
        client = login(world.users["level_coordinator"])
        client.post(
            reverse("steering:targets"),
            {
                "indicator": "attendance",
                "direction": "at_least",
                "value": "90",
                "level": world.other_level.pk,
                "version": services.targets_version(world.year),
            },
        )
        assert Target.objects.get().level == world.other_level

    def test_milestones_are_added_and_marked_done(self, world, login):
        client = login(world.users["head"])
        client.post(
            reverse("steering:milestones"),
            {"title": "Bilans d'étape", "kind": "stage_review", "due_date": "2026-10-20"},
        )
        milestone = Milestone.objects.get()
        text = body(client.get(reverse("steering:milestones")))
        assert "Bilans d&#x27;étape" in text or "Bilans d'étape" in text
        client.post(reverse("steering:milestone-done", args=[milestone.pk]))
        milestone.refresh_from_db()
        assert milestone.done_on == timezone.localdate()

    def test_a_meeting_with_decisions_and_actions(self, world, login):
        from appui.schools.models import Staff

        teacher = Staff.objects.get(user=world.users["teacher"])
        client = login(world.users["coordinator"])
        response = client.post(
            reverse("steering:meeting-create"),
            {
                "kind": "council",
                "date": "2026-09-20",
                "title": "Conseil pédagogique",
                "agenda": "Objectifs",
                "minutes": "Compte rendu",
                "attendees": [teacher.pk],
                "levels": [world.level.pk],
            },
        )
        meeting = Meeting.objects.get()
        assert response.status_code == 302
        client.post(reverse("steering:decision-add", args=[meeting.pk]), {"text": "Décider"})
        decision = Decision.objects.get()
        client.post(
            reverse("steering:action-add", args=[meeting.pk]),
            {
                "description": "Faire",
                "owner": teacher.pk,
                "due_date": "2026-10-01",
                "decision": decision.pk,
            },
        )
        assert Action.objects.get().owner == teacher
        dashboard_page = body(client.get(reverse("steering:dashboard")))
        assert "Décider" in dashboard_page and "Faire" in dashboard_page
        client.post(
            reverse("steering:decision-done", args=[decision.pk]), {"next": "https://evil.example/"}
        )
        assert Decision.objects.get().done_on is not None
        assert "Décider" not in body(client.get(reverse("steering:dashboard")))

    def test_a_teacher_reads_the_minutes(self, world, items, login):
        response = login(world.users["teacher"]).get(
            reverse("steering:meeting-detail", args=[items["meeting"].pk])
        )
        assert "Renouveler les groupes" in body(response)
        assert 'id="decision-form"' not in body(response)

    def test_the_head_records_outcomes(self, world, login):
        client = login(world.users["head"])
        response = client.post(
            reverse("steering:outcomes"),
            {
                "level": world.level.pk,
                "start_year": 2025,
                "enrolled": 30,
                "repeating": 2,
                "candidates": 0,
                "passed": 0,
                "leavers": 0,
                "further_studies": 0,
                "version": services.outcomes_version(world.school),
            },
        )
        assert response.status_code == 302
        assert "30" in body(client.get(reverse("steering:outcomes")))


class TestSurveyPages:
    def test_the_head_creates_and_publishes_a_survey(self, world, login):
        client = login(world.users["head"])
        today = timezone.localdate()
        response = client.post(
            reverse("steering:survey-create"),
            {
                "template": "guardians",
                "title": "",
                "for_guardians": "on",
                "opens_on": today.isoformat(),
                "closes_on": (today + datetime.timedelta(days=7)).isoformat(),
            },
        )
        assert response.status_code == 302
        from appui.steering.models import Survey

        survey = Survey.objects.get()
        client.post(
            reverse("steering:question-add", args=[survey.pk]), {"text": "Q ?", "kind": "scale"}
        )
        client.post(reverse("steering:survey-publish", args=[survey.pk]))
        survey.refresh_from_db()
        assert survey.current_status == "open"
        assert survey.questions.count() == 6

    def test_a_student_answers_once(self, world, survey, login):
        client = login(world.users["student"])
        url = reverse("steering:survey-answer", args=[survey.pk])
        assert client.get(url).status_code == 200
        question = survey.questions.filter(kind="scale").first()
        client.post(url, {f"q{question.pk}": "4"})
        client.post(url, {f"q{question.pk}": "1"})
        assert Participation.objects.filter(survey=survey).count() == 1
        assert question.counts.get(value=4).count == 1
        assert question.counts.get(value=1).count == 0
        assert 'id="already-answered"' in body(client.get(url))

    def test_the_home_page_offers_the_survey_until_answered(self, world, survey, login):
        client = login(world.users["guardian"])
        assert reverse("steering:survey-answer", args=[survey.pk]) in body(
            client.get(reverse("home"))
        )
        question = survey.questions.filter(kind="scale", audience="guardian").first()
        client.post(reverse("steering:survey-answer", args=[survey.pk]), {f"q{question.pk}": "3"})
        assert reverse("steering:survey-answer", args=[survey.pk]) not in body(
            client.get(reverse("home"))
        )

    def test_results_are_hidden_below_five_answers(self, world, survey, login):
        question = survey.questions.filter(kind="scale").first()
        services.survey_answer(survey=survey, user=world.users["student"], answers={question.pk: 4})
        text = body(
            login(world.users["head"]).get(reverse("steering:survey-detail", args=[survey.pk]))
        )
        assert 'id="too-few"' in text
        assert "bar-fill" not in text

    def test_results_are_shown_from_five_answers(self, world, login):
        from appui.schools.tests import factories as f

        today = timezone.localdate()
        survey = services.survey_create(
            year=world.year, template="staff", opens_on=today, closes_on=today, for_staff=True
        )
        services.survey_publish(survey=survey)
        question = survey.questions.filter(kind="scale").first()
        for _n in range(5):
            staff = f.StaffFactory(school=world.school)
            services.survey_answer(survey=survey, user=staff.user, answers={question.pk: 3})
        client = login(world.users["head"])
        text = body(client.get(reverse("steering:survey-detail", args=[survey.pk])))
        assert 'id="too-few"' not in text and "bar-fill" in text
        export = client.get(reverse("steering:survey-export", args=[survey.pk]) + "?format=csv")
        assert ";5;" in b"".join(export.streaming_content).decode()

    def test_the_home_page_shows_each_roles_entry_points(self, world, login):
        assert 'data-entry="dashboard"' in body(login(world.users["head"]).get(reverse("home")))
        text = body(login(world.users["level_coordinator"]).get(reverse("home")))
        assert 'data-entry="level-dashboard"' in text
        assert 'data-entry="academy"' in body(login(world.users["academy"]).get(reverse("home")))
        assert 'data-entry="volunteer"' in body(login(world.users["teacher"]).get(reverse("home")))
