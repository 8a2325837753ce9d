"""The three strands (seed 000, « Les trois volets du dispositif d'accompagnement »): planned
by the level's split, scheduled and delivered, on the hour pages; the split set in the level
settings must add up to the yearly volume."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from appui.followup import selectors
from appui.schools import services as schools

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def split(level, consolidation, personalised, orientation):
    level.consolidation_hours = Decimal(consolidation)
    level.personalised_hours = Decimal(personalised)
    level.orientation_hours = Decimal(orientation)
    level.save()


def test_the_level_page_shows_the_split_beside_scheduled_and_delivered(world, ap, login):
    split(world.level, "30", "40", "20")  # 90 h
    strands = {
        row["strand"].value: row for row in selectors.level_hours(world.level, TODAY)["strands"]
    }
    assert strands["consolidation"]["split"] == 30 * 60
    assert strands["orientation"]["split"] == 20 * 60
    assert strands["consolidation"]["planned"].high == 7 * 90  # the support module's sessions
    page = html.unescape(
        login(world.users["head"])
        .get(reverse("followup:hours-level", args=[world.level.pk]))
        .content.decode()
    )
    for label in (
        "Consolidation des acquis",
        "Accompagnement personnalisé",
        "Aide à l'orientation",
    ):
        assert label in page
    assert "Prévu (répartition)" in page and "30 h" in page


def test_without_a_split_the_planned_column_is_empty(world, ap):
    strands = selectors.level_hours(world.level, TODAY)["strands"]
    assert [row["split"] for row in strands] == [None, None, None]


def test_a_split_that_no_longer_adds_up_is_ignored_not_fatal(world, ap):
    split(world.level, "30", "40", "20")
    world.level.ap_hours = Decimal("72")  # changed by an import since
    world.level.save()
    assert selectors.level_volume(world.level).split is None


def test_the_hours_index_shows_the_strands_without_more_queries(
    world, ap, login, django_assert_max_num_queries
):
    # 25 queries before the strands were added (measured on the previous commit with the
    # same fixture); the summary reads the split from the level rows already loaded.
    split(world.level, "30", "40", "20")
    client = login(world.users["head"])
    url = reverse("followup:hours-index")
    client.get(url)  # warm the session and the translations
    with django_assert_max_num_queries(25):
        response = client.get(url)
    page = html.unescape(response.content.decode())
    assert "assuré / programmé / prévu" in page
    assert "Aide à l'orientation : 0 h / 0 h / 20 h" in page


class TestSettings:
    def post(self, client, level, **values):
        data = {
            "version": schools.row_version(level),
            "has_ap": "on",
            "ap_hours": "90",
            "separate_schemes": "on",
            **values,
        }
        return client.post(reverse("schools:settings-level", args=[level.pk]), data, follow=True)

    def test_the_head_sets_a_split_that_adds_up(self, world, login):
        self.post(
            login(world.users["head"]),
            world.level,
            consolidation_hours="30",
            personalised_hours="40,5",
            orientation_hours="19,5",
        )
        world.level.refresh_from_db()
        assert world.level.strand_split is not None
        assert world.level.strand_split.as_dict() == {
            "consolidation": 1800,
            "personalised": 2430,
            "orientation": 1170,
        }

    def test_a_split_that_does_not_add_up_is_refused_with_the_reason(self, world, login):
        response = self.post(
            login(world.users["head"]),
            world.level,
            consolidation_hours="30",
            personalised_hours="40",
            orientation_hours="30",
        )
        page = html.unescape(response.content.decode())
        assert "ne correspond pas au volume dû" in page
        world.level.refresh_from_db()
        assert world.level.strand_split is None

    def test_two_strands_out_of_three_are_refused(self, world, login):
        response = self.post(
            login(world.users["head"]),
            world.level,
            consolidation_hours="30",
            personalised_hours="60",
        )
        assert "Indiquez les heures des trois volets" in html.unescape(response.content.decode())
        world.level.refresh_from_db()
        assert world.level.consolidation_hours is None

    def test_the_parcours_switch_is_offered_on_a_terminale_only(self, world, login):
        client = login(world.users["head"])
        url = reverse("schools:settings-level", args=[world.level.pk])
        assert 'name="group_by_parcours"' not in client.get(url).content.decode()
        world.level.year_in_cycle = 3
        world.level.save()
        assert 'name="group_by_parcours"' in client.get(url).content.decode()
        self.post(client, world.level, group_by_parcours="on")
        world.level.refresh_from_db()
        assert world.level.group_by_parcours is True

    def test_a_coordinator_of_the_level_switches_the_parcours_rule(self, world, login):
        level = world.other_level  # the level_coordinator's level
        level.year_in_cycle = 3
        level.save()
        client = login(world.users["level_coordinator"])
        client.post(
            reverse("schools:settings-level", args=[level.pk]),
            {
                "schemes": "1",
                "version": schools.row_version(level),
                "separate_schemes": "on",
                "group_by_parcours": "on",
            },
        )
        level.refresh_from_db()
        assert level.group_by_parcours is True and level.separate_schemes is True
