"""The pilotage on a 375 px phone (seed 001): the head plans a training action, records it
as done with an AP teacher who took part, sees the training indicator move on the dashboard,
then reads the organigram (and its edit page) and the meetings grouped by instance — no
sideways scrolling, axe clean on every page."""

from playwright.sync_api import expect

from tests.e2e.screen import PHONE, assert_fits


def _training_headline(page) -> str:
    return page.locator("section[data-indicator=training] .headline .figure").inner_text().strip()


def _expected_headline(school) -> str:
    """What the dashboard must show, computed here with the same formula from the database."""
    from django.utils import timezone

    from appui.steering import dashboard, selectors

    year = school.years.get(is_current=True)
    scope = selectors.Scope(school=school, year=year, today=timezone.localdate())
    return dashboard.percent(dashboard.headline_shares(dashboard.compute(scope))["training"])


def test_the_head_records_a_training_and_reads_the_organigram(demo_with_plans, app, page):
    from appui.planning.models import Group
    from appui.steering.models import TrainingAction

    school = demo_with_plans.school
    # An AP teacher (running a published group) not trained yet by the demo's actions.
    trained = set(
        TrainingAction.participants.through.objects.filter(
            trainingaction__status="done"
        ).values_list("staff_id", flat=True)
    )
    ap_teachers = [
        staff
        for group in Group.objects.filter(plan__status="published").prefetch_related("staff")
        for staff in group.staff.all()
        if staff.function == "teacher"
    ]
    newcomer = next(staff for staff in ap_teachers if staff.pk not in trained)

    page.set_viewport_size(PHONE)
    app.login("direction")
    app.open("/pilotage/")
    before = _training_headline(page)
    assert before == _expected_headline(school)

    # The training plan: the demo's actions, planned and done.
    page.get_by_role("button", name="Plan de formation des équipes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan de formation des équipes")
    expect(page.locator("#trainings-done tbody tr")).to_have_count(2)
    expect(page.locator("#trainings-planned tbody tr")).to_have_count(1)
    assert_fits(page)
    app.assert_accessible()

    # A new action, planned for a day already past (it took place last week).
    page.locator("#new-training").click()
    page.get_by_label("Titre", exact=True).fill("Co-animer un atelier d'AP")
    page.get_by_label("Organisée par").select_option("school")
    page.get_by_label("Date", exact=True).fill("2026-11-18")
    page.get_by_label("Durée (heures)").fill("2")
    assert_fits(page)
    app.assert_accessible()
    page.locator("#training-form button[type=submit]").click()
    row = page.locator("#trainings-planned tbody tr", has_text="Co-animer un atelier d'AP")
    expect(row).to_have_count(1)

    # Recorded as done, with the AP teacher who actually took part.
    row.locator("a.record-done").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("réalisée")
    page.get_by_label(str(newcomer), exact=True).check()
    assert_fits(page)
    app.assert_accessible()
    page.locator("#training-done-form button[type=submit]").click()
    done = page.locator("#trainings-done tbody tr", has_text="Co-animer un atelier d'AP")
    expect(done).to_contain_text(str(newcomer))
    expect(page.locator("#trainings-planned tbody tr", has_text="Co-animer")).to_have_count(0)

    # The dashboard's indicator counts one more AP teacher trained.
    app.open("/pilotage/")
    after = _training_headline(page)
    assert after == _expected_headline(school) and after != before
    section = page.locator("section[data-indicator=training]")
    expect(section.locator(".bar-row").first).to_be_visible()
    expect(page.locator("section[data-indicator=instances] .bar-row").first).to_be_visible()
    app.assert_accessible()

    # The organigram: management, a coordinator for each level, referents, instances.
    page.get_by_role("button", name="Organigramme de pilotage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organigramme de pilotage")
    levels = page.locator("#org-levels > li")
    assert levels.count() >= 3
    expect(page.locator("#org-levels .badge")).to_have_count(0)  # no level without one
    expect(page.locator("#organigram")).to_contain_text("conseil d'administration".capitalize())
    expect(page.locator("#organigram")).to_contain_text("Mme Rolland")
    expect(page.locator("button[data-print]")).to_be_visible()
    assert_fits(page)
    app.assert_accessible()

    # Its edit page: the roles, and the head's form naming a level coordinator.
    page.locator("#edit-organigram").click()
    expect(page.locator("#roles tbody tr").first).to_be_visible()
    expect(page.locator("#coordinator-form")).to_be_visible()
    assert_fits(page)
    app.assert_accessible()

    # The meetings, grouped by instance.
    app.open("/pilotage/reunions/")
    for kind in ("board", "council", "teaching", "regulation"):
        expect(page.locator(f"section[data-instance={kind}]")).to_have_count(1)
    assert_fits(page)
    app.assert_accessible()
