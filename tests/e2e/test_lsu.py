"""The LSU export in the browser: the page, the file, and the periodic-report import."""

import re

import pytest
from playwright.sync_api import expect

from appui.core.io.lsu import validate_lsu


@pytest.fixture
def demo_college(transactional_db, settings):
    """The demo school with its plans, large enough for need groups in the collège section
    (the 80-student demo leaves about four students per collège division)."""
    from appui.schools.demo import build_demo

    settings.DEMO_SOLVE_PLANS = True
    settings.DEMO_SOLVE_SECONDS = 1.0
    return build_demo(seed=7, students=120)


def test_head_downloads_the_lsu_file_of_the_demo_college(demo_college, app, page):
    app.login("direction")
    app.open("/exports/")
    page.get_by_role("link", name="Préparer l'export LSU").click()
    expect(page).to_have_url(re.compile(r"/exports/lsu/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Export LSU")
    expect(page.locator("#lsu-ready")).to_be_visible()
    expect(page.locator("#lsu-counts")).to_contain_text("6E, 5E, 4E, 3E")
    app.assert_accessible()
    with page.expect_download() as download:
        page.locator("#lsu-download").click()
    assert download.value.suggested_filename.endswith(".xml")
    xml = download.value.path().read_bytes()
    assert validate_lsu(xml) == []
    assert b"<acc-perso-groupe " in xml


def test_head_imports_periodic_reports_with_their_preview(demo_college, app, page, tmp_path):
    from appui.interop.lsu import lsu_preview
    from appui.interop.models import LsuReport
    from appui.schools.models import Period

    school = demo_college.school
    period = Period.objects.get(year__school=school, number=1)
    report = (
        LsuReport.objects.filter(period=period, student__exit_date__isnull=True)
        .select_related("student")
        .order_by("pk")
        .first()
    )
    student = report.student
    sheet = tmp_path / "bilans.csv"
    sheet.write_text(
        "Identifiant SIECLE;Nom;Prénom;Acquis et conseils;Retards\n"
        f"{student.siecle_id};{student.last_name};{student.first_name};"
        f"Un trimestre solide, à poursuivre.;{(report.late or 0) + 1}\n",
        encoding="utf-8-sig",
    )

    app.login("direction")
    app.open(f"/exports/lsu/?periode={period.pk}")
    page.get_by_role("button", name="Importer des bilans périodiques").click()
    expect(page).to_have_url(re.compile(r"/imports/bilans-lsu/"))
    expect(page.get_by_label("Période des bilans")).to_have_value(str(period.pk))
    app.assert_accessible()
    page.locator("input[name=file]").set_input_files(sheet)
    page.locator("form[enctype] button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/imports/lots/\d+/$"))
    expect(page.locator('[data-count="reports-changed"]')).to_have_text("1")
    row = page.locator('[data-section="reports"] tr[data-status="changed"]')
    expect(row).to_contain_text("Un trimestre solide, à poursuivre.")
    app.assert_accessible()
    report.refresh_from_db()
    assert report.advice != "Un trimestre solide, à poursuivre."

    page.locator("button[name=apply]").click()
    expect(page.locator('[data-status="applied"]')).to_be_visible()
    report.refresh_from_db()
    assert report.advice == "Un trimestre solide, à poursuivre."
    assert lsu_preview(school, period).ready
