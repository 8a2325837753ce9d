"""The tutoring terms' form carries the version it was opened on: a head saving over terms
changed meanwhile is refused, nothing written, the typed values shown again."""

from decimal import Decimal

import pytest
from django.urls import reverse

from appui.schools.services import ChangedMeanwhile, row_version
from appui.tutoring import services
from appui.tutoring.models import TutoringPolicy

pytestmark = pytest.mark.django_db


def _policy(world) -> TutoringPolicy:
    return TutoringPolicy.objects.get(year=world.year)


def test_the_form_carries_the_version(world, tutoring, login):
    body = login(world.users["head"]).get(reverse("tutoring:policy")).content.decode()
    assert f'value="{row_version(_policy(world))}"' in body


def test_a_stale_save_is_refused_and_nothing_is_written(world, tutoring):
    opened = row_version(_policy(world))
    services.policy_set(year=world.year, max_tutees=4, allowance_per_tutee=60, version=opened)
    with pytest.raises(ChangedMeanwhile):
        services.policy_set(year=world.year, max_tutees=3, allowance_per_tutee=70, version=opened)
    policy = _policy(world)
    assert (policy.max_tutees, policy.allowance_per_tutee) == (4, Decimal("60"))


def test_a_stale_form_shows_the_conflict_and_keeps_the_typed_values(world, tutoring, login):
    opened = row_version(_policy(world))
    services.policy_set(
        year=world.year, max_tutees=4, allowance_per_tutee=60, user=world.users["coordinator"]
    )
    response = login(world.users["head"]).post(
        reverse("tutoring:policy"),
        {"max_tutees": 7, "allowance_per_tutee": "73.25", "version": opened},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "pendant que vous les éditiez" in body and "Votre texte est conservé" in body
    assert 'value="7"' in body and 'value="73.25"' in body
    policy = _policy(world)
    assert (policy.max_tutees, policy.allowance_per_tutee) == (4, Decimal("60"))
    tutoring["tutor"].refresh_from_db()
    assert tutoring["tutor"].max_tutees == 4
