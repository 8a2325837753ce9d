"""Whoever holds a backup cannot tell who wrote which survey comment.

Thirty-three pupils answer, one after the other, each with a comment saying who they are (so the
test knows the truth). The attacker holds the database: participations in the order they
were written, and comments in every order the storage gives away — SQLite's rowid or
PostgreSQL's physical order (ctid), the primary keys — plus any date column. Pairing the
n-th participation with the n-th comment must do no better than chance.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from appui.schools.models import Membership
from appui.schools.tests import factories as f
from appui.steering import selectors, services
from appui.steering.models import Comment, Participation, Question, Survey

pytestmark = pytest.mark.django_db

PUPILS = 33


@pytest.fixture(autouse=True)
def school_day():
    """A Tuesday of November in Paris: the survey's window is inside the school year."""
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Europe/Paris"))):
        yield


@pytest.fixture
def answered(world):
    """An open survey with a comment question, answered by 33 pupils in a known order."""
    today = timezone.localdate()
    survey = services.survey_create(
        year=world.year,
        template=Survey.Template.STUDENTS,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30),
        for_students=True,
    )
    survey = services.survey_publish(survey=survey)
    question = survey.questions.filter(kind=Question.Kind.TEXT).first()
    scale = survey.questions.filter(kind=Question.Kind.SCALE).first()
    authors = []
    for number in range(PUPILS):
        user = f.UserFactory(username=f"pupil{number}")
        f.MembershipFactory(user=user, school=world.school, role=Membership.Role.STUDENT)
        f.StudentFactory(division=world.division, user=user, last_name=f"Pupil{number}")
        services.survey_answer(
            survey=survey,
            user=user,
            answers={question.pk: f"written by pupil{number}", scale.pk: 1 + number % 4},
        )
        authors.append(user.pk)
    return survey, authors


def comments_in_storage_order(survey) -> list[str]:
    """The comments as a backup holds them: rowid (SQLite) or physical (PostgreSQL) order."""
    physical = "rowid" if connection.vendor == "sqlite" else "ctid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.text FROM steering_comment c JOIN steering_question q "
            f"ON q.id = c.question_id WHERE q.survey_id = %s ORDER BY c.{physical}",
            [survey.pk],
        )
        return [row[0] for row in cursor.fetchall()]


def pairing_hits(authors: list[int], comments: list[str]) -> int:
    """How many comments the attacker attributes right by pairing the orders."""
    usernames = {pk: f"pupil{number}" for number, pk in enumerate(authors)}
    participations = list(Participation.objects.order_by("pk").values_list("user_id", flat=True))
    return sum(
        1
        for user_id, text in zip(participations, comments, strict=False)
        if text == f"written by {usernames[user_id]}"
    )


def test_storage_order_does_not_pair_comments_with_participations(answered):
    survey, authors = answered
    stored = comments_in_storage_order(survey)
    assert len(stored) == PUPILS
    # A random order pairs about one right; more than 8 of 33 happens once in 100,000 runs.
    assert pairing_hits(authors, stored) <= 8


def test_key_order_does_not_pair_them_either(answered):
    survey, authors = answered
    by_key = list(
        Comment.objects.filter(question__survey=survey)
        .order_by("pk")
        .values_list("text", flat=True)
    )
    assert pairing_hits(authors, by_key) <= 8


def test_closing_keeps_the_order_random(answered):
    survey, authors = answered
    services.survey_close(survey=survey)
    stored = comments_in_storage_order(survey)
    assert len(stored) == PUPILS
    assert pairing_hits(authors, stored) <= 8


def test_no_column_dates_or_links_an_answer():
    comment_fields = {field.name for field in Comment._meta.get_fields()}
    assert comment_fields == {"id", "question", "text", "released"}
    participation_fields = {field.name for field in Participation._meta.get_fields()}
    assert participation_fields == {"id", "survey", "user", "audience"}
    for model in (Comment, Participation):
        assert not any(
            field.get_internal_type() in ("DateField", "DateTimeField", "TimeField")
            for field in model._meta.concrete_fields
        )


def test_the_last_answers_are_indistinguishable_among_the_pending_ones(answered):
    """Pending comments are the last few answers'; their order is random among them too."""
    survey, _authors = answered
    pending = Comment.objects.filter(question__survey=survey, released=False).count()
    assert pending < services.COMMENT_BATCH
    assert Comment.objects.filter(question__survey=survey, released=True).count() == (
        PUPILS - pending
    )


def test_a_comment_appears_on_the_dashboard_only_with_a_batch(world, answered):
    survey, _authors = answered
    question = survey.questions.filter(kind=Question.Kind.TEXT).first()
    shown = selectors.survey_comments(survey).get(question.pk, [])
    released = Comment.objects.filter(question=question, released=True).count()
    assert len(shown) == released < PUPILS


def test_every_comment_is_shown_once_the_survey_is_closed(answered):
    survey, _authors = answered
    services.survey_close(survey=survey)
    survey.refresh_from_db()
    question = survey.questions.filter(kind=Question.Kind.TEXT).first()
    shown = selectors.survey_comments(survey)[question.pk]
    assert sorted(shown) == sorted(f"written by pupil{n}" for n in range(PUPILS))


def test_the_counts_stay_exact(answered):
    survey, _authors = answered
    scale = survey.questions.filter(kind=Question.Kind.SCALE).first()
    counts = selectors.survey_results(survey)["counts"][scale.pk]
    assert counts == {1: 9, 2: 8, 3: 8, 4: 8}
    assert selectors.survey_results(survey)["respondents"] == {"student": PUPILS}
