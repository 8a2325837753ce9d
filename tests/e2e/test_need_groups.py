"""Need groups in the browser: solve, adjust, lock, re-solve, publish; then the published
groups are seen by a teacher and a student."""

import re

from playwright.sync_api import expect


def test_coordinator_solves_adjusts_locks_resolves_and_publishes(demo, app, page):
    from appui.planning.models import Assignment, Plan
    from appui.schools.models import Student

    app.login("coordination")
    page.get_by_role("link", name="Groupes", exact=True).click()
    app.assert_accessible()
    page.get_by_role(
        "link", name=re.compile("à préparer — 2nde professionnelle, Période 2")
    ).click()
    expect(page.get_by_role("heading", name="Ce que le calcul va utiliser")).to_be_visible()
    app.assert_accessible()
    page.get_by_role("button", name="Former les groupes").click()
    expect(page.get_by_role("heading", name="Ce que le plan apporte aux élèves")).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_role("row", name=re.compile("Couverture des besoins")).first).to_be_visible()
    app.assert_accessible()

    # Move a student to another group of the same slot that has room for them.
    plan = Plan.objects.get(level__short_name="2NDPRO", period__number=2)
    source, target = _movable_pair(plan)
    student_assignment = source.assignments.first()
    # On the board: drag the pupil's chip onto the other group's column (saved through
    # htmx, no reload), which locks them there.
    page.locator(f"#a-{student_assignment.pk}").drag_to(page.locator(f"#col-{target.pk}"))
    expect(page.locator(f"#col-{target.pk} #a-{student_assignment.pk}")).to_be_visible()
    moved = Assignment.objects.get(pk=student_assignment.pk)
    assert moved.group_id == target.pk and moved.locked

    # Lock a whole group, then solve again from the current plan: the locks hold.
    page.get_by_role("button", name="Verrouiller le groupe").first.click()
    expect(page.locator(".board-col.locked")).to_have_count(1)
    locked_group = plan.groups.get(locked=True)
    locked_members = set(locked_group.assignments.values_list("student_id", flat=True))
    page.get_by_role(
        "button", name="Recalculer à partir du plan actuel (garde les verrous)"
    ).click()
    expect(page.get_by_role("heading", name="Avant et après le dernier calcul")).to_be_visible(
        timeout=30_000
    )
    assert (
        set(plan.groups.get(locked=True).assignments.values_list("student_id", flat=True))
        == locked_members
    )
    again = Assignment.objects.get(
        group__plan=plan, student_id=moved.student_id, group__slot_id=target.slot_id
    )
    assert again.locked
    assert again.group.module_id == target.module_id

    page.get_by_role("link", name="Publier").or_(
        page.get_by_role("button", name="Publier")
    ).first.click()
    page.get_by_role("button", name="Confirmer la publication").click()
    expect(page.get_by_text("Plan publié :")).to_be_visible()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED

    # The student sees their groups.
    page.context.clear_cookies()
    app.login("eleve")
    own = Student.objects.get(user__username="eleve")
    app.open(f"/eleves/{own.pk}/")
    section = page.get_by_role("region", name="Groupes d'AP")
    module = Assignment.objects.filter(group__plan=plan, student=own).first().group.module
    expect(section).to_contain_text(module.title)
    app.assert_accessible()

    # A teacher of the student's division sees them too.
    page.context.clear_cookies()
    app.login("professeur")
    app.open(f"/eleves/{own.pk}/")
    expect(page.get_by_role("region", name="Groupes d'AP")).to_contain_text(module.title)


def _movable_pair(plan):
    """Two groups of one slot: the first can lose a member, the second can take one."""
    groups = list(plan.groups.select_related("module", "room"))
    for source in groups:
        if source.assignments.count() <= source.module.min_size:
            continue
        for target in groups:
            size = target.assignments.count()
            capacity = min(
                target.module.max_size, target.room.capacity if target.room else size + 1
            )
            if target.slot_id == source.slot_id and target.pk != source.pk and size < capacity:
                return source, target
    raise AssertionError("no group can take one more student in the demo plan")
