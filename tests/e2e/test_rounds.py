"""Rounds (séquences) in the browser: the coordinator cuts CAP 1re année's period 2 into two
rounds, edits one, forms the groups and sees them by round; desktop and 375 px, axe clean."""

import re

from playwright.sync_api import expect

from tests.e2e.screen import assert_fits

PHONE = {"width": 375, "height": 812}


def test_coordinator_cuts_a_period_into_rounds_and_forms_their_groups(demo, app, page):
    from appui.planning.models import Group, Plan, Round
    from appui.schools.models import Level

    level = Level.objects.get(short_name="CAP1")
    period = level.year.periods.get(number=2)
    app.login("coordination")
    app.open(f"/groupes/niveaux/{level.pk}/periodes/{period.pk}/")
    page.get_by_role("link", name="Séquences courtes dans la période").click()
    expect(page.get_by_role("heading", name="Séquences — CAP 1re année, Période 2")).to_be_visible()
    expect(page.get_by_role("heading", name="Découper la période en séquences")).to_be_visible()
    app.assert_accessible()

    page.get_by_role("button", name="Découper en 2 séquences").click()
    expect(page.get_by_text("La période est découpée en 2 séquences")).to_be_visible()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.filter(has_text="Séquence 1")).to_have_count(1)
    expect(rows.filter(has_text="Séquence 2")).to_have_count(1)
    assert Round.objects.filter(level=level, period=period).count() == 2
    app.assert_accessible()

    # A label for round 1, through its form.
    page.get_by_role("link", name="Modifier « Séquence 1 »").click()
    page.get_by_label("Libellé").fill("Lire et calculer")
    app.assert_accessible()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("row", name=re.compile("Lire et calculer"))).to_be_visible()

    page.set_viewport_size(PHONE)
    assert_fits(page)
    app.assert_accessible()
    page.set_viewport_size({"width": 1280, "height": 800})

    # Form the groups of both rounds together.
    page.get_by_role("button", name="Former les groupes des séquences").click()
    page.get_by_role("button", name="Former les groupes").click()
    # The plan's groups are shown per slot and round (the board's tabs).
    main = page.locator("main")
    expect(main).to_contain_text("Séquence 2", timeout=60_000)
    expect(main).to_contain_text("Lire et calculer")
    plan = Plan.objects.get(level=level, period=period)
    assert plan.status == Plan.Status.PROPOSED
    assert not Group.objects.filter(plan=plan, round=None).exists()
    app.assert_accessible()

    # The rounds page now counts the groups of each round.
    app.open(f"/groupes/niveaux/{level.pk}/periodes/{period.pk}/sequences/")
    first = Round.objects.get(level=level, period=period, number=1)
    row = page.get_by_role("row", name=re.compile("Lire et calculer"))
    expect(row).to_contain_text(str(first.groups.count()))
    page.set_viewport_size(PHONE)
    assert_fits(page)
