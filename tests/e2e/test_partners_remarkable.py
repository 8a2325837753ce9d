"""Partners and remarkable actions in the browser, on a 375 px phone: a coordinator adds a
partner, attaches it to a module and opens its fiche action (PDF); signed out, anyone reads the
public page of the demo's remarkable action and its PDF — no pupil named, accessible (axe), no
sideways scroll."""

import re

from playwright.sync_api import expect

from tests.e2e.screen import PHONE, assert_fits


def test_a_partner_is_attached_and_the_remarkable_action_is_public(demo, app, page):
    from appui.planning.models import Module, Partner
    from appui.schools.models import Student

    page.set_viewport_size(PHONE)
    app.login("coordination")
    app.open("/modules/")
    page.get_by_role("button", name="Partenaires et ressources").click()
    expect(page.get_by_role("heading", name="Partenaires et ressources", level=1)).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Plateforme Avenir"))).to_be_visible()
    assert_fits(page)
    app.assert_accessible()

    page.get_by_role("button", name="Nouveau partenaire").click()
    page.get_by_label("Nom").fill("Association Cap Métiers")
    page.get_by_label("Type").select_option(label="association")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Partenaire enregistré")).to_be_visible()
    partner = Partner.objects.get(school=demo.school, name="Association Cap Métiers")

    app.open("/modules/")
    page.get_by_role("link", name="INS-O", exact=True).click()
    assert_fits(page)
    app.assert_accessible()
    page.get_by_label("Association Cap Métiers").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Module enregistré")).to_be_visible()
    module = Module.objects.get(school=demo.school, code="INS-O")
    assert partner in module.partners.all()

    app.open(f"/modules/{module.pk}/")
    href = page.get_by_role("button", name="Fiche action (PDF)").get_attribute("href")
    response = page.request.get(app.base + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"

    # Signed out, on a phone: the public page of the demo's remarkable action.
    remarkable = Module.objects.get(school=demo.school, remarkable=True)
    assert remarkable.is_public
    page.context.clear_cookies()
    app.open(f"/actions/{remarkable.public_slug}/")
    expect(page.get_by_role("heading", name=remarkable.title, level=1)).to_be_visible()
    expect(page.get_by_role("link", name="ONISEP — fiches métiers")).to_be_visible()
    expect(page.get_by_text("Électricité Bourgogne Services")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Se déconnecter|Sécurité"))).to_have_count(0)
    assert_fits(page)
    app.assert_accessible()
    text = page.content()
    for first, last in Student.objects.filter(school=demo.school).values_list(
        "first_name", "last_name"
    ):
        for name in (f"{first} {last}", f"{last} {first}", last.upper()):
            assert name not in text, name
    pdf = page.request.get(app.base + f"/actions/{remarkable.public_slug}.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
