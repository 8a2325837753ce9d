"""Steering writes: surveys stay anonymous and one answer per person; targets, meetings,
outcomes keep their rules."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from appui.schools.tests import factories as f
from appui.steering import selectors, services
from appui.steering.models import (
    Comment,
    Outcome,
    Participation,
    Question,
    ScaleCount,
    Survey,
    Target,
)

pytestmark = pytest.mark.django_db


def scale_answers(survey, value, audience="student"):
    questions = survey.questions.filter(kind=Question.Kind.SCALE, audience=audience)
    return {q.pk: value for q in questions}


class TestSurveyAnonymity:
    def test_a_student_and_a_guardian_count_once_each(self, world, survey):
        services.survey_answer(
            survey=survey, user=world.users["student"], answers=scale_answers(survey, 4)
        )
        services.survey_answer(
            survey=survey,
            user=world.users["guardian"],
            answers=scale_answers(survey, 2, audience="guardian"),
        )
        results = selectors.survey_results(survey)
        assert results["respondents"] == {"student": 1, "guardian": 1}
        scale = survey.questions.filter(kind=Question.Kind.SCALE)
        pupils, guardians = scale.filter(audience="student"), scale.filter(audience="guardian")
        assert results["counts"][pupils.first().pk] == {1: 0, 2: 0, 3: 0, 4: 1}
        assert results["counts"][guardians.first().pk] == {1: 0, 2: 1, 3: 0, 4: 0}

    def test_a_second_answer_is_refused_and_counts_nothing(self, world, survey):
        services.survey_answer(
            survey=survey, user=world.users["student"], answers=scale_answers(survey, 4)
        )
        with pytest.raises(ValidationError, match="déjà répondu"):
            services.survey_answer(
                survey=survey, user=world.users["student"], answers=scale_answers(survey, 1)
            )
        assert ScaleCount.objects.filter(value=1, count__gt=0).count() == 0
        assert Participation.objects.count() == 1

    def test_the_database_refuses_two_participations(self, world, survey):
        Participation.objects.create(survey=survey, user=world.users["student"], audience="student")
        with pytest.raises(IntegrityError), transaction.atomic():
            Participation.objects.create(
                survey=survey, user=world.users["student"], audience="student"
            )

    def test_nothing_stored_with_an_answer_points_to_a_person_or_a_time(self):
        # Answers are counters and comments: no foreign key to a user, a person, or a date.
        for model in (ScaleCount, Comment):
            for field in model._meta.get_fields():
                related = getattr(field, "related_model", None)
                assert related is None or related._meta.label in {"steering.Question"}, field
                assert field.get_internal_type() not in {"DateField", "DateTimeField"}, field
        # The participation holds nothing about the answer nor when it was given.
        names = {f.name for f in Participation._meta.get_fields()}
        assert names == {"id", "survey", "user", "audience"}

    def test_comments_have_random_keys(self, world, survey):
        text_question = survey.questions.get(kind=Question.Kind.TEXT, audience="student")
        services.survey_answer(
            survey=survey, user=world.users["student"], answers={text_question.pk: "Plus d'oral"}
        )
        comment = Comment.objects.get()
        assert isinstance(comment.pk, type(Comment._meta.pk.default()))
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM steering_comment")
            (row,) = cursor.fetchall()
        assert len(row) == 4  # id, question, text, released (by batch): nothing else

    def test_people_outside_the_audience_cannot_answer(self, world, survey):
        with pytest.raises(ValidationError):
            services.survey_answer(
                survey=survey, user=world.users["teacher"], answers=scale_answers(survey, 3)
            )
        outsider_student = f.UserFactory()
        world.foreign_student.user = outsider_student
        world.foreign_student.save()
        with pytest.raises(ValidationError):
            services.survey_answer(
                survey=survey, user=outsider_student, answers=scale_answers(survey, 3)
            )

    def test_a_closed_survey_takes_no_answer(self, world, survey):
        services.survey_close(survey=survey)
        with pytest.raises(ValidationError, match="pas ouverte"):
            services.survey_answer(
                survey=survey, user=world.users["student"], answers=scale_answers(survey, 3)
            )

    def test_values_off_the_scale_are_refused(self, world, survey):
        with pytest.raises(ValidationError):
            services.survey_answer(
                survey=survey, user=world.users["student"], answers=scale_answers(survey, 5)
            )
        assert not Participation.objects.exists()

    def test_an_empty_answer_is_refused(self, world, survey):
        with pytest.raises(ValidationError):
            services.survey_answer(survey=survey, user=world.users["student"], answers={})


class TestSurveyLifecycle:
    def test_a_survey_starts_from_its_template(self, world):
        today = timezone.localdate()
        survey = services.survey_create(
            year=world.year, template="staff", opens_on=today, closes_on=today, for_staff=True
        )
        assert survey.current_status == "draft"
        assert survey.questions.count() == 6
        assert survey.title

    def test_questions_change_only_while_draft(self, world, survey):
        with pytest.raises(ValidationError):
            services.question_add(survey=survey, text="Une de plus ?")

    def test_a_survey_needs_an_audience(self, world):
        today = timezone.localdate()
        with pytest.raises(ValidationError):
            services.survey_create(
                year=world.year, template="staff", opens_on=today, closes_on=today
            )

    def test_a_survey_cannot_close_before_it_opens(self, world):
        today = timezone.localdate()
        with pytest.raises(ValidationError):
            services.survey_create(
                year=world.year,
                template="staff",
                opens_on=today,
                closes_on=today - datetime.timedelta(days=1),
                for_staff=True,
            )

    def test_population_counts_each_audience(self, world, survey):
        assert selectors.survey_population(survey) == {"student": 3, "guardian": 1}

    def test_surveys_to_answer_leave_out_answered_ones(self, world, survey):
        today = timezone.localdate()
        user = world.users["student"]
        assert selectors.surveys_to_answer(user, world.school, world.year, today) == [survey]
        services.survey_answer(survey=survey, user=user, answers=scale_answers(survey, 3))
        assert selectors.surveys_to_answer(user, world.school, world.year, today) == []

    def test_a_level_limited_survey_is_only_for_that_level(self, world):
        today = timezone.localdate()
        survey = services.survey_create(
            year=world.year,
            template="students",
            opens_on=today,
            closes_on=today,
            for_students=True,
            levels=[world.other_level],
        )
        services.survey_publish(survey=Survey.objects.get(pk=survey.pk))
        assert selectors.survey_audience_for(survey, world.users["student"]) is None


class TestTargetsMeetingsOutcomes:
    def test_a_target_is_replaced_not_duplicated(self, world):
        services.target_set(year=world.year, indicator="attendance", value=Decimal("90"))
        services.target_set(year=world.year, indicator="attendance", value=Decimal("85"))
        target = Target.objects.get()
        assert (target.value, target.direction) == (Decimal("85"), "at_least")

    def test_never_offered_targets_are_at_most(self, world):
        target = services.target_set(year=world.year, indicator="never_offered", value=Decimal("5"))
        assert target.direction == "at_most"

    def test_a_target_on_another_years_level_is_refused(self, world):
        other = f.LevelFactory()
        with pytest.raises(ValidationError):
            services.target_set(year=world.year, indicator="attendance", value=1, level=other)

    def test_an_action_is_for_staff_of_the_school(self, world, meeting):
        stranger = f.StaffFactory(school=world.other_school)
        with pytest.raises(ValidationError):
            services.action_add(
                meeting=meeting["meeting"],
                description="x",
                owner=stranger,
                due_date=datetime.date(2026, 12, 1),
            )

    def test_meeting_attendees_are_staff_of_the_school(self, world):
        stranger = f.StaffFactory(school=world.other_school)
        with pytest.raises(ValidationError):
            services.meeting_save(
                year=world.year,
                kind="council",
                date=datetime.date(2026, 9, 20),
                title="Conseil",
                agenda="x",
                attendees=[stranger],
            )

    def test_open_decisions_and_actions_until_done(self, world, meeting):
        scope = selectors.Scope(school=world.school, year=world.year, today=timezone.localdate())
        decisions, actions = selectors.open_decisions(scope)
        assert decisions == [meeting["decision"]] and actions == [meeting["action"]]
        services.decision_set_done(decision=meeting["decision"], day=timezone.localdate())
        services.action_set_done(action=meeting["action"], day=timezone.localdate())
        assert selectors.open_decisions(scope) == ([], [])

    def test_outcomes_must_be_consistent(self, world):
        with pytest.raises(ValidationError):
            services.outcome_set(
                school=world.school, start_year=2025, level=world.level, enrolled=10, repeating=11
            )
        with pytest.raises(ValidationError):
            services.outcome_set(
                school=world.school,
                start_year=2025,
                level=world.level,
                enrolled=30,
                candidates=20,
                passed=21,
            )

    def test_outcomes_are_recorded_per_level_and_year(self, world):
        services.outcome_set(school=world.school, start_year=2025, level=world.level, enrolled=30)
        services.outcome_set(
            school=world.school, start_year=2025, level=world.level, enrolled=31, repeating=2
        )
        outcome = Outcome.objects.get()
        assert (outcome.enrolled, outcome.repeating) == (31, 2)

    def test_the_database_refuses_inconsistent_outcomes(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            Outcome.objects.create(
                school=world.school,
                start_year=2025,
                track="bacpro",
                year_in_cycle=1,
                label="x",
                enrolled=5,
                repeating=6,
            )
