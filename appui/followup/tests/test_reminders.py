"""Reminders: « à saisir » (one rule, dated in Paris), the teacher's calls to make, the
coordinator's to-do list, the late-publication notice and the weekly digest."""

import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appui.followup import services
from appui.followup.models import DigestPreference, Session
from appui.followup.selectors import reminders
from appui.planning.models import Group, Plan

from .conftest import PARIS, TODAY

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def today_session(ap) -> Session:
    session, _ = Session.objects.get_or_create(
        group=ap.group,
        date=TODAY,
        defaults={"start_time": datetime.time(10), "end_time": datetime.time(11, 30)},
    )
    return session


# --------------------------------------------------------------------------- the rule


def test_a_past_session_without_attendance_is_to_record(ap):
    session = ap.sessions[0]
    assert reminders.is_to_record(session)
    assert reminders.session_state(session) == ("to_record", "à saisir")
    assert session in reminders.calls_to_make(ap.teacher.user)


def test_today_session_is_to_record_once_it_has_ended(ap, clock):
    session = today_session(ap)
    clock.move_to(datetime.datetime.combine(TODAY, datetime.time(11, 29), PARIS), tick=False)
    assert not reminders.is_to_record(session)
    assert session not in reminders.calls_to_make(ap.teacher.user)
    clock.move_to(datetime.datetime.combine(TODAY, datetime.time(11, 30), PARIS), tick=False)
    assert reminders.is_to_record(session)
    assert session in reminders.calls_to_make(ap.teacher.user)


@pytest.mark.parametrize(
    ("utc", "to_record"),
    [
        # 23:30 in Paris on TODAY (22:30 UTC): the session of 10:00–11:30 is over.
        (datetime.datetime(2026, 11, 24, 22, 30, tzinfo=UTC), {TODAY}),
        # 00:30 in Paris on the 25th, still the 24th in UTC: tomorrow's is not to record.
        (datetime.datetime(2026, 11, 24, 23, 30, tzinfo=UTC), {TODAY}),
        # 00:30 in Paris on the 24th (23:30 UTC on the 23rd): today's session is to come.
        (datetime.datetime(2026, 11, 23, 23, 30, tzinfo=UTC), set()),
    ],
)
def test_the_label_follows_the_date_in_paris(ap, clock, utc, to_record):
    sessions = {
        day: Session.objects.create(
            group=ap.group, date=day, start_time=datetime.time(10), end_time=datetime.time(11, 30)
        )
        for day in (TODAY + datetime.timedelta(days=1),)
    }
    sessions[TODAY] = today_session(ap)
    clock.move_to(utc, tick=False)
    shown = {day for day, s in sessions.items() if reminders.is_to_record(s)}
    assert shown == to_record
    listed = set(
        reminders.calls_to_make(ap.teacher.user)
        .filter(date__gte=TODAY)
        .values_list("date", flat=True)
    )
    assert listed == to_record


def test_held_and_cancelled_sessions_are_not_to_record(ap, world):
    held, cancelled = ap.sessions[0], ap.sessions[1]
    services.attendance_set(
        session=held, student=world.student, status="present", user=ap.teacher.user
    )
    services.session_cancel(session=cancelled, reason="Sortie", user=ap.teacher.user)
    held.refresh_from_db()
    cancelled.refresh_from_db()
    assert reminders.session_state(held)[0] == "done"
    assert reminders.session_state(cancelled)[0] == "cancelled"
    calls = set(reminders.calls_to_make(ap.teacher.user))
    assert held not in calls and cancelled not in calls
    assert len(calls) == len(ap.sessions) - 2


# --------------------------------------------------------------------------- pages


def test_the_pages_label_a_past_session_to_record(login, world, ap):
    session = ap.sessions[0]
    client = login(world.users["teacher"])
    for url in (
        reverse("followup:session-detail", args=[session.pk]),
        reverse("followup:group-sessions", args=[ap.group.pk]),
        reverse("followup:staff-week") + f"?semaine={session.date:%Y-%m-%d}",
    ):
        body = client.get(url).content.decode()
        assert "state-to_record" in body, url


