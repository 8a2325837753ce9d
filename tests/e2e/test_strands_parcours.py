"""The three strands and the terminale parcours in the browser: the hour pages show planned,
scheduled and delivered per strand; the coordinator sets a terminale pupil's parcours from the
pupil page and a division's in one table; every page fits a 375 px screen and passes axe."""

import re

from playwright.sync_api import expect

from tests.e2e.screen import assert_fits


def test_the_hour_pages_show_the_three_strands(demo, app, page):
    page.set_viewport_size({"width": 375, "height": 740})
    app.login("coordination")
    app.open("/suivi/heures/")
    expect(page.get_by_role("heading", name="Décompte des heures", level=1)).to_be_visible()
    table = page.get_by_role("region", name="Heures par niveau")
    for strand in (
        "Consolidation des acquis",
        "Accompagnement personnalisé",
        "Aide à l'orientation",
    ):
        expect(table.get_by_text(strand).first).to_be_visible()
    # Terminale: 25 h, 30 h and 36 h planned by the demo's split.
    expect(table.get_by_text(re.compile(r"Aide à l'orientation : .* / 36 h"))).to_be_visible()
    assert_fits(page)
    app.assert_accessible()

    page.get_by_role("link", name="Terminale professionnelle").click()
    strands = page.get_by_role("region", name="Par volet")
    expect(strands.get_by_role("columnheader", name="Prévu (répartition)")).to_be_visible()
    expect(
        strands.get_by_role("row", name=re.compile("^Aide à l'orientation 36 h"))
    ).to_be_visible()
    assert_fits(page)
    app.assert_accessible()


def test_the_coordinator_sets_a_terminale_pupils_parcours(demo, app, page):
    from appui.schools.models import Enrolment

    enrolment = (
        Enrolment.objects.filter(
            student__school=demo.school,
            division__level__short_name="TPRO",
            exit_date__isnull=True,
            parcours="",
        )
        .select_related("student", "division")
        .first()
    )
    if enrolment is None:  # every demo terminale pupil chose: undo one choice
        enrolment = Enrolment.objects.filter(
            student__school=demo.school, division__level__short_name="TPRO", exit_date__isnull=True
        ).first()
        Enrolment.objects.filter(pk=enrolment.pk).update(parcours="", parcours_set_at=None)
    page.set_viewport_size({"width": 375, "height": 740})
    app.login("coordination")
    app.open(f"/eleves/{enrolment.student_id}/")
    section = page.locator("#parcours")
    expect(section.get_by_role("heading", name="Parcours de terminale")).to_be_visible()
    expect(section.locator("strong")).to_have_text("pas encore choisi")
    assert_fits(page)
    app.assert_accessible()
    section.get_by_label("Parcours", exact=True).select_option(
        label="préparation à la poursuite d'études"
    )
    section.get_by_role("button", name="Enregistrer le parcours").click()
    expect(page.get_by_text("Le parcours de 1 élève a été enregistré.")).to_be_visible()
    expect(section.locator("strong")).to_have_text("préparation à la poursuite d'études")
    enrolment.refresh_from_db()
    assert enrolment.parcours == "further_studies"
    assert enrolment.parcours_set_by.username == "coordination"
    assert_fits(page)
    app.assert_accessible()

    app.open(f"/divisions/{enrolment.division_id}/parcours/")
    expect(
        page.get_by_role("heading", name=re.compile("^Parcours de terminale"), level=1)
    ).to_be_visible()
    assert_fits(page)
    app.assert_accessible()


def test_the_dashboard_breaks_the_hours_down_by_strand(demo, app, page):
    page.set_viewport_size({"width": 375, "height": 740})
    app.login("direction")
    app.open("/pilotage/")
    hours = page.locator("#ind-hours")
    hours.locator("summary", has_text="Tableau").click()
    expect(
        hours.get_by_role("columnheader", name="Aide à l'orientation prévue (h)")
    ).to_be_visible()
    expect(hours.get_by_role("columnheader", name="Consolidation assurée (h)")).to_be_visible()
    assert_fits(page)
    app.assert_accessible()
