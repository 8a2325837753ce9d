import datetime

import pytest
from django.urls import reverse

from appui.diagnostics import services
from appui.diagnostics.models import Result

pytestmark = pytest.mark.django_db


def post_cell(client, campaign, student, competency, value, version):
    return client.post(
        reverse("diagnostics:result-save", args=[campaign.pk]),
        {"student": student.pk, "competency": competency.pk, "value": value, "version": version},
    )


class TestCampaignPages:
    def test_anonymous_is_redirected(self, client, campaign):
        assert client.get(reverse("diagnostics:campaign-list")).status_code == 302

    def test_teacher_sees_the_campaign_of_their_division(self, world, login, campaign):
        body = (
            login(world.users["teacher"]).get(reverse("diagnostics:campaign-list")).content.decode()
        )
        assert "Bilan de rentrée" in body

    def test_students_are_refused(self, world, login, campaign):
        client = login(world.users["student"])
        assert client.get(reverse("diagnostics:campaign-list")).status_code == 403
        assert (
            client.get(reverse("diagnostics:campaign-detail", args=[campaign.pk])).status_code
            == 403
        )

    def test_outsider_gets_404(self, world, login, campaign):
        response = login(world.users["outsider"]).get(
            reverse("diagnostics:campaign-detail", args=[campaign.pk])
        )
        assert response.status_code == 404

    def test_teacher_of_another_level_is_refused(self, world, login, campaign):
        response = login(world.users["level_coordinator"]).get(
            reverse("diagnostics:campaign-detail", args=[campaign.pk])
        )
        assert response.status_code == 403

    def test_only_coordinators_change_the_state(self, world, login, campaign):
        url = reverse("diagnostics:campaign-state", args=[campaign.pk])
        assert login(world.users["teacher"]).post(url, {"state": "closed"}).status_code == 403
        login(world.users["coordinator"]).post(url, {"state": "closed"})
        campaign.refresh_from_db()
        assert campaign.state == "closed"

    def test_coordinator_creates_a_campaign(self, world, login, campaign):
        client = login(world.users["coordinator"])
        competency = campaign.competencies.first()
        response = client.post(
            reverse("diagnostics:campaign-create"),
            {
                "level": world.other_level.pk,
                "period": campaign.period.pk,
                "kind": "positioning_test",
                "name": "Test de positionnement",
                "date": "2026-09-20",
                "scale": "lsu",
                "competencies": [competency.pk],
            },
        )
        assert response.status_code == 302
        assert world.other_level.campaigns.get().name == "Test de positionnement"

    def test_teacher_cannot_create_a_campaign(self, world, login, campaign):
        assert (
            login(world.users["teacher"]).get(reverse("diagnostics:campaign-create")).status_code
            == 403
        )


