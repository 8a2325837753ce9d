"""A coordinator of a level decides whether its need groups keep special schemes (SEGPA,
ULIS, UPE2A) apart; everything else about the level stays the head's."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from appui.schools import services

pytestmark = pytest.mark.django_db


def _post_schemes(client, level, *, separate, version=None, **extra):
    data = {
        "schemes": "1",
        "version": services.row_version(level) if version is None else version,
        **extra,
    }
    if separate:
        data["separate_schemes"] = "on"
    return client.post(reverse("schools:settings-level", args=[level.pk]), data, follow=True)


def test_a_coordinator_of_the_level_changes_the_rule_and_it_is_audited(world, login):
    level = world.other_level  # the level_coordinator's level
    assert level.separate_schemes is True
    response = _post_schemes(login(world.users["level_coordinator"]), level, separate=False)
    assert response.status_code == 200
    assert "La règle des dispositifs particuliers a été enregistrée." in html.unescape(
        response.content.decode()
    )
    level.refresh_from_db()
    assert level.separate_schemes is False
    assert level.updated_by == world.users["level_coordinator"]


def test_the_rule_form_changes_nothing_else(world, login):
    level = world.other_level
    hours = level.ap_hours
    _post_schemes(
        login(world.users["level_coordinator"]),
        level,
        separate=False,
        ap_hours="3",
        has_ap="",
        hours_reference="changed",
    )
    level.refresh_from_db()
    assert level.ap_hours == hours
    assert level.has_ap is True
    assert level.hours_reference != "changed"


def test_a_whole_school_coordinator_changes_the_rule_of_any_level(world, login):
    level = world.level
    _post_schemes(login(world.users["coordinator"]), level, separate=False)
    level.refresh_from_db()
    assert level.separate_schemes is False


def test_a_coordinator_of_another_level_is_refused(world, login):
    level = world.level  # the level_coordinator only coordinates other_level
    response = _post_schemes(login(world.users["level_coordinator"]), level, separate=False)
    assert response.status_code == 403
    level.refresh_from_db()
    assert level.separate_schemes is True


@pytest.mark.parametrize("username", ["teacher", "student", "guardian"])
def test_other_roles_are_refused(world, login, username):
    level = world.level
    response = _post_schemes(login(world.users[username]), level, separate=False)
    assert response.status_code == 403
    level.refresh_from_db()
    assert level.separate_schemes is True


def test_an_outsider_gets_404(world, login):
    response = _post_schemes(login(world.users["outsider"]), world.level, separate=False)
    assert response.status_code == 404


def test_a_stale_rule_changes_nothing_and_says_so(world, login):
    level = world.other_level
    opened = services.row_version(level)
    services.level_settings_save(
        level=level,
        version=opened,
        user=world.users["head"],
        ap_hours=Decimal("80"),
        hours_reference="",
        has_ap=True,
        separate_schemes=True,
    )
    response = _post_schemes(
        login(world.users["level_coordinator"]), level, separate=False, version=opened
    )
    level.refresh_from_db()
    assert level.separate_schemes is True
    assert level.updated_by == world.users["head"]
    assert "rien n'a été modifié" in html.unescape(response.content.decode())


def test_a_level_coordinator_still_cannot_save_the_head_form(world, login):
    level = world.other_level
    response = login(world.users["level_coordinator"]).post(
        reverse("schools:settings-level", args=[level.pk]),
        {"version": services.row_version(level), "ap_hours": "12", "has_ap": "on"},
    )
    assert response.status_code == 403


def test_the_page_offers_the_rule_form_only_to_coordinators_of_the_level(world, login):
    client = login(world.users["level_coordinator"])
    own = client.get(reverse("schools:settings-level", args=[world.other_level.pk]))
    other = client.get(reverse("schools:settings-level", args=[world.level.pk]))
    assert 'id="schemes-form"' in own.content.decode()
    assert 'name="ap_hours"' not in own.content.decode()
    assert 'id="schemes-form"' not in other.content.decode()
    head = login(world.users["head"]).get(reverse("schools:settings-level", args=[world.level.pk]))
    assert 'id="schemes-form"' not in head.content.decode()
    assert 'name="separate_schemes"' in head.content.decode()
