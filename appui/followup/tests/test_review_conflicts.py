"""A stage review carries a version: two saves on the same state never silently undo each
other (validate + edit sent together, two edits at once); the second is refused, nothing is
written, and its text is shown again."""

import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from appui.followup import services
from appui.followup.models import StageReview
from appui.schools.models import Membership, Teaching
from appui.schools.tests import factories as f

pytestmark = pytest.mark.django_db

TEXTS = {"progress": "P", "strengths": "S", "next_objectives": "N", "comment": "C"}


@pytest.fixture
def review(world, ap):
    (review,) = services.reviews_prepare(students=[world.student], period=ap.period, user=None)
    return review


@pytest.fixture
def main_teacher(world):
    """The professeur principal of the student's division: a second editor of the review."""
    user = f.UserFactory(username="main", first_name="Paul", last_name="Principal")
    f.MembershipFactory(user=user, school=world.school, role=Membership.Role.TEACHER)
    staff = f.StaffFactory(school=world.school, user=user)
    Teaching.objects.create(staff=staff, division=world.division, is_main_teacher=True)
    return user


def stored(review: StageReview) -> StageReview:
    return StageReview.objects.get(pk=review.pk)


class TestService:
    def test_each_save_bumps_the_version(self, world, review):
        assert review.version == 0
        services.review_update(review=review, user=None, version=0, **TEXTS)
        assert stored(review).version == 1
        services.review_validate(review=review, user=None, version=1)
        assert stored(review).version == 2
        services.review_reopen(review=review, user=None, version=2)
        services.review_refresh(review=review, user=None, version=3)
        assert stored(review).version == 4

    def test_a_stale_edit_after_a_validation_is_refused_and_the_review_stays_validated(
        self, world, review
    ):
        opened = review.version
        services.review_validate(
            review=stored(review), user=world.users["coordinator"], version=opened
        )
        with pytest.raises(services.ReviewChanged):
            services.review_update(
                review=stored(review), user=None, version=opened, **{**TEXTS, "comment": "B"}
            )
        now = stored(review)
        assert now.is_validated and now.comment == "" and now.version == opened + 1

    def test_a_stale_validation_after_an_edit_is_refused(self, world, review):
        opened = review.version
        services.review_update(review=stored(review), user=None, version=opened, **TEXTS)
        with pytest.raises(services.ReviewChanged):
            services.review_update(
                review=stored(review),
                user=None,
                version=opened,
                validate=True,
                **{**TEXTS, "comment": "other"},
            )
        now = stored(review)
        assert not now.is_validated and now.comment == "C"

    def test_of_two_edits_on_the_same_state_the_second_is_refused_naming_the_first(
        self, world, review
    ):
        first, second = stored(review), stored(review)
        services.review_update(
            review=first, user=world.users["coordinator"], version=first.version, **TEXTS
        )
        with pytest.raises(services.ReviewChanged) as conflict:
            services.review_update(
                review=second, user=None, version=second.version, **{**TEXTS, "comment": "B"}
            )
        assert stored(review).comment == "C"
        message = str(conflict.value)
        assert str(world.users["coordinator"]) in message
        assert "10:0" in message  # the clock is pinned at 10:00 in Paris

    def test_a_stale_reopen_or_refresh_changes_nothing(self, world, review):
        services.review_validate(review=review, user=None, version=0)
        with pytest.raises(services.ReviewChanged):
            services.review_reopen(review=stored(review), user=None, version=0)
        assert stored(review).is_validated
        services.review_reopen(review=review, user=None, version=1)
        services.review_update(review=review, user=None, version=2, **TEXTS)
        with pytest.raises(services.ReviewChanged):
            services.review_refresh(review=stored(review), user=None, version=2)
        assert stored(review).progress == "P"

    def test_an_internal_call_without_a_version_still_never_undoes_a_validation(
        self, world, review
    ):
        stale = stored(review)
        services.review_validate(review=review, user=None)
        with pytest.raises(ValidationError):
            services.review_update(review=stale, user=None, **TEXTS)
        assert stored(review).is_validated


