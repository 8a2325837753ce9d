"""The year's settings in the browser: the head changes a level's AP hours and a period's
dates, on a phone-sized screen, every page accessible."""

import datetime
import re
from decimal import Decimal

from playwright.sync_api import expect

from tests.e2e.screen import assert_fits


def test_head_changes_a_levels_hours_and_a_periods_dates(demo, app, page):
    from appui.schools.models import Level, Period

    page.set_viewport_size({"width": 375, "height": 740})
    app.login("direction")
    page.get_by_role("link", name="Paramètres de l'année").click()
    expect(page.get_by_role("heading", name="Paramètres de l'année", level=1)).to_be_visible()
    assert_fits(page)
    app.assert_accessible()

    page.get_by_role("link", name="Niveaux, heures d'AP et dispositifs").click()
    expect(page).to_have_url(re.compile(r"/parametres/niveaux/$"))
    assert_fits(page)
    app.assert_accessible()
    page.get_by_role("link", name="CAP 1re année").click()
    expect(page.get_by_text("Volume national pour ce niveau : 101,5 h par an.")).to_be_visible()
    assert_fits(page)
    app.assert_accessible()
    page.get_by_label("Heures d'AP par an").fill("95,5")
    # The demo splits CAP 1's 101.5 h between the strands: the split must follow the volume.
    page.get_by_label("Dont consolidation des acquis (heures)").fill("34")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Les paramètres du niveau sont enregistrés.")).to_be_visible()
    level = Level.objects.get(year__school=demo.school, short_name="CAP1")
    assert level.ap_hours == Decimal("95.5")
    assert level.updated_by.username == "direction"

    page.get_by_role("link", name="Paramètres de l'année").first.click()
    page.get_by_role("link", name="Périodes et leurs dates").click()
    expect(page.get_by_role("heading", name=re.compile("^Périodes"), level=1)).to_be_visible()
    assert_fits(page)
    app.assert_accessible()
    first = Period.objects.get(year__school=demo.school, year__is_current=True, number=1)
    new_end = first.end_date - datetime.timedelta(days=1)
    page.locator("#id_periodes-0-end_date").fill(new_end.isoformat())
    page.get_by_role("button", name="Enregistrer les périodes").click()
    expect(page.get_by_text("Les périodes sont enregistrées.")).to_be_visible()
    first.refresh_from_db()
    assert first.end_date == new_end
    assert first.updated_by.username == "direction"
