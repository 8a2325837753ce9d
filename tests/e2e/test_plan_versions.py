"""Plan versions in the browser: form the groups, move a pupil, re-solve from the current
plan (before/after shown), compare two versions, restore one after its confirmation page,
publish after the confirmation page; desktop and 375 px, axe on every page."""

import re

from playwright.sync_api import expect

from tests.e2e.screen import assert_fits

PHONE = {"width": 375, "height": 812}


def _move_one_pupil(plan, user):
    """A hand move, as the board makes it (the board has its own browser test)."""
    from appui.planning import services
    from appui.planning.models import Assignment

    for assignment in Assignment.objects.filter(group__plan=plan).select_related("group__module"):
        group = assignment.group
        if group.assignments.count() <= group.module.min_size:
            continue
        for target in plan.groups.filter(slot=group.slot, round=group.round).exclude(pk=group.pk):
            room = target.room.capacity if target.room else target.module.max_size
            if target.assignments.count() < min(room, target.module.max_size):
                services.assignment_move(assignment=assignment, group=target, user=user)
                return assignment.student
    raise AssertionError("no pupil can move in the demo plan")


def test_coordinator_compares_restores_and_publishes_versions(demo, app, page):
    from django.contrib.auth import get_user_model

    from appui.planning.models import Plan, PlanSnapshot

    app.login("coordination")
    page.get_by_role("link", name="Groupes", exact=True).click()
    page.get_by_role(
        "link", name=re.compile("à préparer — 2nde professionnelle, Période 2")
    ).click()
    page.get_by_role("button", name="Former les groupes").click()
    expect(page.get_by_role("heading", name="Versions", exact=True)).to_be_visible(timeout=30_000)
    versions = page.locator("table.versions")
    expect(versions).to_contain_text("Version 1")
    expect(versions).to_contain_text("calculée")

    plan = Plan.objects.get(level__short_name="2NDPRO", period__number=2)
    coordinator = get_user_model().objects.get(username="coordination")
    _move_one_pupil(plan, coordinator)

    # Re-solve from the current plan: the page says what changed, or that nothing did.
    page.reload()
    expect(versions).to_contain_text("modifiée à la main")
    page.get_by_role(
        "button", name="Recalculer à partir du plan actuel (garde les verrous)"
    ).click()
    expect(page.get_by_role("heading", name="Avant et après le dernier calcul")).to_be_visible(
        timeout=30_000
    )
    app.assert_accessible()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PROPOSED and plan.progress["mode"] == "start"

    # Compare version 1 with the hand-moved version 2.
    page.get_by_role("link", name="Comparer avec la version 1").first.click()
    form = page.locator("form.compare-form")
    form.get_by_label("Version", exact=True).select_option("1")
    form.get_by_label("avec la version").select_option("2")
    form.get_by_role("button", name="Comparer").click()
    expect(page.get_by_role("heading", name="Version 1 et version 2")).to_be_visible()
    expect(page.get_by_role("heading", name="1 élève déplacé")).to_be_visible()
    expect(
        page.locator("table.compare").get_by_role("row", name=re.compile("Couverture des besoins"))
    ).to_be_visible()
    app.assert_accessible()
    page.set_viewport_size(PHONE)
    assert_fits(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Restore version 1: a confirmation page first, then the groups of version 1 are back.
    page.get_by_role("link", name="Restaurer la version 1").first.click()
    expect(page.get_by_role("heading", name="Restaurer la version 1 ?")).to_be_visible()
    app.assert_accessible()
    page.get_by_role("button", name="Confirmer : restaurer la version 1").click()
    expect(page.get_by_text(re.compile("Version 1 restaurée"))).to_be_visible()
    expect(page.get_by_role("heading", name="Avant et après la restauration")).to_be_visible()
    newest = PlanSnapshot.objects.filter(plan=plan).order_by("-number").first()
    first = PlanSnapshot.objects.get(plan=plan, number=1)
    assert newest.origin == PlanSnapshot.Origin.RESTORE and newest.groups == first.groups

    # Publish: the confirmation page checks the rules and says it is the first publication.
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(
        page.get_by_text("Première publication pour ce niveau et cette période.")
    ).to_be_visible()
    expect(page.get_by_text(re.compile("Toutes les règles sont respectées"))).to_be_visible()
    app.assert_accessible()
    page.set_viewport_size(PHONE)
    assert_fits(page)
    page.get_by_role("button", name="Confirmer la publication").click()
    expect(page.get_by_text(re.compile("^Plan publié :"))).to_be_visible()
    assert_fits(page)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED
    assert PlanSnapshot.objects.filter(plan=plan).order_by("-number").first().origin == "publish"

    # The versions page at 375 px: the table scrolls inside its box, never the page.
    app.open(f"/groupes/plans/{plan.pk}/versions/")
    expect(page.get_by_role("heading", name=re.compile("Versions des groupes"))).to_be_visible()
    assert_fits(page)
    app.assert_accessible()