class TestGrid:
    def url(self, campaign, division):
        return reverse("diagnostics:result-grid", args=[campaign.pk, division.pk])

    def test_teacher_opens_the_grid_of_their_division(self, world, login, campaign):
        response = login(world.users["teacher"]).get(self.url(campaign, world.division))
        assert response.status_code == 200
        assert "FR.LEC" in response.content.decode()
        assert "MARTIN Léa" in response.content.decode()

    def test_a_division_outside_the_level_is_404(self, world, login, campaign):
        response = login(world.users["head"]).get(self.url(campaign, world.other_division))
        assert response.status_code == 404

    def test_a_saved_cell_comes_back_with_its_new_version(self, world, login, campaign, competency):
        response = post_cell(
            login(world.users["teacher"]), campaign, world.student, competency, "3", 0
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert 'name="version" value="1"' in body
        assert "Enregistré" in body

    def test_a_conflict_answers_409_with_the_other_value(self, world, login, campaign, competency):
        services.result_set(
            campaign=campaign,
            student=world.student,
            competency=competency,
            text="4",
            user=world.users["head"],
        )
        response = post_cell(
            login(world.users["teacher"]), campaign, world.student, competency, "1", 0
        )
        assert response.status_code == 409
        assert 'value="4"' in response.content.decode()
        assert Result.objects.get().value == 4

    def test_a_bad_value_answers_422_in_french(self, world, login, campaign, competency):
        response = post_cell(
            login(world.users["teacher"]), campaign, world.student, competency, "9", 0
        )
        assert response.status_code == 422
        assert "non reconnue" in response.content.decode()

    def test_a_student_cannot_save_a_cell(self, world, login, campaign, competency):
        response = post_cell(
            login(world.users["student"]), campaign, world.student, competency, "4", 0
        )
        assert response.status_code == 403

    def test_an_outsider_cannot_save_a_cell(self, world, login, campaign, competency):
        response = post_cell(
            login(world.users["outsider"]), campaign, world.student, competency, "4", 0
        )
        assert response.status_code == 404


class TestNeeds:
    def test_coordinator_sees_the_level_heatmap(self, world, login, campaign, competency):
        services.result_set(
            campaign=campaign, student=world.student, competency=competency, text="1", user=None
        )
        response = login(world.users["coordinator"]).get(
            reverse("diagnostics:level-needs", args=[world.level.pk])
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert 'class="need need-3"' in body

    def test_teacher_cannot_open_the_level_heatmap(self, world, login, campaign):
        response = login(world.users["teacher"]).get(
            reverse("diagnostics:level-needs", args=[world.level.pk])
        )
        assert response.status_code == 403

    def test_teacher_sees_their_division_heatmap(self, world, login, campaign):
        response = login(world.users["teacher"]).get(
            reverse("diagnostics:division-needs", args=[world.division.pk])
        )
        assert response.status_code == 200

    def test_academy_never_sees_a_heatmap(self, world, login, campaign):
        client = login(world.users["academy"])
        assert (
            client.get(reverse("diagnostics:level-needs", args=[world.level.pk])).status_code == 403
        )
        assert (
            client.get(reverse("diagnostics:division-needs", args=[world.division.pk])).status_code
            == 403
        )

    def test_profile_shows_the_need_and_its_evidence(self, world, login, campaign, competency):
        services.result_set(
            campaign=campaign, student=world.student, competency=competency, text="1", user=None
        )
        body = (
            login(world.users["teacher"])
            .get(reverse("diagnostics:student-profile", args=[world.student.pk]))
            .content.decode()
        )
        assert "Comprendre un texte écrit" in body
        assert "Bilan de rentrée" in body

    def test_restricted_notes_are_hidden_from_teachers(self, world, login, campaign):
        services.observation_create(
            student=world.student,
            author=None,
            date=datetime.date(2026, 9, 20),
            signal="difficulty",
            note="Situation familiale difficile",
            restricted=True,
        )
        url = reverse("diagnostics:student-profile", args=[world.student.pk])
        assert "Situation familiale" not in login(world.users["teacher"]).get(url).content.decode()
        assert "Situation familiale" in login(world.users["coordinator"]).get(url).content.decode()

    def test_a_student_sees_their_own_profile_but_not_a_classmates(self, world, login, campaign):
        client = login(world.users["student"])
        assert (
            client.get(reverse("diagnostics:student-profile", args=[world.student.pk])).status_code
            == 200
        )
        assert (
            client.get(
                reverse("diagnostics:student-profile", args=[world.classmate.pk])
            ).status_code
            == 403
        )

    def test_teacher_records_an_observation(self, world, login, campaign, competency):
        response = login(world.users["teacher"]).post(
            reverse("diagnostics:observation-create", args=[world.student.pk]),
            {
                "date": "2026-09-21",
                "signal": "strength",
                "competency": competency.pk,
                "note": "Lit bien",
            },
        )
        assert response.status_code == 302
        assert world.student.observations.get().note == "Lit bien"

    def test_students_cannot_record_observations(self, world, login, campaign):
        response = login(world.users["student"]).get(
            reverse("diagnostics:observation-create", args=[world.student.pk])
        )
        assert response.status_code == 403

    def test_teacher_cannot_change_frameworks(self, world, login, campaign):
        url = reverse("diagnostics:framework-detail", args=[campaign.framework.pk])
        client = login(world.users["teacher"])
        assert client.get(url).status_code == 200
        assert client.post(url, {"action": "new-version", "version": "x"}).status_code == 403


class TestFrameworkEditing:
    def url(self, framework):
        return reverse("diagnostics:framework-detail", args=[framework.pk])

    def test_coordinator_adds_a_competency_to_an_unused_version(self, world, login):
        framework = services.framework_install_default(school=world.school)
        domain = framework.domains.get(code="FR")
        login(world.users["coordinator"]).post(
            self.url(framework),
            {
                "action": "add",
                "domain": domain.pk,
                "code": "fr.voc",
                "label": "Vocabulaire",
                "kind": "disciplinary",
            },
        )
        assert framework.competencies.get(code="FR.VOC").label == "Vocabulaire"

    def test_a_used_version_takes_no_new_competency(self, world, login, campaign, competency):
        services.result_set(
            campaign=campaign, student=world.student, competency=competency, text="2", user=None
        )
        framework = campaign.framework
        response = login(world.users["coordinator"]).post(
            self.url(framework),
            {
                "action": "add",
                "domain": competency.domain.pk,
                "code": "FR.VOC",
                "label": "Voc",
                "kind": "disciplinary",
            },
            follow=True,
        )
        assert "nouvelle version" in response.content.decode()
        assert not framework.competencies.filter(code="FR.VOC").exists()
