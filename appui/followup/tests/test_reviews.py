import datetime

import pytest
from django.core.exceptions import ValidationError

from appui.diagnostics.models import Competency, Interview, NeedProfile
from appui.followup import selectors, services
from appui.followup.models import StageReview

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def run_module(world, ap):
    """Four sessions held: the student progresses from 2 to 3, misses one, assesses themself."""
    for index, session in enumerate(ap.sessions[:4]):
        if index == 2:
            services.attendance_set(
                session=session, student=world.student, status="absent", user=None, today=TODAY
            )
        services.attendance_all_present(session=session, user=None, today=TODAY)
        if index != 2:
            services.mark_set(
                session=session,
                student=world.student,
                level=2 if index < 2 else 3,
                user=None,
                today=TODAY,
            )
    services.student_mark_set(
        session=ap.sessions[3], assessor=world.student, level=4, user=None, today=TODAY
    )


class TestFacts:
    def test_facts_gather_modules_attendance_and_progress(self, world, ap):
        run_module(world, ap)
        facts = selectors.review_facts([world.student], ap.period)[world.student.pk]
        (module,) = facts["modules"]
        assert module["title"] == "Lire pour comprendre"
        assert (module["held"], module["attended"]) == (4, 3)
        assert (module["first_level"], module["last_level"], module["self_level"]) == (2, 3, 4)
        assert facts["attendance"]["rate"] == 0.75
        assert facts["attendance"]["absent"] == 1
        assert any("Objectif atteint" in s for s in facts["strengths"])

    def test_next_objectives_come_from_the_need_profile(self, world, ap):
        NeedProfile.objects.create(
            student=world.student,
            needs={
                "MA.CAL": {"level": 3, "kind": "remediation", "priority": 1},
                "FR.LEC": {"level": 2, "kind": "remediation", "priority": 2},
                "OR.ETU": {"level": 1, "kind": "deepening", "priority": 3},
            },
        )
        facts = selectors.review_facts([world.student], ap.period)[world.student.pk]
        label = Competency.objects.get(framework__school=world.school, code="MA.CAL").label
        # FR.LEC is the module's focus already: it is not repeated.
        assert facts["next"] == [f"Travailler : {label}."]
        assert any(s.startswith("Peut approfondir") for s in facts["strengths"])

    def test_facts_for_many_students_take_constant_queries(
        self, world, ap, django_assert_max_num_queries
    ):
        run_module(world, ap)
        with django_assert_max_num_queries(8):
            selectors.review_facts([world.student, world.classmate], ap.period)


class TestWorkflow:
    def test_drafts_are_prepared_once_from_the_data(self, world, ap):
        run_module(world, ap)
        reviews = services.reviews_prepare(
            students=[world.student, world.classmate], period=ap.period, user=None
        )
        assert len(reviews) == 2
        review = StageReview.objects.get(student=world.student)
        assert review.status == StageReview.Status.DRAFT
        assert "Lire pour comprendre" in review.progress
        assert "maîtrise satisfaisante" in review.progress
        assert "Présence : 75 %" in review.progress
        assert services.reviews_prepare(students=[world.student], period=ap.period, user=None) == []

    def test_a_draft_is_edited_validated_reopened(self, world, ap):
        (review,) = services.reviews_prepare(students=[world.student], period=ap.period, user=None)
        services.review_update(
            review=review,
            progress="Progrès",
            strengths="Sérieux",
            next_objectives="Oral",
            comment="Bravo",
            user=world.users["coordinator"],
        )
        services.review_validate(review=review, user=world.users["coordinator"])
        assert review.is_validated and review.validated_at and review.validated_by
        with pytest.raises(ValidationError):
            services.review_update(
                review=review,
                progress="",
                strengths="",
                next_objectives="",
                comment="",
                user=None,
            )
        with pytest.raises(ValidationError):
            services.review_validate(review=review, user=None)
        services.review_reopen(review=review, user=None)
        assert review.status == StageReview.Status.DRAFT and review.validated_at is None

    def test_refreshing_rewrites_the_texts_and_keeps_the_comment(self, world, ap):
        (review,) = services.reviews_prepare(students=[world.student], period=ap.period, user=None)
        review.comment = "À garder"
        review.save()
        run_module(world, ap)
        services.review_refresh(review=review, user=None)
        assert "maîtrise satisfaisante" in review.progress
        assert review.comment == "À garder"


class TestPortfolio:
    def test_the_timeline_shows_groups_marks_and_reviews_by_period(self, world, ap):
        run_module(world, ap)
        (review,) = services.reviews_prepare(students=[world.student], period=ap.period, user=None)
        years = selectors.portfolio(world.student, staff=True, restricted=False)
        assert [y.label for y in years] == ["2026-2027"]
        events = [e for p in years[0].periods for e in p.events]
        kinds = {e.kind for e in events}
        assert {"group", "review"} <= kinds
        group = next(e for e in events if e.kind == "group")
        assert group.obj["held"] == 4 and group.obj["attended"] == 3
        assert len(group.items) == 4  # three teacher marks and a self-assessment

    def test_drafts_and_notes_are_hidden_from_the_family(self, world, ap):
        services.reviews_prepare(students=[world.student], period=ap.period, user=None)
        Interview.objects.create(student=world.student, date=datetime.date(2026, 9, 10))
        years = selectors.portfolio(world.student, staff=False, restricted=False)
        kinds = {e.kind for y in years for p in y.periods for e in p.events}
        assert "review" not in kinds and "interview" not in kinds

    def test_restricted_notes_need_the_right(self, world, ap):
        Interview.objects.create(
            student=world.student, date=datetime.date(2026, 9, 10), restricted=True
        )
        hidden = selectors.portfolio(world.student, staff=True, restricted=False)
        shown = selectors.portfolio(world.student, staff=True, restricted=True)
        assert not [e for y in hidden for p in y.periods for e in p.events if e.kind == "interview"]
        assert [e for y in shown for p in y.periods for e in p.events if e.kind == "interview"]