def test_the_teacher_home_lists_the_calls_to_make(login, world, ap):
    response = login(world.users["teacher"]).get(reverse("home"))
    body = response.content.decode()
    assert 'id="calls-title"' in body
    first = reverse("followup:session-detail", args=[ap.sessions[0].pk])
    assert first in body
    # Recording the attendance takes it off the list.
    services.attendance_set(
        session=ap.sessions[0], student=world.student, status="present", user=ap.teacher.user
    )
    body = login(world.users["teacher"]).get(reverse("home")).content.decode()
    assert first not in body


def test_the_teacher_week_lists_the_calls_to_make(login, world, ap):
    body = login(world.users["teacher"]).get(reverse("followup:staff-week")).content.decode()
    assert 'id="calls-title"' in body
    assert reverse("followup:session-detail", args=[ap.sessions[0].pk]) in body


def test_a_pupil_sees_no_calls_nor_todo(login, world, ap):
    body = login(world.users["student"]).get(reverse("home")).content.decode()
    assert 'id="calls-title"' not in body
    assert 'id="todo-title"' not in body


def test_the_coordinator_home_lists_the_todo_items(login, world, ap):
    response = login(world.users["coordinator"]).get(reverse("home"))
    body = response.content.decode()
    assert 'id="todo-title"' in body
    assert 'data-todo="no_plan"' in body  # period 2 (current) has no published plan
    assert 'data-todo="to_record"' in body
    assert reverse("planning:plan-index") in body
    items = {i.key: i for i in response_items(world)}
    assert items["to_record"].count == len(ap.sessions)
    assert world.level.name in items["no_plan"].detail


def response_items(world):
    from appui.schools.access import SchoolAccess

    access = SchoolAccess.load(world.users["coordinator"], world.school)
    return reminders.coordinator_todo(access, world.year)


def test_the_home_todo_is_kept_a_few_minutes_and_follows_the_records(world, ap, clock):
    """The home page's to-do list is worked out for the start of each 5 minutes: a session
    that ends is counted from the next 5 minutes on (at most 5 minutes late), and any change
    of the school's records is seen at once."""
    from appui.schools.access import SchoolAccess

    access = SchoolAccess.load(world.users["coordinator"], world.school)
    session = today_session(ap)

    def to_record() -> int:
        items = {i.key: i for i in reminders.kept_coordinator_todo(access, world.year)}
        return items["to_record"].count if "to_record" in items else 0

    before = len(ap.sessions)
    clock.move_to(datetime.datetime.combine(TODAY, datetime.time(11, 29), PARIS), tick=False)
    assert to_record() == before
    # 11:33: the session ended at 11:30, the list of 11:30 counts it.
    clock.move_to(datetime.datetime.combine(TODAY, datetime.time(11, 33), PARIS), tick=False)
    assert to_record() == before + 1
    # Its attendance recorded meanwhile (the session held): seen at once.
    session.status = Session.Status.DONE
    session.save()
    assert to_record() == before
    # Kept: the same 5 minutes, nothing changed, no query of the list again.
    with CaptureQueriesContext(connection) as queries:
        to_record()
    assert not any("followup_session" in q["sql"] for q in queries.captured_queries)


def test_the_todo_list_leaves_out_a_level_with_a_published_plan(world, ap):
    Plan.objects.create(level=world.level, period=ap.period2, status=Plan.Status.PUBLISHED)
    items = {i.key: i for i in response_items(world)}
    assert world.level.name not in items.get("no_plan", reminders.TodoItem("", "", 0, "")).detail


def test_the_teacher_todo_is_empty(world, ap):
    from appui.schools.access import SchoolAccess

    access = SchoolAccess.load(world.users["teacher"], world.school)
    assert reminders.coordinator_todo(access, world.year) == []


def test_the_todo_list_costs_a_bounded_number_of_queries(world, ap):
    # Once first: the school's data version is created by the first read (two queries).
    response_items(world)
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        response_items(world)
    for day in range(3):
        Session.objects.create(
            group=ap.group,
            date=datetime.date(2026, 11, 3) + datetime.timedelta(days=7 * day),
            start_time=datetime.time(14),
            end_time=datetime.time(15),
        )
    with CaptureQueriesContext(connection) as more:
        response_items(world)
    assert len(more) == len(few)


