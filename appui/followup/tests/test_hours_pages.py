"""The hour pages read summaries: the index's figures equal the detailed page's, and no hour
page's query count grows with the levels, groups, sessions or pupils shown."""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from appui.followup import selectors, services
from appui.followup.models import Session
from appui.planning.models import Assignment, Group, Plan, Slot
from appui.schools.tests import factories as f

from .conftest import PARIS, TODAY

pytestmark = pytest.mark.django_db


def hold(session):
    services.attendance_all_present(session=session, user=None, today=TODAY)


def more_rows(world, ap):
    """A second level's published plan with a slot, a group of new pupils and its sessions;
    a second group of the first plan with no session yet; more pupils in the first level; a
    third level."""
    slot = Slot.objects.create(
        year=world.year,
        level=world.other_level,
        weekday=3,
        start_time=datetime.time(14),
        end_time=datetime.time(15),
    )
    slot.periods.set([ap.period, ap.period2])
    plan = Plan.objects.create(
        level=world.other_level,
        period=ap.period,
        status=Plan.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    group = Group.objects.create(plan=plan, slot=slot, module=ap.module, room=ap.room)
    group.staff.set([ap.teacher])
    for n in range(6):
        student = f.StudentFactory(division=world.other_division, last_name=f"Autre{n}")
        Assignment.objects.create(group=group, student=student)
    sessions = services.sessions_generate_for_plan(plan=plan, today=TODAY)
    hold(sessions[0])
    services.session_cancel(session=sessions[1], reason="", user=None)
    second = Group.objects.create(plan=ap.plan, slot=ap.slot, module=ap.module, room=ap.room)
    for n in range(5):
        student = f.StudentFactory(division=world.division, last_name=f"Nouveau{n}")
        Assignment.objects.create(group=second, student=student)
    hold(ap.sessions[0])
    # A third level (a row more on the index), with pupils and no plan.
    third = f.LevelFactory(year=world.year, name="Tle pro", short_name="TPRO", year_in_cycle=3)
    f.StudentFactory(division=f.DivisionFactory(level=third, code="TA"))


def _folded(records):
    return sorted(
        (r.group, r.status.value, r.strand.value, r.duration_minutes, r.students, r.staff)
        for r in records
    )


class TestSessionTotals:
    def test_they_equal_the_folded_session_records(self, world, ap):
        more_rows(world, ap)
        services.session_cancel(session=ap.sessions[2], reason="", user=None)
        # A session marked held although dated after today counts as planned.
        Session.objects.filter(pk=ap.sessions[-1].pk).update(
            status=Session.Status.DONE, date=TODAY + datetime.timedelta(days=3)
        )
        groups = Group.objects.filter(plan__level__year=world.year)
        records = selectors.session_records(groups, attendance=False)
        totals = selectors.session_totals(groups, TODAY)
        assert _folded(totals.folded) == _folded(selectors.fold_records(records.all, TODAY))
        assert [r.id for r in totals.unrecorded] == [
            r.id for r in records.recorded if r.is_unrecorded(TODAY)
        ]
        assert totals.unrecorded


class TestAttendedFolds:
    def test_they_equal_the_folded_session_records_with_attendance(self, world, ap):
        from appui.followup.models import Attendance

        more_rows(world, ap)
        hold(ap.sessions[1])
        services.session_cancel(session=ap.sessions[2], reason="", user=None)
        # Attendance that differs between the held sessions: an absent, a late and an excused
        # pupil, and a mark for a pupil who is not a member of the group (not counted).
        first, second = (
            Attendance.objects.filter(session=ap.sessions[n]).order_by("student_id") for n in (0, 1)
        )
        first.filter(pk=first[0].pk).update(status=Attendance.Status.ABSENT)
        second.filter(pk=second[0].pk).update(status=Attendance.Status.LATE)
        second.filter(pk=second[1].pk).update(status=Attendance.Status.EXCUSED)
        outsider = f.StudentFactory(division=world.other_division, last_name="Dehors")
        Attendance.objects.create(
            session=ap.sessions[0], student=outsider, status=Attendance.Status.PRESENT
        )
        # Held although dated after today: planned, its attendance not counted.
        Session.objects.filter(pk=ap.sessions[-1].pk).update(
            status=Session.Status.DONE, date=TODAY + datetime.timedelta(days=3)
        )
        groups = Group.objects.filter(plan__level__year=world.year)
        records = selectors.session_records(groups)
        folds = selectors.attended_folds(groups, TODAY)

        def full(rows):
            return [
                (r.id, r.date, r.group, r.status, r.strand, r.duration_minutes, r.students)
                + (r.staff, frozenset(s for s, mark in r.attendance.items() if mark.attended))
                for r in rows
            ]

        expected = selectors.fold_records(records.all, TODAY)
        assert full(folds.folded) == full(expected)
        assert len({row[-1] for row in full(expected)}) > 2  # several attendance patterns
        assert [r.id for r in folds.recorded] == [
            r.id for r in records.recorded if r.is_unrecorded(TODAY)
        ]
        assert folds.count == len(records.all)


class TestStaffService:
    def test_it_equals_the_staff_hours_of_every_session(self, world, ap):
        from appui.core import hours

        more_rows(world, ap)
        services.session_cancel(session=ap.sessions[2], reason="", user=None)
        Session.objects.filter(pk__in=[ap.sessions[0].pk, ap.sessions[1].pk]).update(
            status=Session.Status.DONE
        )
        # Held but dated after today: planned, not delivered.
        Session.objects.filter(pk=ap.sessions[-1].pk).update(
            status=Session.Status.DONE, date=TODAY + datetime.timedelta(days=3)
        )
        levels = [world.level, world.other_level]
        records = selectors.session_records(
            Group.objects.filter(plan__level__in=levels), attendance=False
        )
        expected = hours.staff_hours(records.all, as_of=TODAY)
        rows = selectors.staff_service(levels, TODAY)
        assert {row["staff"].pk: row["hours"] for row in rows} == expected
        assert any(h.sessions_delivered > 1 for h in expected.values())
        assert any(h.cancelled.total for h in expected.values())


class TestLevelSummaries:
    def test_they_show_what_the_level_page_shows(self, world, ap):
        more_rows(world, ap)
        services.session_cancel(session=ap.sessions[3], reason="", user=None)
        levels = [world.level, world.other_level]
        summaries = dict(selectors.level_summaries(world.year, levels, TODAY))
        for level in levels:
            detailed, summary = selectors.level_hours(level, TODAY), summaries[level]
            assert summary["report"].planned == detailed["report"].planned
            assert summary["report"].delivered == detailed["report"].delivered
            assert summary["report"].remaining_minutes == detailed["report"].remaining_minutes
            assert summary["strands"] == detailed["strands"]
            assert [w.message for w in summary["warnings"]] == [
                w.message for w in detailed["warnings"]
            ]
            assert summary["warnings"]


@pytest.mark.parametrize(
    "name, args",
    [("followup:hours-index", []), ("followup:hours-staff", []), ("followup:hours-level", None)],
)
def test_the_hour_pages_queries_do_not_grow_with_the_rows(
    login, world, ap, django_assert_max_num_queries, name, args
):
    client = login(world.users["coordinator"])
    url = reverse(name, args=[world.level.pk] if args is None else args)
    assert client.get(url).status_code == 200
    # The figures computed from the records each time (nothing kept from before).
    cache.clear()
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    more_rows(world, ap)
    cache.clear()
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "name, args",
    [("followup:hours-index", []), ("followup:hours-staff", []), ("followup:hours-level", None)],
)
def test_the_hour_pages_are_kept_until_a_record_changes(
    login, world, ap, django_assert_max_num_queries, name, args
):
    client = login(world.users["coordinator"])
    url = reverse(name, args=[world.level.pk] if args is None else args)
    with at(TODAY), django_assert_max_num_queries(60) as computed:
        first = page(client.get(url))
    with at(TODAY), django_assert_max_num_queries(len(computed.captured_queries) - 3):
        assert page(client.get(url)) == first  # read back, not computed again
    # A session held (attendance taken) changes the school's data version: computed again.
    hold(ap.sessions[1])
    with at(TODAY):
        changed = page(client.get(url))
    assert changed != first
    # The next day, the remaining weeks may differ: computed again, never yesterday's.
    with at(TODAY + datetime.timedelta(days=1)), django_assert_max_num_queries(60) as next_day:
        client.get(url)
    assert len(next_day.captured_queries) >= len(computed.captured_queries) - 3


def page(response) -> str:
    """The page without its per-request tokens (CSRF, script nonce)."""
    return re.sub(r"[A-Za-z0-9_+/=-]{32,}", "…", response.content.decode())


def at(day: datetime.date):
    """The clock held at noon in Paris on ``day``."""
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(12), tzinfo=PARIS), tick=False
    )
