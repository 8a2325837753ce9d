"""The first sessions of a list (a teacher's next session): their keys, then their rows —
PostgreSQL plans ``ORDER BY … LIMIT`` over the joined tables of a session in 12 to 40 ms
otherwise (bench/profile_load.py). A pupil's upcoming and recent sessions are picked from the
keys, dates and states of all their sessions, read at once. One session per group and day."""

import datetime

import pytest

from appui.followup import selectors
from appui.followup.models import Session
from appui.followup.selectors.sessions import first_sessions

from .conftest import TODAY

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def add(ap, day, hour, status=Session.Status.PLANNED):
    return Session.objects.create(
        group=ap.group,
        date=day,
        start_time=datetime.time(hour),
        end_time=datetime.time(hour + 1),
        status=status,
    )


def test_the_next_session_is_the_earliest_to_come_and_not_cancelled(
    ap, world, django_assert_num_queries
):
    add(ap, TODAY + 7 * DAY, 10)
    add(ap, TODAY + DAY, 9, status=Session.Status.CANCELLED)
    add(ap, TODAY + 3 * DAY, 8)
    earliest = add(ap, TODAY + 2 * DAY, 14)
    add(ap, TODAY, 7)  # today is not « next »
    # The keys, the rows, the group's staff.
    with django_assert_num_queries(3):
        found = selectors.next_session(world.users["teacher"], TODAY)
        assert list(found.group.staff.all()) == [ap.teacher]
    assert found == earliest
    # Its group, module, room and plan came with it.
    with django_assert_num_queries(0):
        assert (found.group.module.code, found.group.room.name) == ("LEC-S", "B101")
        assert found.group.plan.level == world.level


def test_nothing_to_come_costs_one_query(ap, world, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert selectors.next_session(world.users["teacher"], TODAY + 365 * DAY) is None
    # Someone who runs no group has no next session either.
    assert selectors.next_session(world.users["head"], TODAY) is None


def test_first_sessions_keeps_the_order_the_limit_and_the_filters(ap):
    days = [TODAY + n * DAY for n in (5, 1, 3, 2, 4)]
    made = [add(ap, day, 10) for day in days]
    add(ap, TODAY + 6 * DAY, 10, status=Session.Status.CANCELLED)
    upcoming = Session.objects.filter(group=ap.group, date__gt=TODAY).exclude(
        status=Session.Status.CANCELLED
    )
    expected = sorted(made, key=lambda s: s.date)
    assert first_sessions(upcoming, "date", "start_time", limit=3) == expected[:3]
    assert first_sessions(upcoming, "-date", "-start_time", limit=2) == expected[::-1][:2]
    assert first_sessions(upcoming, "date", limit=50) == expected
    assert first_sessions(upcoming.none(), "date", limit=3) == []


def test_the_pupil_page_lists_the_same_sessions_as_before(ap, world):
    to_come = [add(ap, TODAY + n * DAY, 10) for n in (4, 1, 9, 2)]
    add(ap, TODAY + 3 * DAY, 10, status=Session.Status.CANCELLED)
    held = sorted(ap.sessions, key=lambda s: (s.date, s.start_time))
    Session.objects.filter(pk__in=[s.pk for s in held]).update(status=Session.Status.DONE)

    # Held sessions: one after today is not « recent » yet but counts as held.
    later = add(ap, TODAY + 20 * DAY, 10, status=Session.Status.DONE)

    summary = selectors.student_summary(world.student, staff=True, today=TODAY)

    assert summary["upcoming"] == sorted(to_come, key=lambda s: s.date)[:3]
    assert [r.session for r in summary["recent"]] == [s for s in held[::-1] if s.date <= TODAY][:4]
    assert later not in [r.session for r in summary["recent"]]
    assert summary["held"] == len(held) + 1
    # The shown sessions came with their group, module and room.
    first = summary["upcoming"][0]
    assert (first.group.module.code, first.group.room.name) == ("LEC-S", "B101")


def test_the_pupil_page_reads_the_sessions_in_constant_queries(
    ap, world, django_assert_max_num_queries
):
    for n in range(12):
        add(ap, TODAY + (n - 6) * DAY, 9, status=Session.Status.DONE if n < 6 else "planned")
    # Keys, rows, their staff, the pupil's marks, the attendance counts, the reviews.
    with django_assert_max_num_queries(6):
        summary = selectors.student_summary(world.student, staff=True, today=TODAY)
    assert len(summary["upcoming"]) == 3 and len(summary["recent"]) == 4
