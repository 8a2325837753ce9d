"""The dashboard counts the sessions the follow-up counts: one source of session records.

A Wednesday slot over period 2 (2 November – 18 December 2026) meets 6 times: 11 November
is a public holiday. The dashboard once counted 7 (it walked the calendar itself), and 8
after a session was moved.
"""

import datetime

import pytest

from appui.followup import selectors as followup
from appui.followup import services as followup_services
from appui.followup.models import Session
from appui.planning.models import Assignment, Group, Plan, Slot
from appui.schools.models import Period
from appui.steering import dashboard, selectors

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 24)
WEDNESDAYS = [D(2026, 11, 4), D(2026, 11, 18), D(2026, 11, 25), D(2026, 12, 2), D(2026, 12, 9)]
WEDNESDAYS.append(D(2026, 12, 16))


@pytest.fixture
def wednesday(world, planning) -> Group:
    """A published plan for period 2 with one group on Wednesdays 10:00–11:00 (the student
    and their classmate), its sessions not generated."""
    period = Period.objects.create(
        year=world.year,
        number=2,
        name="Période 2",
        start_date=D(2026, 11, 2),
        end_date=D(2026, 12, 18),
    )
    slot = Slot.objects.create(
        year=world.year,
        level=world.level,
        weekday=2,
        start_time=datetime.time(10),
        end_time=datetime.time(11),
    )
    slot.periods.set([period])
    plan = Plan.objects.create(level=world.level, period=period, status=Plan.Status.PUBLISHED)
    group = Group.objects.create(plan=plan, slot=slot, module=planning["modules"][0])
    group.staff.set([planning["teacher"]])
    for student in (world.student, world.classmate):
        Assignment.objects.create(group=group, student=student)
    return group


def dashboard_sessions(world, group):
    scope = selectors.Scope(school=world.school, year=world.year, today=TODAY)
    results = dashboard.compute(scope)
    levels, _divisions = dashboard.hours_rows(results)
    planned = next(row.planned for row in levels if row.unit == world.level.pk)
    return [s for s in results.sessions if s.group == group.pk], planned


def test_before_generation_the_dashboard_plans_the_school_days_of_the_slot(world, wednesday):
    sessions, planned = dashboard_sessions(world, wednesday)
    assert sorted(s.date for s in sessions) == WEDNESDAYS
    assert planned == 6 * 60


def test_the_planned_dates_are_the_dates_generation_gives(world, wednesday):
    planned = followup.session_records([wednesday.pk]).planned
    generated = followup_services.sessions_generate_for_plan(plan=wednesday.plan, today=TODAY)
    assert sorted(s.date for s in planned) == sorted(s.date for s in generated) == WEDNESDAYS
    assert followup.session_records([wednesday.pk]).planned == []


def test_with_a_session_moved_the_dashboard_counts_what_the_followup_counts(world, wednesday):
    followup_services.sessions_generate_for_plan(plan=wednesday.plan, today=TODAY)
    moved = Session.objects.get(group=wednesday, date=D(2026, 11, 18))
    followup_services.session_reschedule(
        session=moved,
        date=D(2026, 11, 19),
        start_time=datetime.time(14),
        end_time=datetime.time(15),
        user=world.users["teacher"],
    )
    sessions, planned = dashboard_sessions(world, wednesday)
    hours = followup.level_hours(world.level, TODAY)
    assert len(sessions) == hours["sessions"] == 6
    assert D(2026, 11, 19) in {s.date for s in sessions}
    assert D(2026, 11, 18) not in {s.date for s in sessions}
    assert planned == 6 * 60
    per_student = hours["report"].students[world.student.pk]
    assert per_student.planned.total == planned


def test_a_cancelled_session_is_not_planned_again(world, wednesday):
    followup_services.sessions_generate_for_plan(plan=wednesday.plan, today=TODAY)
    cancelled = Session.objects.get(group=wednesday, date=D(2026, 12, 9))
    followup_services.session_cancel(session=cancelled, reason="Sortie", user=None)
    sessions, _planned = dashboard_sessions(world, wednesday)
    assert len(sessions) == 6
    assert [s.status.value for s in sessions if s.date == D(2026, 12, 9)] == ["cancelled"]
