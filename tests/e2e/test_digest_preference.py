"""The weekly e-mail digest in the browser: a coordinator finds it under the « À faire » list,
opts in, and the page fits a 375 px phone and passes axe."""

from playwright.sync_api import expect

from tests.e2e.screen import PHONE, assert_fits


def test_a_coordinator_opts_in_to_the_weekly_digest(demo, app, page):
    from django.contrib.auth import get_user_model

    from appui.followup.models import DigestPreference

    app.login("coordination")
    page.locator("#todo-title ~ p #digest-link").click()
    expect(page.locator("#digest-form")).to_be_visible()
    expect(page.locator("#digest-address")).to_be_visible()
    app.assert_accessible()

    page.get_by_label(
        "M'envoyer chaque semaine le récapitulatif de mes rappels par courriel"
    ).check()
    page.locator("#save-digest").click()
    expect(
        page.get_by_text("Vous recevrez chaque semaine le récapitulatif de vos rappels.")
    ).to_be_visible()
    user = get_user_model().objects.get(username="coordination")
    assert DigestPreference.objects.get(user=user).weekly

    page.set_viewport_size(PHONE)
    app.open("/suivi/courriel-hebdomadaire/")
    expect(page.locator("#digest-form input[type=checkbox]")).to_be_checked()
    assert_fits(page)
    app.assert_accessible()
