"""Behaviours moved out of inline handlers into static/appui/appui.js (the CSP allows no
inline script): they still work, and — through the ``context`` fixture — without any CSP
violation on the way."""

import re

from playwright.sync_api import expect


def test_the_student_list_download_takes_the_search_shown(demo, app, page):
    app.login("direction")
    app.open("/eleves/")
    page.get_by_label("Nom ou INE").fill("a")
    page.wait_for_url(re.compile(r"[?&]q=a"))
    with page.expect_download() as download:
        page.locator('.export-links a[data-format="csv"]').click()
    url = download.value.url
    assert "q=a" in url and "format=csv" in url


def test_choosing_a_level_filters_the_tutoring_list(demo, app, page):
    app.login("coordination")
    app.open("/tutorat/affecter/")
    select = page.locator("#filter-level")
    level = select.locator("option").nth(1).get_attribute("value")
    select.select_option(level)
    page.wait_for_url(re.compile(rf"[?&]niveau={level}\b"))
    expect(page.locator("#filter-level")).to_have_value(level)


def test_the_print_button_prints(demo, app, page):
    from appui.schools.models import Student

    student = Student.objects.filter(school=demo.school).order_by("pk").first()
    app.login("direction")
    app.open(f"/eleves/{student.pk}/emploi-du-temps/imprimer/")
    # A function is called by evaluate: it replaces the print dialog with a counter.
    page.evaluate("() => { window.print = () => { window.printed = (window.printed || 0) + 1; }; }")
    page.get_by_role("button", name="Imprimer").click()
    assert page.evaluate("window.printed") == 1
