"""Progress graphs in the browser: the pupil page's graph of the year with its data table, and
the group's before/after graph, on a desktop and on a 375 px phone, accessible (axe)."""

from playwright.sync_api import expect

from tests.e2e.screen import assert_fits
from tests.e2e.test_followup import _hold_sessions, _published_group

PHONE = {"width": 375, "height": 812}


def test_the_pupil_and_group_pages_show_progress_graphs_with_their_data(demo, app, page):
    from appui.schools.models import Student

    _plan, group, members = _published_group(demo, period_number=1, students=8)
    _hold_sessions(group, members)
    own = Student.objects.get(user__username="eleve")

    app.login("professeur")
    app.open(f"/eleves/{own.pk}/")
    chart = page.locator("#progres svg.chart")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("role", "img")
    # Three teacher marks drawn as hollow markers on the module's competency line.
    expect(chart.locator("circle[fill='#ffffff']")).to_have_count(3)
    page.locator("#progres details summary").click()
    expect(page.locator("#progres details table tbody tr")).to_have_count(
        3 + page.locator("#progres details table tbody tr td:has-text('Diagnostic')").count()
    )
    app.assert_accessible()
    page.set_viewport_size(PHONE)
    app.open(f"/eleves/{own.pk}/")
    expect(page.locator("#progres svg.chart")).to_be_visible()
    assert_fits(page)
    # The graph keeps a legible width on a phone and scrolls inside its own box.
    assert page.locator("#progres svg.chart").bounding_box()["width"] >= 470
    app.assert_accessible()

    app.open(f"/suivi/groupes/{group.pk}/seances/")
    expect(page.locator("#progres svg.chart")).to_be_visible()
    page.locator("#progres details summary").click()
    expect(page.locator("#progres details table tbody tr")).to_have_count(5)
    assert_fits(page)
    app.assert_accessible()
