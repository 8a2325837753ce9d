"""The need-group board in the browser: drag a pupil, move one with the keyboard, see the
counts and the broken rule change without a reload; a stale tab gets the conflict; 375 px."""

import re

from playwright.sync_api import expect

from tests.e2e.screen import assert_fits

PHONE = {"width": 375, "height": 812}


def _plan():
    from appui.planning.models import Plan

    return Plan.objects.get(level__short_name="2NDPRO", status=Plan.Status.PROPOSED)


def _first_slot_groups(plan):
    """The groups of the board shown first (the earliest slot), with their sizes."""
    groups = list(
        plan.groups.select_related("module", "room", "slot").order_by(
            "slot__weekday", "slot__start_time", "module__code", "pk"
        )
    )
    first = [g for g in groups if g.slot_id == groups[0].slot_id]
    return [(g, g.assignments.count()) for g in first]


def _room_for_one_more(group, size):
    capacity = min(group.module.max_size, group.room.capacity if group.room else size + 1)
    return size < capacity


def test_coordinator_drags_and_keyboard_moves_pupils_on_the_board(demo_with_plans, app, page):
    from appui.planning.models import Assignment

    plan = _plan()
    groups = _first_slot_groups(plan)
    source, source_size = next((g, n) for g, n in groups if n >= 2)
    target, target_size = next(
        (g, n) for g, n in groups if g.pk != source.pk and _room_for_one_more(g, n)
    )
    # The source group is at its minimum: taking a pupil out of it breaks the size rule.
    source.module.min_size = source_size
    source.module.save()

    app.login("coordination")
    app.open(f"/groupes/plans/{plan.pk}/")
    expect(page.get_by_role("heading", name="Groupes", exact=True)).to_be_visible()
    page.evaluate("window.boardMarker = 'still here'")
    app.assert_accessible()

    # Drag a chip onto another column: saved, counted, the rule break shown, no reload.
    dragged = source.assignments.order_by("student__last_name").first()
    page.locator(f"#a-{dragged.pk}").drag_to(page.locator(f"#col-{target.pk}"))
    expect(page.locator("#board-status")).to_contain_text("déplacé(e)")
    expect(page.locator(f"#col-{target.pk} .col-count")).to_have_text(str(target_size + 1))
    expect(page.locator(f"#col-{source.pk} .col-count")).to_have_text(str(source_size - 1))
    expect(page.locator(f"#col-{target.pk} #a-{dragged.pk}")).to_be_visible()
    expect(page.locator(f"#col-{source.pk} .col-breaks")).to_contain_text("moins que le minimum")
    assert page.evaluate("window.boardMarker") == "still here"
    moved = Assignment.objects.get(pk=dragged.pk)
    assert moved.group_id == target.pk and moved.locked

    # Keyboard: open a pupil's panel with Enter, pick the group, the focus comes back.
    keyboard = Assignment.objects.filter(group=target).exclude(pk=dragged.pk).order_by("pk").first()
    page.locator(f"#a-{keyboard.pk} .chip-name").focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(keyboard.student.first_name)
    app.assert_accessible()
    choice = dialog.locator(f"[data-move-to='{source.pk}']")
    choice.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.locator(f"#col-{source.pk} #a-{keyboard.pk}")).to_be_visible()
    expect(page.locator(f"#a-{keyboard.pk} .chip-name")).to_be_focused()
    expect(page.locator(f"#col-{source.pk} .col-count")).to_have_text(str(source_size))
    expect(page.locator(f"#col-{source.pk} .col-breaks")).to_have_count(0)
    assert Assignment.objects.get(pk=keyboard.pk).group_id == source.pk
    assert page.evaluate("window.boardMarker") == "still here"

    # Lock the target group from its column: its chips can no longer be dragged.
    column = page.locator(f"#col-{target.pk}")
    column.get_by_role("button", name="Verrouiller le groupe").click()
    expect(column).to_have_class(re.compile(r"\blocked\b"))
    expect(column.locator('[draggable="true"]')).to_have_count(0)
    expect(column.get_by_role("button", name="Déverrouiller le groupe")).to_be_focused()
    target.refresh_from_db()
    assert target.locked
    assert page.evaluate("window.boardMarker") == "still here"


def test_a_stale_tab_gets_the_conflict_and_the_board_as_it_is(demo_with_plans, app, page):
    from django.db.models import F

    from appui.planning.models import Assignment, Plan

    plan = _plan()
    groups = _first_slot_groups(plan)
    source, _n = next((g, n) for g, n in groups if n >= 1)
    target, _m = next((g, n) for g, n in groups if g.pk != source.pk)
    app.login("coordination")
    app.open(f"/groupes/plans/{plan.pk}/")
    page.evaluate("window.boardMarker = 'still here'")
    # Another tab changes the plan meanwhile.
    Plan.objects.filter(pk=plan.pk).update(revision=F("revision") + 1)
    dragged = source.assignments.first()
    page.locator(f"#a-{dragged.pk}").drag_to(page.locator(f"#col-{target.pk}"))
    expect(page.locator("#board-status")).to_contain_text("rien n'a été changé")
    plan.refresh_from_db()
    expect(page.locator("#board-revision")).to_have_value(str(plan.revision))
    assert Assignment.objects.get(pk=dragged.pk).group_id == source.pk
    assert page.evaluate("window.boardMarker") == "still here"
    # The refreshed board works: the same move now goes through.
    page.locator(f"#a-{dragged.pk}").drag_to(page.locator(f"#col-{target.pk}"))
    expect(page.locator(f"#col-{target.pk} #a-{dragged.pk}")).to_be_visible()
    assert Assignment.objects.get(pk=dragged.pk).group_id == target.pk


def test_the_board_fits_a_phone_one_slot_at_a_time(demo_with_plans, app, page):
    plan = _plan()
    page.set_viewport_size(PHONE)
    app.login("coordination")
    app.open(f"/groupes/plans/{plan.pk}/")
    tabs = page.get_by_role("tab")
    expect(tabs.first).to_have_attribute("aria-selected", "true")
    assert_fits(page)
    assert page.locator(".board-panel:visible").count() == 1
    app.assert_accessible()
    if tabs.count() > 1:
        tabs.nth(1).click()
        expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")
        assert page.locator(".board-panel:visible").count() == 1
        assert_fits(page)
    # A pupil's panel opens on a tap and fits the phone too.
    page.locator(".board-panel:visible .chip-name").first.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.get_by_role("dialog")).to_contain_text(re.compile("Déplacer .* vers"))
    assert_fits(page)
    app.assert_accessible()
