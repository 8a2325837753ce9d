"""Slots (barrettes) and the module catalogue in the browser."""

import re

from playwright.sync_api import expect


def test_coordinator_adds_a_slot_and_duplicates_a_module(demo, app, page):
    from appui.planning.models import Module, Slot

    app.login("coordination")
    page.get_by_role("link", name="Groupes", exact=True).click()
    page.get_by_role("button", name="Barrettes").click()
    expect(page.get_by_role("heading", name="Barrettes", level=1)).to_be_visible()
    app.assert_accessible()

    page.get_by_role("button", name=re.compile("Ajouter une barrette — CAP 1re année")).click()
    app.assert_accessible()
    page.get_by_label("Jour").select_option(label="vendredi")
    page.get_by_label("Début").fill("08:00")
    page.get_by_label("Fin").fill("09:00")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Barrette enregistrée")).to_be_visible()
    assert Slot.objects.filter(level__short_name="CAP1", weekday=4).exists()

    page.get_by_role("link", name="Groupes", exact=True).click()
    page.get_by_role("button", name="Catalogue des modules").click()
    expect(page.get_by_role("heading", name="Catalogue des modules")).to_be_visible()
    app.assert_accessible()
    page.get_by_role("link", name="Dupliquer LEC-S").click()
    app.assert_accessible()
    page.get_by_label("Titre").fill("Lire pour comprendre — textes techniques")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Module enregistré")).to_be_visible()
    copy = Module.objects.get(code="LEC-S-2")
    assert copy.objective == Module.objects.get(code="LEC-S").objective
