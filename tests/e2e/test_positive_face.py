"""A positive face for pupils and families (issue 18, item 3): signed in as the demo pupil or
the demo parent, the home and the student page lead with strengths and goals, then what the
pupil works on in plain words — no need level, no « besoin fort », no red pill; the staff keep
the detailed need profile. Every page at 375 px without sideways scroll, and accessible."""

import re

from playwright.sync_api import expect

from tests.e2e.screen import PHONE, assert_fits

NEED_WORDS = re.compile(r"besoin (léger|marqué|fort)|priorité \d|niveau \d")


def _no_need_levels(page):
    """Nothing on the page reads as a ranked need: no pill, no need word, no figure in the
    list of what the pupil works on."""
    assert page.locator(".need-pill").count() == 0
    assert not NEED_WORDS.search(page.locator("main").inner_text())
    for item in page.locator('[data-part="working-on"] li').all_inner_texts():
        assert not re.search(r"\d", item), item


def _phone_fits(page):
    """No sideways scroll at 375 px; the viewport is set back for the next page's axe run
    (measured at the default width, as the other browser tests do)."""
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    assert_fits(page)
    page.set_viewport_size(size)


def _strengths_lead(page):
    """On the student page the summary comes right after the title, before identity."""
    first_section = page.locator("main h2").first
    expect(first_section).to_have_attribute("id", "positive-title")
    strengths = page.locator('[data-part="strengths"] li')
    expect(strengths.first).to_be_visible()
    identity = page.get_by_role("heading", name="Identité")
    assert strengths.first.bounding_box()["y"] < identity.bounding_box()["y"]


def test_the_pupil_sees_strengths_first_at_home_and_on_their_page(demo, app, page):
    app.login("eleve")
    expect(page.get_by_role("heading", name="Mes points forts et mes objectifs")).to_be_visible()
    expect(page.locator('[data-part="strengths"] li').first).to_contain_text("maîtrise")
    _no_need_levels(page)
    app.assert_accessible()
    _phone_fits(page)

    page.get_by_role("link", name="Voir toute ma page").click()
    expect(page.get_by_role("heading", name="Mes points forts et mes objectifs")).to_be_visible()
    _strengths_lead(page)
    expect(page.get_by_role("heading", name="Ce sur quoi je travaille")).to_be_visible()
    _no_need_levels(page)
    app.assert_accessible()
    _phone_fits(page)

    page.get_by_role("button", name="Résultats du diagnostic").click()
    expect(page.get_by_role("heading", name="Mes points forts et mes objectifs")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Besoins, du plus urgent au moins urgent")
    ).to_have_count(0)
    _no_need_levels(page)
    app.assert_accessible()
    _phone_fits(page)


def test_the_parent_sees_their_child_strengths_first(demo, app, page):
    from appui.schools.models import Student

    child = Student.objects.get(user__username="eleve")
    app.login("parent")
    expect(page.get_by_role("heading", name="Points forts et objectifs")).to_be_visible()
    _no_need_levels(page)
    app.assert_accessible()

    app.open(f"/eleves/{child.pk}/")
    expect(
        page.get_by_role("heading", name=f"Points forts et objectifs de {child.first_name}")
    ).to_be_visible()
    _strengths_lead(page)
    expect(
        page.get_by_role("heading", name=f"Ce sur quoi {child.first_name} travaille")
    ).to_be_visible()
    _no_need_levels(page)
    app.assert_accessible()
    _phone_fits(page)


def test_staff_keep_the_detailed_need_profile(demo, app, page):
    from appui.schools.models import Student

    child = Student.objects.get(user__username="eleve")
    app.login("coordination")
    app.open(f"/eleves/{child.pk}/")
    expect(page.get_by_role("heading", name="Identité")).to_be_visible()
    expect(page.locator("#positive-title")).to_have_count(0)
    page.get_by_role("button", name="Profil de besoins et diagnostic").click()
    expect(
        page.get_by_role("heading", name="Besoins, du plus urgent au moins urgent")
    ).to_be_visible()
    expect(page.locator(".need-pill").first).to_be_visible()
    expect(page.locator('[data-part="strengths"]')).to_have_count(0)
    app.assert_accessible()
