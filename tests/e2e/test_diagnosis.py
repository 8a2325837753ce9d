"""Diagnosis in the browser: a grid filled by keyboard alone, heatmaps and need profiles."""

import re

from playwright.sync_api import expect


def test_teacher_fills_a_grid_by_keyboard_and_it_survives_a_reload(demo, app, page):
    app.login("professeur")
    page.get_by_role("link", name="Diagnostic", exact=True).click()
    app.assert_accessible()
    page.get_by_role("link", name=re.compile("Re-diagnostic fin de période 1")).click()
    app.assert_accessible()
    page.get_by_role("link", name=re.compile("Saisir les résultats.*2MTNE2")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2MTNE2")
    app.assert_accessible()

    first_row = page.locator("tbody tr").first
    cells = first_row.locator("input.cell-input")
    expect(cells.first).to_be_focused()
    page.keyboard.type("123412")  # one keystroke per cell, moving right
    expect(cells.nth(5)).to_have_value("2")
    expect(first_row.locator("td.saved")).to_have_count(6)
    page.keyboard.type("x")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("non reconnue")

    page.reload()
    values = [cells.nth(i).input_value() for i in range(6)]
    assert values == ["1", "2", "3", "4", "1", "2"]
    expect(page.locator("tfoot")).to_contain_text("1/")


def test_coordinator_reads_the_level_heatmap_and_a_profile(demo, app, page):
    from appui.diagnostics.models import NeedProfile

    app.login("coordination")
    page.get_by_role("link", name="Diagnostic", exact=True).click()
    page.get_by_role("link", name="2nde professionnelle", exact=True).click()
    expect(
        page.get_by_role("heading", name=re.compile("Besoins — 2nde professionnelle"))
    ).to_be_visible()
    expect(page.locator("table.heatmap td.need-3").first).to_be_visible()
    app.assert_accessible()

    page.get_by_role("button", name="MA.CAL").click()
    expect(page.locator("table.heatmap th").filter(has_text="MA.CAL")).to_have_attribute(
        "aria-sort", "descending"
    )

    profile = (
        NeedProfile.objects.filter(student__division__level__short_name="2NDPRO")
        .exclude(needs={})
        .first()
    )
    app.open(f"/eleves/{profile.student_id}/besoins/")
    expect(
        page.get_by_role("heading", name="Besoins, du plus urgent au moins urgent")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Résultats, campagne par campagne")).to_be_visible()
    app.assert_accessible()


def test_teacher_records_an_observation_that_updates_the_profile(demo, app, page):
    from appui.schools.models import Student

    student = Student.objects.filter(division__code="2MTNE2", exit_date__isnull=True).first()
    app.login("professeur")
    app.open(f"/eleves/{student.pk}/besoins/")
    page.get_by_role("button", name="Ajouter une observation").click()
    app.assert_accessible()
    page.get_by_label("Constat").select_option("difficulty")
    page.get_by_label("Compétence").select_option(
        label="ME.CON — Lire et interpréter des consignes"
    )
    page.get_by_label("Note").fill("Ne lit pas les consignes jusqu'au bout.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Observation enregistrée")).to_be_visible()
    expect(page.get_by_text("Ne lit pas les consignes jusqu'au bout.")).to_be_visible()
