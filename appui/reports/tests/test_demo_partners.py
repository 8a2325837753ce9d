"""The demo's partners, resources and remarkable action (built with its solved plans)."""

import datetime

from django.urls import reverse

from appui.followup.models import Session
from appui.planning.models import Module, Partner, Resource
from appui.steering import dashboard, selectors


def test_the_demo_mobilises_partners_and_publishes_a_remarkable_action(db, settings, client):
    from appui.schools.demo import build_demo

    settings.DEMO_SOLVE_PLANS = True
    settings.DEMO_SOLVE_SECONDS = 0.5
    school = build_demo(seed=7, students=60).school

    assert set(Partner.objects.filter(school=school).values_list("kind", flat=True)) == {
        "france_travail",
        "mission_locale",
        "entreprise",
    }
    assert Resource.objects.filter(school=school, kind="avenirs").exists()
    insertion = Module.objects.get(school=school, code="INS-O")
    assert {p.kind for p in insertion.partners.all()} == {"france_travail", "mission_locale"}
    held = Session.objects.filter(
        group__module__kind=Module.Kind.ORIENTATION,
        group__module__school=school,
        status=Session.Status.DONE,
    )
    assert held.exists()
    assert held.filter(partners__isnull=False).exists()

    remarkable = Module.objects.get(school=school, remarkable=True)
    assert remarkable.code == "POS-P" and remarkable.is_public
    response = client.get(reverse("reports:remarkable-action", args=[remarkable.public_slug]))
    assert response.status_code == 200

    year = school.years.get(is_current=True)
    scope = selectors.Scope(school=school, year=year, today=datetime.date(2026, 11, 24))
    section = dashboard.BUILDERS["partners"](dashboard.compute(scope))
    total = section.rows[-1]
    # Only POS-P of the orientation modules runs in this small demo: the company and France
    # Travail, attached to it, came to its groups' first held sessions.
    assert total["items"] == 2
    assert total["sessions"] == held.filter(partners__isnull=False).distinct().count()
