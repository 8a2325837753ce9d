"""Pupils' wishes in the browser: the coordinator opens a window, the pupil ranks modules
(a duplicate is refused in French), the coordinator sees the answer and corrects another
pupil's wishes in the entry table; desktop and 375 px, axe on every page."""

import re

from playwright.sync_api import expect

from tests.e2e.screen import assert_fits

PHONE = {"width": 375, "height": 812}


def test_coordinator_opens_a_window_pupil_ranks_coordinator_follows(demo, app, page):
    from appui.planning.models import Wish, WishWindow
    from appui.schools.models import Student

    # The coordinator opens wishes for 2nde pro, period 4.
    app.login("coordination")
    page.get_by_role("link", name="Groupes", exact=True).click()
    page.get_by_role("button", name="Vœux des élèves").click()
    app.assert_accessible()
    page.get_by_role(
        "link", name=re.compile("pas de fenêtre — 2nde professionnelle, Période 4")
    ).click()
    expect(page.get_by_role("heading", name="Ouvrir une fenêtre")).to_be_visible()
    app.assert_accessible()
    offered = page.locator("input[name=modules]:checked")
    assert offered.count() >= 3
    page.get_by_label("Vœux par élève").select_option("2")
    page.get_by_role("button", name="Ouvrir la fenêtre").click()
    expect(page.get_by_text("Fenêtre de vœux enregistrée.")).to_be_visible()
    window = WishWindow.objects.get(level__short_name="2NDPRO", period__number=4)
    assert window.max_wishes == 2
    expect(page.get_by_role("region", name="Réponses")).to_contain_text("0 /")
    app.assert_accessible()

    # The pupil is called to choose on their home page, and ranks two modules.
    page.context.clear_cookies()
    app.login("eleve")
    expect(page.get_by_text(re.compile("Période 4 : choisis tes modules avant le"))).to_be_visible()
    app.assert_accessible()
    page.get_by_role("button", name="Choisir mes modules").click()
    section = page.get_by_role("region", name="Période 4")
    titles = [m.title for m in window.modules.order_by("title")]
    section.get_by_label("Vœu 1").select_option(label=titles[0])
    section.get_by_label("Vœu 2").select_option(label=titles[0])
    section.get_by_role("button", name="Enregistrer mes vœux").click()
    expect(page.get_by_text("Le même module est choisi deux fois")).to_be_visible()
    app.assert_accessible()
    section = page.get_by_role("region", name="Période 4")
    section.get_by_label("Vœu 2").select_option(label=titles[1])
    section.get_by_role("button", name="Enregistrer mes vœux").click()
    expect(page.get_by_text("Tes vœux sont enregistrés. Merci !")).to_be_visible()
    pupil = Student.objects.get(user__username="eleve")
    assert [w.module.title for w in Wish.objects.filter(window=window, student=pupil)] == titles[:2]
    app.assert_accessible()
    page.set_viewport_size(PHONE)
    page.reload()
    assert_fits(page)
    app.assert_accessible()

    # The coordinator sees the answer, and enters another pupil's wishes in the table.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.context.clear_cookies()
    app.login("coordination")
    app.open(f"/voeux/niveaux/{window.level_id}/periodes/{window.period_id}/")
    expect(page.get_by_role("region", name="Réponses")).to_contain_text("1 /")
    page.get_by_role("button", name="Saisir ou corriger les vœux").click()
    app.assert_accessible()
    row = page.locator(f"#voeux-{pupil.pk}")
    expect(row.get_by_label(re.compile("Vœu 1"))).to_have_value(
        str(Wish.objects.get(window=window, student=pupil, rank=1).module_id)
    )
    other = (
        Student.objects.filter(division__level=window.level, exit_date__isnull=True)
        .exclude(pk=pupil.pk)
        .order_by("division__code", "last_name", "first_name")
        .first()
    )
    row = page.locator(f"#voeux-{other.pk}")
    row.get_by_label(re.compile("Vœu 1")).select_option(label=titles[1])
    row.get_by_role("button", name=re.compile("Enregistrer")).click()
    expect(page.locator(f"#voeux-{other.pk}")).to_contain_text("Enregistré.")
    assert [w.module.title for w in Wish.objects.filter(window=window, student=other)] == [
        titles[1]
    ]
    app.assert_accessible()
    page.set_viewport_size(PHONE)
    page.reload()
    assert_fits(page)
    app.assert_accessible()
    app.open(f"/voeux/niveaux/{window.level_id}/periodes/{window.period_id}/")
    assert_fits(page)
    app.assert_accessible()