def test_calls_to_make_cost_constant_queries(login, world, ap):
    client = login(world.users["teacher"])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    for day in range(3):
        Session.objects.create(
            group=ap.group,
            date=datetime.date(2026, 11, 3) + datetime.timedelta(days=7 * day),
            start_time=datetime.time(14),
            end_time=datetime.time(15),
        )
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("home"))
    assert len(more) == len(few)


# --------------------------------------------------------------------------- late publication


def test_a_first_publication_mid_period_counts_the_past_sessions(world, ap):
    plan = Plan.objects.create(level=world.level, period=ap.period2, status=Plan.Status.PROPOSED)
    group = Group.objects.create(plan=plan, slot=ap.slot, module=ap.module, room=ap.room)
    # Period 2 starts on 2 Nov: Tuesdays 3, 10, 17 Nov are past on 24 Nov (11 Nov is Wednesday).
    assert reminders.past_sessions_on_publish(plan, TODAY) == 3
    plan.status = Plan.Status.PUBLISHED
    plan.save()
    created = services.sessions_generate_for_plan(plan=plan, today=TODAY)
    past = [s for s in created if s.date < TODAY]
    assert len(past) == 3
    assert all(reminders.is_to_record(s) for s in past)
    assert group.sessions.count() == len(created)


def test_a_republication_creates_no_past_session(world, ap):
    plan = Plan.objects.create(
        level=world.level, period=ap.period, version=2, status=Plan.Status.PROPOSED
    )
    Group.objects.create(plan=plan, slot=ap.slot, module=ap.module, room=ap.room)
    assert reminders.past_sessions_on_publish(plan, datetime.date(2026, 10, 1)) == 0


def test_the_publication_page_says_past_sessions_will_be_created(login, world, ap):
    plan = Plan.objects.create(level=world.level, period=ap.period2, status=Plan.Status.PROPOSED)
    Group.objects.create(plan=plan, slot=ap.slot, module=ap.module, room=ap.room)
    response = login(world.users["coordinator"]).get(
        reverse("planning:plan-publish", args=[plan.pk])
    )
    assert response.status_code == 200
    assert "3 séances passées seront créées" in response.content.decode()


# --------------------------------------------------------------------------- digest


def test_the_digest_goes_to_those_who_asked(world, ap, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    teacher = world.users["teacher"]
    teacher.email = "prof@example.org"
    teacher.save()
    coordinator = world.users["coordinator"]
    coordinator.email = "coord@example.org"
    coordinator.save()
    DigestPreference.objects.create(user=teacher, weekly=True)
    DigestPreference.objects.create(user=coordinator, weekly=False)
    call_command("send_digests")
    assert [m.to for m in mail.outbox] == [["prof@example.org"]]
    body = mail.outbox[0].body
    assert reverse("followup:session-detail", args=[ap.sessions[0].pk]) in body
    assert "7 appels à faire" in body
    assert DigestPreference.objects.get(user=teacher).last_sent_at is not None


def test_the_digest_dry_run_sends_nothing(world, ap, settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    coordinator = world.users["coordinator"]
    coordinator.email = "coord@example.org"
    coordinator.save()
    DigestPreference.objects.create(user=coordinator, weekly=True)
    call_command("send_digests", "--dry-run")
    assert mail.outbox == []
    out = capsys.readouterr().out
    assert "coord@example.org" in out
    assert reverse("planning:plan-index") in out


def test_a_level_behind_on_hours_is_listed_once_its_period_is_planned(world, ap):
    world.level.ap_hours = 200
    world.level.save()
    items = {i.key: i for i in response_items(world)}
    # No plan for the current period: that item comes first; hours are not checked yet.
    assert "no_plan" in items and "hours" not in items
    Plan.objects.create(level=world.level, period=ap.period2, status=Plan.Status.PUBLISHED)
    items = {i.key: i for i in response_items(world)}
    assert items["hours"].count == 1
    assert items["hours"].url == reverse("followup:hours-level", args=[world.level.pk])
