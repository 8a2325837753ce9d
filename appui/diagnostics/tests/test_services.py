import datetime

import pytest
from django.core.exceptions import ValidationError

from appui.diagnostics import services
from appui.diagnostics.models import Campaign, Competency, NeedProfile, Result

pytestmark = pytest.mark.django_db


def save(campaign, student, competency, text, version=None, user=None):
    return services.result_set(
        campaign=campaign,
        student=student,
        competency=competency,
        text=text,
        user=user,
        expected_version=version,
    )


class TestResultEntry:
    def test_a_typed_level_is_saved_with_version_one(self, world, campaign, competency):
        result = save(campaign, world.student, competency, "2", version=0)
        assert (result.value, result.version) == (2, 1)

    def test_codes_and_absences_are_understood(self, world, campaign, competency):
        assert save(campaign, world.student, competency, "TBM").value == 4
        result = save(campaign, world.student, competency, "abs")
        assert (result.value, result.not_assessed) == (None, "abs")

    def test_an_unreadable_value_is_refused_in_french(self, world, campaign, competency):
        with pytest.raises(ValidationError, match="non reconnue"):
            save(campaign, world.student, competency, "7")
        assert not Result.objects.exists()

    def test_a_stale_version_is_a_conflict_and_changes_nothing(self, world, campaign, competency):
        save(campaign, world.student, competency, "2", version=0)
        with pytest.raises(services.ResultConflict) as conflict:
            save(campaign, world.student, competency, "4", version=0)
        assert conflict.value.result.value == 2
        assert Result.objects.get().value == 2

    def test_saving_the_same_value_keeps_the_version(self, world, campaign, competency):
        save(campaign, world.student, competency, "3", version=0)
        result = save(campaign, world.student, competency, "3", version=1)
        assert result.version == 1

    def test_a_blank_cell_removes_the_result(self, world, campaign, competency):
        save(campaign, world.student, competency, "3", version=0)
        save(campaign, world.student, competency, "", version=1)
        assert not Result.objects.exists()

    def test_a_closed_campaign_refuses_entry(self, world, campaign, competency):
        services.campaign_set_state(campaign=campaign, state=Campaign.State.CLOSED)
        with pytest.raises(ValidationError):
            save(campaign, world.student, competency, "3")

    def test_a_student_of_another_level_is_refused(self, world, campaign, competency):
        with pytest.raises(ValidationError):
            save(campaign, world.student_elsewhere, competency, "3")

    def test_the_need_profile_follows_the_results(self, world, campaign, competency):
        save(campaign, world.student, competency, "1")
        assert NeedProfile.objects.get(student=world.student).level("FR.LEC") == 3
        save(campaign, world.student, competency, "4")
        need = NeedProfile.objects.get(student=world.student).needs["FR.LEC"]
        # A very good result leaves no remediation need; it may suggest deepening (seed 003).
        assert need["kind"] == "deepening" or need["level"] == 0


class TestFrameworks:
    def test_a_used_competency_cannot_be_deleted_only_retired(self, world, campaign, competency):
        save(campaign, world.student, competency, "2")
        with pytest.raises(ValidationError, match="seulement retirée"):
            services.competency_delete(competency=competency)
        services.competency_retire(competency=competency)
        assert Competency.objects.get(pk=competency.pk).retired

    def test_a_used_competency_keeps_its_wording(self, world, campaign, competency):
        save(campaign, world.student, competency, "2")
        with pytest.raises(ValidationError, match="nouvelle version"):
            services.competency_update(competency=competency, label="Autre chose", description="")

    def test_a_new_version_copies_and_leaves_past_campaigns_alone(self, world, campaign):
        framework = campaign.framework
        copy = services.framework_new_version(framework=framework, version="v2")
        assert copy.competencies.count() == framework.competencies.count()
        assert set(campaign.competencies.values_list("framework", flat=True)) == {framework.pk}

    def test_installing_the_default_twice_changes_nothing(self, world):
        first = services.framework_install_default(school=world.school)
        assert services.framework_install_default(school=world.school) == first


class TestCampaigns:
    def test_a_campaign_needs_competencies(self, world, campaign):
        with pytest.raises(ValidationError):
            services.campaign_create(
                level=world.level,
                period=campaign.period,
                kind="other",
                name="Vide",
                date=datetime.date(2026, 9, 20),
                framework=campaign.framework,
                competencies=[],
            )

    def test_draft_open_closed_and_back_to_open(self, world, campaign):
        services.campaign_set_state(campaign=campaign, state="closed")
        services.campaign_set_state(campaign=campaign, state="open")
        assert campaign.state == "open"

    def test_with_results_it_cannot_return_to_draft(self, world, campaign, competency):
        save(campaign, world.student, competency, "2")
        with pytest.raises(ValidationError):
            services.campaign_set_state(campaign=campaign, state="draft")


class TestNotes:
    def test_an_interview_sets_the_project_and_the_orientation_need(self, world):
        services.framework_install_default(school=world.school)
        services.interview_create(
            student=world.student,
            author=None,
            date=datetime.date(2026, 9, 10),
            kind="welcome",
            project="further_studies",
            aspirations="BTS",
        )
        world.student.refresh_from_db()
        assert world.student.project == "further_studies"
        assert NeedProfile.objects.get(student=world.student).level("OR.ETU") == 2
