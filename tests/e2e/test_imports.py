"""Importing a SIECLE export in the browser: upload, preview, confirm; and a download."""

import re

from playwright.sync_api import expect

from appui.core.io.samples import SampleStudent, siecle_xml, zipped
from tests.e2e.screen import PHONE, assert_fits


def demo_siecle_export(school, changed_pk: int) -> bytes:
    """The demo school's own students as SIECLE would export them, one first name changed."""
    from appui.schools.demo_data import DIVISIONS
    from appui.schools.models import Student
    from appui.schools.selectors import current_year

    mef = {code: mef_code for code, _level, _spec, mef_code, *_rest in DIVISIONS}
    records = []
    for student in Student.objects.filter(school=school).select_related("division"):
        first_name = (
            student.first_name + "-Marie" if student.pk == changed_pk else student.first_name
        )
        records.append(
            SampleStudent(
                eleve_id=student.siecle_id,
                elenoet=student.elenoet,
                ine=student.ine,
                last_name=student.last_name,
                first_name=first_name,
                division=student.division.code,
                mef_code=mef[student.division.code],
                # SIECLE lists the demo's ULIS pupils in their group: how it gives the scheme.
                groups=tuple(group.code for group in student.student_groups.all()),
                birth_date=student.birth_date,
                sex="2" if student.sex == "F" else "1",
                entry_date=student.entry_date,
                exit_date=student.exit_date,
            )
        )
    year = current_year(school)
    return zipped(siecle_xml(records, uai=school.uai, school_year=year.start_year))


def test_head_imports_a_siecle_file_with_its_preview(demo, app, page, tmp_path):
    from appui.interop.models import ImportBatch
    from appui.schools.models import Student

    # SIECLE gives every student an ELENOET; the demo leaves it blank, the file fills it.
    for student in Student.objects.filter(school=demo.school):
        Student.objects.filter(pk=student.pk).update(elenoet=f"9{student.siecle_id[-5:]}")
    changed = Student.objects.filter(school=demo.school, exit_date__isnull=True).order_by("pk")[3]
    total = Student.objects.filter(school=demo.school).count()
    export = tmp_path / "ExportXML_ElevesSansAdresses.zip"
    export.write_bytes(demo_siecle_export(demo.school, changed.pk))

    app.login("direction")
    app.open("/imports/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    app.assert_accessible()

    page.locator('[data-import="siecle"] a').click()
    expect(page).to_have_url(re.compile(r"/imports/siecle/$"))
    app.assert_accessible()
    page.locator("input[name=file]").set_input_files(export)
    page.locator("form[enctype] button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/imports/lots/\d+/$"))
    expect(page.locator('[data-count="students-new"]')).to_have_text("0")
    expect(page.locator('[data-count="students-changed"]')).to_have_text("1")
    expect(page.locator('[data-count="students-leaving"]')).to_have_text("0")
    expect(page.locator('[data-count="students-unchanged"]')).to_have_text(str(total - 1))
    row = page.locator('[data-section="students"] tr[data-status="changed"]')
    expect(row).to_contain_text(changed.first_name + "-Marie")
    expect(row).to_contain_text(changed.first_name)
    app.assert_accessible()
    # On a phone, the breadcrumb's file name (SIECLE's, one long word) wraps.
    page.set_viewport_size(PHONE)
    assert_fits(page)
    page.set_viewport_size({"width": 1280, "height": 720})
    changed.refresh_from_db()
    assert not changed.first_name.endswith("-Marie")

    page.locator("button[name=apply]").click()
    expect(page.locator('[data-status="applied"]')).to_be_visible()
    expect(page.locator(".messages")).to_be_visible()
    app.assert_accessible()
    changed.refresh_from_db()
    assert changed.first_name.endswith("-Marie")
    assert ImportBatch.objects.get().status == ImportBatch.Status.APPLIED
    assert Student.objects.filter(school=demo.school).count() == total


def test_the_division_list_downloads_as_a_spreadsheet(demo, app, page):
    from appui.schools.models import Division

    division = Division.objects.filter(year__school=demo.school).order_by("code").first()
    app.login("direction")
    app.open(f"/divisions/{division.pk}/")
    app.assert_accessible()
    with page.expect_download() as download:
        page.locator('.export-links a[data-format="csv"]').click()
    content = download.value.path().read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").splitlines()[0].startswith("Identifiant SIECLE;INE;Nom")
