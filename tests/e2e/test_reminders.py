"""Reminders in the browser: the teacher's home lists a past session without attendance
under « Appels à faire »; following the link and recording the attendance takes it off the
list. The coordinator's home shows the to-do list. Desktop and 375 px, axe clean."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.screen import assert_fits

from .test_followup import PHONE, _published_group

DESKTOP = {"width": 1280, "height": 900}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_call_to_make_disappears_once_recorded(demo, app, page, viewport):
    from appui.followup.models import Session

    _plan, group, members = _published_group(demo, students=4)
    past = Session.objects.create(
        group=group,
        date=timezone.localdate() - datetime.timedelta(days=7),
        start_time=group.slot.start_time,
        end_time=group.slot.end_time,
    )
    page.set_viewport_size(viewport)
    app.login("professeur")
    calls = page.locator("section[aria-labelledby=calls-title]")
    expect(calls).to_be_visible()
    link = calls.locator(f"a[href^='/suivi/seances/{past.pk}/']")
    expect(link).to_have_count(1)
    assert_fits(page)
    app.assert_accessible()

    link.click()
    expect(page.locator(".badge.state-to_record").first).to_be_visible()
    page.locator("button.all-present").click()
    expect(page.locator(f"#eleve-{members[0].pk} button[value=present]")).to_have_attribute(
        "aria-pressed", "true"
    )
    app.open("/")
    expect(page.locator(f"a[href^='/suivi/seances/{past.pk}/']")).to_have_count(0)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_coordinator_home_shows_the_todo_list(demo, app, page, viewport):
    page.set_viewport_size(viewport)
    app.login("coordination")
    todo = page.locator("section[aria-labelledby=todo-title]")
    expect(todo).to_be_visible()
    # The demo without plans: every level lacks a published plan for the current period.
    item = todo.locator("li[data-todo=no_plan] a")
    expect(item).to_be_visible()
    assert_fits(page)
    app.assert_accessible()
    item.click()
    expect(page).to_have_url(app.base + "/groupes/")
