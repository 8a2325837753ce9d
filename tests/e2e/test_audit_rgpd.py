"""The head reads a pupil's history (filters, CSV) and exports their personal data (JSON,
PDF) — at desktop size and on a 375 px phone, without sideways scrolling, accessible (axe)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.screen import assert_fits

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}


@pytest.fixture(params=list(SIZES), ids=list(SIZES))
def size(request, page):
    page.set_viewport_size(SIZES[request.param])
    return SIZES[request.param]["width"]


def test_the_head_reads_a_pupil_s_history_and_exports_their_data(demo, app, page, size):
    from appui.schools import services
    from appui.schools.models import Student

    student = Student.objects.filter(school=demo.school, exit_date=None).order_by("pk").first()
    app.login("direction")
    # A change made through the app by the head: it is in the history with before → after.
    app.open(f"/eleves/{student.pk}/")
    page.get_by_role("button", name="Historique").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Historique de")
    assert_fits(page)
    app.assert_accessible()
    services.student_update(student=student, project="further_studies")
    page.reload()
    expect(page.get_by_text("Projet", exact=False).first).to_be_visible()
    # Filter on the reads only: the profile page the head opens shows restricted notes.
    page.get_by_label("Action").select_option(label="Consultation")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Historique de")
    assert_fits(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")
    # The personal data page and its two downloads.
    page.get_by_role("button", name="Données personnelles (export)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Données personnelles de")
    assert_fits(page)
    app.assert_accessible()
    with page.expect_download() as json_download:
        page.get_by_role("button", name="Télécharger (JSON)").click()
    assert json_download.value.suggested_filename.endswith(".json")
    with page.expect_download() as pdf_download:
        page.get_by_role("button", name="Télécharger (PDF)").click()
    assert pdf_download.value.suggested_filename.endswith(".pdf")


def test_a_teacher_has_no_history_link_and_is_refused(demo, app, page, size):
    from appui.schools.models import Student

    student = Student.objects.filter(school=demo.school, exit_date=None).order_by("pk").first()
    app.login("professeur")
    response = app.open(f"/eleves/{student.pk}/historique/")
    assert response.status in (403, 404)
    assert_fits(page)
