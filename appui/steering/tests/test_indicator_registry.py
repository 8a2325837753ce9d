"""Adding an indicator is one declaration in appui.core.indicators: the dashboards, the
académie set, the target form and the migrations follow without touching steering."""

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from appui.core import indicators as ind
from appui.core.indicators import IndicatorSpec, Share
from appui.steering import dashboard, selectors, services
from appui.steering.forms import TargetForm

pytestmark = pytest.mark.django_db


def scope_for(world):
    return selectors.Scope(school=world.school, year=world.year, today=datetime.date(2026, 11, 24))


def throwaway(**flags) -> IndicatorSpec:
    """Students placed in a group of the year, out of the students present."""
    return IndicatorSpec(
        "placed",
        "Élèves placés (essai)",
        "000 (essai)",
        "Élèves dans un groupe publié ÷ élèves présents.",
        measure=lambda s: Share(
            len({p.student for p in s.places} & {x for g in s.year_groups for x in g.students}),
            len(s.places),
        ),
        **flags,
    )


@pytest.fixture
def registered(monkeypatch):
    def register(spec: IndicatorSpec) -> IndicatorSpec:
        monkeypatch.setitem(ind.INDICATORS, spec.key, spec)
        return spec

    return register


class TestAThrowAwayIndicator:
    def test_it_gets_a_dashboard_section_with_its_measure(self, world, groups, registered):
        registered(throwaway())
        results = dashboard.compute(scope_for(world))
        sections = {s.key: s for s in dashboard.all_school_sections(results)}
        section = sections["placed"]
        # Léa and Zoé are in the groups of level L; Tom (level M) is in none: 2 of 3.
        assert section.title == "Élèves placés (essai)"
        assert section.headline == "66,7 %"
        assert section.rows == [
            {"indicator": "Élèves placés (essai)", "part": 2, "whole": 3, "value": 66.7}
        ]
        assert list(sections)[-1] == "placed"  # declared last, shown last

    def test_it_is_downloadable_like_any_section(self, world, groups, registered, login):
        from django.urls import reverse

        registered(throwaway())
        url = reverse("steering:export", args=["placed"]) + "?format=csv"
        response = login(world.users["head"]).get(url)
        assert response.status_code == 200
        assert "Élèves placés (essai)" in b"".join(response.streaming_content).decode()

    def test_its_flags_decide_the_academie_set_and_the_target_form(self, registered):
        spec = registered(throwaway())
        choices = dict(TargetForm().fields["indicator"].choices)
        assert "placed" not in choices
        assert spec not in ind.academy_indicators()

        registered(replace(spec, academy=True, target=True))
        choices = dict(TargetForm().fields["indicator"].choices)
        assert choices["placed"] == "Élèves placés (essai)"
        assert "placed" in {s.key for s in ind.academy_indicators()}

    def test_it_is_a_headline_compared_with_targets_and_across_schools(
        self, world, groups, registered
    ):
        registered(throwaway(academy=True, target=True))
        services.target_set(year=world.year, indicator="placed", value=Decimal("60"))
        results = dashboard.compute(scope_for(world))
        assert dashboard.headline_shares(results)["placed"] == Share(2, 3)
        (row,) = dashboard.target_rows(results)
        assert (row["actual"], row["status"]) == (Decimal("66.7"), "met")
        academy = {s.key: s for s in dashboard.academy_sections([(world.school, results)])}
        # 3 students: a share on fewer than 5 people is hidden in the académie view.
        assert academy["placed"].rows[0]["share"] is None

    def test_rewording_a_label_needs_no_migration(self, registered):
        spec = ind.INDICATORS["attendance"]
        registered(replace(spec, label="Assiduité aux séances d'AP"))
        state = MigrationLoader(connection).project_state()
        field = state.models["steering", "target"].get_field("indicator")
        assert not field.choices
        assert dict(TargetForm().fields["indicator"].choices)["attendance"] == (
            "Assiduité aux séances d'AP"
        )


class TestTargetsOnUnknownIndicators:
    def test_no_target_can_be_set_on_an_indicator_that_takes_none(self, world):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            services.target_set(year=world.year, indicator="modules", value=Decimal("10"))
        with pytest.raises(ValidationError):
            services.target_set(year=world.year, indicator="nothing", value=Decimal("10"))
