"""Importing SIECLE guardians in the browser: upload, preview, confirm, then their accounts."""

import re

from playwright.sync_api import expect

from appui.core.io.samples import zipped
from appui.core.io.samples_people import SampleAddress, SampleGuardian, SampleLink, responsables_xml


def test_head_imports_guardians_then_creates_their_accounts(demo, app, page, tmp_path):
    from appui.schools.models import Guardian, Student
    from appui.schools.selectors import current_year

    students = list(
        Student.objects.filter(school=demo.school, exit_date__isnull=True).order_by("pk")[:3]
    )
    guardians, links = [], []
    for number, student in enumerate(students, start=1):
        address = SampleAddress(f"A{number}", (f"{number} RUE DES ESSAIS",), "21000", "DIJON")
        guardians.append(
            SampleGuardian(f"80{number}", "PARENT", f"Camille{number}", address=address)
        )
        links.append(SampleLink(student.siecle_id, f"80{number}"))
    year = current_year(demo.school)
    export = tmp_path / "ExportXML_ResponsablesAvecAdresses.zip"
    export.write_bytes(
        zipped(
            responsables_xml(guardians, links, uai=demo.school.uai, school_year=year.start_year),
            "ResponsablesAvecAdresses.xml",
        )
    )

    app.login("direction")
    app.open("/imports/responsables/")
    app.assert_accessible()
    page.locator("input[name=file]").set_input_files(export)
    page.locator("form[enctype] button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/imports/lots/\d+/$"))
    expect(page.locator('[data-count="guardians-new"]')).to_have_text("3")
    expect(page.locator('[data-count="links-new"]')).to_have_text("3")
    app.assert_accessible()
    assert not Guardian.objects.filter(siecle_id__startswith="80").exists()

    page.locator("button[name=apply]").click()
    expect(page.locator('[data-status="applied"]')).to_be_visible()
    assert Guardian.objects.filter(siecle_id__startswith="80").count() == 3

    page.locator("#guardian-accounts").click()
    expect(page).to_have_url(re.compile(r"/imports/responsables/comptes/$"))
    app.assert_accessible()
    page.locator("#create-accounts").click()
    expect(page.locator(".messages")).to_be_visible()
    app.assert_accessible()
    assert not Guardian.objects.filter(siecle_id__startswith="80", user__isnull=True).exists()
