"""Typed survey questions: catalogue questions keep their key and are translated when shown,
each question has a type and an audience, only scale questions count as « satisfaits »."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from appui.schools.tests import factories as f
from appui.steering import dashboard, selectors, services
from appui.steering.models import Question, ScaleCount, Survey
from appui.steering.survey_templates import NO, YES

pytestmark = pytest.mark.django_db


def body(response):
    return response.content.decode()


def staff_survey(world, **kwargs):
    today = timezone.localdate()
    return services.survey_create(
        year=world.year, opens_on=today, closes_on=today, for_staff=True, **kwargs
    )


class TestCatalogueQuestions:
    def test_each_audience_gets_its_own_catalogue_questions(self, world, survey):
        keys = dict(survey.questions.values_list("template_key", "audience"))
        assert keys["students.progress"] == "student"
        assert keys["guardians.informed"] == "guardian"
        assert {audience for audience in keys.values()} == {"student", "guardian"}
        assert not any(key.startswith("staff.") for key in keys)

    def test_a_catalogue_question_is_translated_when_shown_not_when_created(self, world):
        with translation.override("en"):
            survey = staff_survey(world)
        question = survey.questions.get(template_key="staff.diagnosis")
        assert question.text == "The diagnosis helped form relevant need groups."
        with translation.override("fr"):
            assert question.label == (
                "Le diagnostic a permis de former des groupes de besoins pertinents."
            )
            assert survey.title == "L'avis des équipes sur l'accompagnement personnalisé (AP)"
        with translation.override("en"):
            assert question.label == "The diagnosis helped form relevant need groups."

    def test_a_typed_question_keeps_its_text_in_every_language(self, world):
        survey = staff_survey(world)
        question = services.question_add(survey=survey, text="Les salles conviennent-elles ?")
        assert (question.template_key, question.audience) == ("", "staff")
        with translation.override("en"):
            assert question.label == "Les salles conviennent-elles ?"

    def test_a_typed_title_is_kept(self, world):
        survey = staff_survey(world, title="Bilan de l'AP")
        with translation.override("en"):
            assert Survey.objects.get(pk=survey.pk).title == "Bilan de l'AP"


class TestAudiences:
    def test_a_question_cannot_be_asked_to_people_the_survey_is_not_for(self, world):
        survey = staff_survey(world)
        with pytest.raises(ValidationError):
            services.question_add(survey=survey, text="Mon enfant ?", audience="guardian")

    def test_a_template_for_another_audience_is_refused(self, world):
        with pytest.raises(ValidationError):
            staff_survey(world, template="guardians")

    def test_every_audience_needs_a_question_before_publishing(self, world):
        today = timezone.localdate()
        survey = services.survey_create(
            year=world.year, opens_on=today, closes_on=today, for_students=True, for_guardians=True
        )
        survey.questions.filter(audience="guardian").delete()
        with pytest.raises(ValidationError, match="responsables légaux"):
            services.survey_publish(survey=survey)

    def test_nobody_answers_another_audiences_question(self, world, survey):
        guardian_question = survey.questions.filter(audience="guardian", kind="scale").first()
        with pytest.raises(ValidationError):
            services.survey_answer(
                survey=survey, user=world.users["student"], answers={guardian_question.pk: 4}
            )
        assert not survey.participations.exists()

    def test_the_answer_page_shows_only_the_persons_questions(self, world, survey, login):
        text = body(
            login(world.users["guardian"]).get(reverse("steering:survey-answer", args=[survey.pk]))
        )
        assert escape("L'AP aide mon enfant à progresser.") in text
        assert escape("Les modules d'AP m'ont aidé(e) à progresser.") not in text


class TestYesNoQuestions:
    def answered(self, world, training_answers):
        survey = staff_survey(world)
        services.survey_publish(survey=survey)
        training = survey.questions.get(template_key="staff.training")
        scale = survey.questions.filter(kind=Question.Kind.SCALE)
        for answer in training_answers:
            staff = f.StaffFactory(school=world.school)
            services.survey_answer(
                survey=survey,
                user=staff.user,
                answers={training.pk: answer, **{q.pk: 4 for q in scale}},
            )
        return survey, training

    def test_the_training_wish_is_a_yes_no_question(self, world):
        survey = staff_survey(world)
        assert survey.questions.get(template_key="staff.training").kind == Question.Kind.YES_NO

    def test_a_yes_no_question_is_not_counted_as_satisfaction(self, world):
        # Everybody « strongly agrees » with the scale questions and says no to training:
        # « % de satisfaits » stays 100 %.
        survey, training = self.answered(world, [NO] * 5)
        results = selectors.survey_results(survey)
        assert training.pk not in results["counts"]
        assert results["yes_no"][training.pk] == {YES: 0, NO: 5}
        scope = selectors.Scope(
            school=world.school, year=world.year, today=datetime.date(2026, 11, 24)
        )
        (data,) = dashboard.compute(scope).surveys
        assert data["satisfaction"].rate == 1

    def test_a_yes_no_answer_is_only_yes_or_no(self, world):
        survey = staff_survey(world)
        services.survey_publish(survey=survey)
        training = survey.questions.get(template_key="staff.training")
        staff = f.StaffFactory(school=world.school)
        with pytest.raises(ValidationError):
            services.survey_answer(survey=survey, user=staff.user, answers={training.pk: 3})

    def test_a_staff_member_answers_yes_on_the_answer_page(self, world, login):
        survey = staff_survey(world)
        services.survey_publish(survey=survey)
        training = survey.questions.get(template_key="staff.training")
        client = login(world.users["teacher"])
        url = reverse("steering:survey-answer", args=[survey.pk])
        text = body(client.get(url))
        assert f'name="q{training.pk}" value="{YES}"> oui' in text
        assert f'name="q{training.pk}" value="{NO}"> non' in text
        client.post(url, {f"q{training.pk}": str(YES)})
        assert dict(training.counts.values_list("value", "count")) == {YES: 1, NO: 0}

    def test_the_results_page_shows_the_share_of_yes(self, world, login):
        survey, _training = self.answered(world, [YES, YES, YES, NO, NO])
        text = body(
            login(world.users["head"]).get(reverse("steering:survey-detail", args=[survey.pk]))
        )
        assert escape("Souhaitez-vous une formation sur l'AP ?") in text
        assert "60,0 % de « oui », 5 réponses" in text
        assert "100,0 % de satisfaits, 5 réponses" in text


class TestDataMigration:
    def test_old_questions_get_their_key_type_and_audience(self, world):
        migration = importlib.import_module("appui.steering.migrations.0007_typed_questions_data")
        survey = staff_survey(world)
        Survey.objects.filter(pk=survey.pk).update(
            custom_title="L'avis des équipes sur l'accompagnement personnalisé (AP)"
        )
        survey.questions.all().delete()
        old = Question.objects.create(
            survey=survey, order=1, kind="scale", text="Je souhaiterais une formation sur l'AP."
        )
        typed = Question.objects.create(survey=survey, order=2, kind="text", text="Autre ?")
        for value, count in {1: 1, 2: 2, 3: 3, 4: 4}.items():
            ScaleCount.objects.create(question=old, value=value, count=count)

        migration.type_questions(django_apps, None)

        old.refresh_from_db()
        typed.refresh_from_db()
        assert (old.template_key, old.kind, old.audience) == ("staff.training", "yesno", "staff")
        assert dict(old.counts.values_list("value", "count")) == {YES: 7, NO: 3}
        assert (typed.template_key, typed.kind, typed.audience) == ("", "text", "staff")
        assert Survey.objects.get(pk=survey.pk).custom_title == ""