class TestForm:
    def url(self, review):
        return reverse("followup:review-detail", args=[review.pk])

    def test_validating_saves_what_is_typed(self, client, world, review):
        client.force_login(world.users["coordinator"])
        page = client.get(self.url(review)).content.decode()
        assert page.count('name="version"') == 2  # the review's form and « recompute »
        response = client.post(
            self.url(review),
            {**TEXTS, "comment": "Très bonne période", "version": 0, "action": "validate"},
        )
        assert response.status_code == 302
        now = stored(review)
        assert now.is_validated and now.comment == "Très bonne période"

    def test_a_stale_save_is_refused_and_keeps_the_typed_text(
        self, client, world, review, main_teacher
    ):
        services.review_validate(review=review, user=main_teacher, version=0)
        client.force_login(world.users["coordinator"])
        typed = {**TEXTS, "comment": "Mon texte à garder", "version": 0, "action": "save"}
        response = client.post(self.url(review), typed)
        assert response.status_code == 200
        body = response.content.decode()
        assert "Mon texte à garder" in body
        assert "Paul Principal" in body and "Votre texte est conservé" in body
        now = stored(review)
        assert now.is_validated and now.comment == "" and now.version == 1

    def test_a_form_without_a_version_is_treated_as_stale(self, client, world, review):
        client.force_login(world.users["coordinator"])
        response = client.post(self.url(review), {**TEXTS, "action": "validate"})
        assert response.status_code == 200
        assert not stored(review).is_validated and stored(review).progress != "P"

    def test_the_second_tab_gets_the_conflict(self, client, world, review):
        client.force_login(world.users["coordinator"])
        client.post(self.url(review), {**TEXTS, "version": 0, "action": "save"})
        response = client.post(
            self.url(review), {**TEXTS, "comment": "onglet 2", "version": 0, "action": "save"}
        )
        assert response.status_code == 200 and "onglet 2" in response.content.decode()
        assert stored(review).comment == "C"

    def test_a_stale_reopen_is_refused(self, client, world, review):
        services.review_validate(review=review, user=None, version=0)
        services.review_reopen(review=review, user=None, version=1)
        services.review_validate(review=review, user=None, version=2)
        client.force_login(world.users["coordinator"])
        action = reverse("followup:review-action", args=[review.pk])
        client.post(action, {"action": "reopen", "version": 1})
        assert stored(review).is_validated
        client.post(action, {"action": "reopen", "version": 3})
        assert not stored(review).is_validated


on_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="real concurrent transactions need PostgreSQL's row locks",
)


@on_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first_validates", [True, False])
def test_validate_and_edit_sent_together_never_silently_undo(world, ap, first_validates):
    """Two requests opened on the same state reach the service together (a barrier); the row
    lock serialises them: one succeeds, the other is refused, whatever the order."""
    (review,) = services.reviews_prepare(students=[world.student], period=ap.period, user=None)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def run(name: str, validate: bool) -> None:
        try:
            copy = stored(review)
            barrier.wait(timeout=10)
            services.review_update(
                review=copy,
                user=None,
                version=copy.version,
                validate=validate,
                **{**TEXTS, "comment": name},
            )
            outcomes[name] = "saved"
        except services.ReviewChanged:
            outcomes[name] = "conflict"
        finally:
            connection.close()

    for _trial in range(5):
        outcomes.clear()
        threads = [
            threading.Thread(target=run, args=("validator", True)),
            threading.Thread(target=run, args=("editor", False)),
        ]
        if not first_validates:
            threads.reverse()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes.values()) == ["conflict", "saved"], outcomes
        now = stored(review)
        winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
        assert now.comment == winner
        assert now.is_validated == (winner == "validator")
        if now.is_validated:
            services.review_reopen(review=now, user=None, version=now.version)
