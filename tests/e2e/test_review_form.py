"""The stage review's one form in the browser: typing the overall comment and clicking
« Valider et partager avec la famille » saves the text and shares it (the family reads it);
a second tab opened on the same review and saved afterwards gets the conflict message, with
its typed text kept and nothing overwritten. At desktop width and at 375 px, checked by axe.

Selectors use ids, classes and values; the French texts checked are the ones the family and
the conflict message must show."""

import pytest
from playwright.sync_api import expect

from tests.e2e.screen import assert_fits

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_validating_shares_the_typed_text_and_a_stale_tab_gets_the_conflict(
    demo, app, page, viewport
):
    from appui.followup import services
    from appui.followup.models import StageReview
    from appui.schools.models import Student

    own = Student.objects.get(user__username="eleve")
    period = own.division.year.periods.order_by("number").first()
    services.reviews_prepare(students=[own], period=period, user=None)
    review = StageReview.objects.get(student=own, period=period)
    url = f"/suivi/bilans/{review.pk}/"

    page.set_viewport_size(viewport)
    app.login("coordination")
    app.open(url)
    # A second tab on the same review, opened before the first one validates it.
    stale = page.context.new_page()
    stale.set_viewport_size(viewport)
    stale.goto(app.base + url)
    expect(stale.locator("#id_comment")).to_be_visible()

    comment = "Très bonne période : des progrès nets en calcul, continue ainsi."
    page.locator("#id_comment").fill(comment)
    assert_fits(page)
    app.assert_accessible()
    page.locator("button.validate-review").click()
    expect(page.locator(".badge.state-done")).to_be_visible()
    review.refresh_from_db()
    assert review.is_validated and review.comment == comment

    # The stale tab saves its own text: refused, its text kept, the validation untouched.
    typed = "Texte de l'autre onglet, à ne pas perdre."
    stale.locator("#id_comment").fill(typed)
    stale.locator("button.save-review").click()
    alert = stale.locator("form [role=alert]")
    expect(alert).to_contain_text("Ce bilan a été modifié par")
    expect(alert).to_contain_text("Votre texte est conservé")
    expect(stale.locator("#id_comment")).to_have_value(typed)
    assert_fits(stale)
    review.refresh_from_db()
    assert review.is_validated and review.comment == comment
    stale.close()
    app.assert_accessible()

    page.context.clear_cookies()
    app.login("parent")
    app.open(url)
    expect(page.locator("main")).to_contain_text(comment)
    expect(page.locator("main")).not_to_contain_text(typed)
    expect(page.locator("main form")).to_have_count(0)
    assert_fits(page)
    app.assert_accessible()
