"""The partners and resources section of the dashboard, from the records of the scope."""

import datetime

import pytest

from appui.followup.models import Session
from appui.planning.models import Partner, Resource
from appui.steering import dashboard, selectors

pytestmark = pytest.mark.django_db


def scope_for(world, **extra):
    return selectors.Scope(
        school=world.school, year=world.year, today=datetime.date(2026, 11, 24), **extra
    )


def session(group, day, status="done"):
    return Session.objects.create(
        group=group,
        date=day,
        start_time=datetime.time(10),
        end_time=datetime.time(11, 30),
        status=status,
    )


@pytest.fixture
def mobilised(world, groups):
    """France Travail attached to the module of both groups; the mission locale at one held
    session of period 2 and at a cancelled one; the Avenir(s) platform in a session."""
    france_travail = Partner.objects.create(
        school=world.school, name="France Travail", kind=Partner.Kind.FRANCE_TRAVAIL
    )
    mission_locale = Partner.objects.create(
        school=world.school, name="Mission locale", kind=Partner.Kind.MISSION_LOCALE
    )
    avenirs = Resource.objects.create(school=world.school, title="Avenir(s)", kind="avenirs")
    groups["modules"][0].partners.add(france_travail)
    held = session(groups["groups"][2], datetime.date(2026, 11, 3))
    held.partners.add(mission_locale)
    held.resources.add(avenirs)
    cancelled = session(groups["groups"][2], datetime.date(2026, 11, 10), status="cancelled")
    cancelled.partners.add(mission_locale)
    return held


def test_the_section_counts_partners_interventions_and_resources(world, groups, mobilised):
    results = dashboard.compute(scope_for(world))
    section = dashboard.BUILDERS["partners"](results)
    rows = {(row["what"], row["kind"]): row for row in section.rows}
    assert len(results.partners) == 2 + 1 + 1  # module × 2 groups, session partner, resource
    france_travail = next(r for k, r in rows.items() if k[1] == "France Travail")
    assert (france_travail["items"], france_travail["groups"], france_travail["sessions"]) == (
        1,
        2,
        0,
    )
    mission_locale = next(r for k, r in rows.items() if k[1] == "mission locale")
    # The cancelled session is no intervention.
    assert (mission_locale["groups"], mission_locale["sessions"]) == (1, 1)
    total = section.rows[-1]
    assert (total["items"], total["groups"], total["sessions"]) == (2, 2, 1)


def test_the_period_filter_keeps_its_groups(world, groups, mobilised):
    results = dashboard.compute(scope_for(world, period=groups["period"]))
    section = dashboard.BUILDERS["partners"](results)
    total = section.rows[-1]
    # Period 1: only France Travail, through the module; the sessions were in period 2.
    assert (total["items"], total["groups"], total["sessions"]) == (1, 1, 0)


def test_it_is_on_the_school_dashboard(world, groups, mobilised):
    keys = [s.key for s in dashboard.school_sections(dashboard.compute(scope_for(world)))]
    assert "partners" in keys


def test_the_dashboard_page_and_download_show_it(world, groups, mobilised, client):
    from django.urls import reverse

    client.force_login(world.users["head"])
    body = client.get(reverse("steering:dashboard")).content.decode()
    assert 'data-indicator="partners"' in body and "Mission locale" not in body
    response = client.get(reverse("steering:export", args=["partners"]), {"format": "xlsx"})
    assert response.status_code == 200
