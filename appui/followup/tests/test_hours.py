import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appui.core import hours
from appui.core.hours import Strand, WarningCode
from appui.followup import selectors, services
from appui.followup.models import Session
from appui.planning.models import Group, Module
from appui.schools.models import Staff
from appui.schools.tests import factories as f

from .conftest import TODAY

pytestmark = pytest.mark.django_db

D = datetime.date


def hold(session, today=TODAY):
    services.attendance_all_present(session=session, user=None, today=today)


class TestLevelHours:
    def test_planned_and_delivered_per_student(self, world, ap):
        hold(ap.sessions[0])
        services.attendance_set(
            session=ap.sessions[1], student=world.student, status="absent", user=None, today=TODAY
        )
        services.session_cancel(session=ap.sessions[2], reason="", user=None)
        report = selectors.level_hours(world.level, TODAY)["report"]
        student = report.students[world.student.pk]
        # 7 sessions of 90 minutes, one cancelled; two held, the student missed one.
        assert student.planned.total == 6 * 90
        assert student.delivered.total == 2 * 90
        assert student.attended.total == 90
        assert student.missed.total == 90
        assert student.cancelled.total == 90
        assert student.planned.get(Strand.CONSOLIDATION) == 6 * 90  # a support module

    def test_a_student_of_the_level_in_no_group_is_flagged(self, world, ap):
        newcomer = f.StudentFactory(division=world.division, last_name="Nouveau")
        context = selectors.level_hours(world.level, TODAY)
        unequal = [w for w in context["warnings"] if w.code == WarningCode.UNEQUAL]
        assert unequal and unequal[0].students == (newcomer.pk,)
        flagged = {row.student.pk for row in context["rows"] if row.short}
        assert flagged == {newcomer.pk}

    def test_equal_hours_give_no_unequal_warning(self, world, ap):
        report = selectors.level_hours(world.level, TODAY)["report"]
        assert not [w for w in report.warnings if w.code == WarningCode.UNEQUAL]

    def test_the_due_volume_out_of_reach_is_warned(self, world, ap):
        # 90 h due; one 90-minute slot a week cannot reach it from late November.
        context = selectors.level_hours(world.level, TODAY)
        codes = {w.code for w in context["warnings"]}
        assert WarningCode.UNREACHABLE in codes
        assert context["weekly_minutes"] == 90
        assert 0 < context["remaining_weeks"] < 30

    def test_remaining_weeks_skip_the_holidays(self, world, ap):
        # From 1 December 2026 (zone B): Tuesdays of period 2 left are 8 and 15 December;
        # the slot is limited to periods 1 and 2.
        weeks, weekly = selectors.remaining_slot_weeks(world.level, D(2026, 12, 1))
        assert (weeks, weekly) == (2, 90)

    def test_past_sessions_not_recorded_are_listed(self, world, ap):
        context = selectors.level_hours(world.level, TODAY)
        assert context["unrecorded"] and len(context["unrecorded"][0].sessions) == 7

    def test_divisions_get_ranges_and_attendance_rate(self, world, ap):
        hold(ap.sessions[0])
        divisions = dict(selectors.level_hours(world.level, TODAY)["divisions"])
        hours = divisions[world.division]
        assert hours.planned.equal and hours.planned.low == 7 * 90
        assert hours.attendance_rate == 1


class TestStaffHours:
    def test_co_animation_counts_the_whole_session_for_each(self, world, ap):
        other = Staff.objects.create(
            school=world.school, user=f.UserFactory(), last_name="Co", first_name="Anim"
        )
        ap.group.staff.add(other)
        hold(ap.sessions[0])
        rows = {row["staff"].pk: row for row in selectors.staff_service([world.level], TODAY)}
        assert rows[ap.teacher.pk]["hours"].planned.total == 7 * 90
        assert rows[other.pk]["hours"].delivered.total == 90

    def test_strands_follow_the_module_kind(self):
        assert selectors.strand_for(Module.Kind.SUPPORT) == Strand.CONSOLIDATION
        assert selectors.strand_for(Module.Kind.ORIENTATION) == Strand.ORIENTATION
        assert selectors.strand_for(Module.Kind.METHODS) == Strand.PERSONALISED


class TestRecords:
    def test_records_carry_members_staff_and_attendance(self, world, ap):
        hold(ap.sessions[0])
        records = selectors.session_records([ap.group.pk]).recorded
        first = (
            records[0] if records[0].date == D(2026, 9, 1) else min(records, key=lambda r: r.date)
        )
        assert first.students == {world.student.pk, world.classmate.pk}
        assert first.staff == {ap.teacher.pk}
        assert first.status.value == "held"
        assert set(first.attendance.values()) == {"present"}

    def test_reading_records_takes_the_same_queries_for_more_sessions(
        self, world, ap, django_assert_num_queries
    ):
        with django_assert_num_queries(5):
            selectors.session_records(Group.objects.filter(pk=ap.group.pk))
        # A second group, published with no session yet: its slot dates are planned records.
        second = Group.objects.create(plan=ap.plan, slot=ap.slot, module=ap.module, room=ap.room)
        second.staff.set([ap.teacher])
        Session.objects.create(
            group=ap.group,
            date=D(2026, 10, 15),
            start_time=datetime.time(10),
            end_time=datetime.time(11),
        )
        with django_assert_num_queries(5):
            records = selectors.session_records(Group.objects.filter(plan=ap.plan))
        assert len(records.recorded) == len(ap.sessions) + 1
        assert len(records.planned) == len(ap.sessions)


# Folding sessions must never change a student's hours: a property over random sessions.
GROUPS = {1: frozenset({1, 2, 3}), 2: frozenset({3, 4})}


@st.composite
def records(draw):
    result = []
    for pk in range(draw(st.integers(0, 25))):
        group = draw(st.sampled_from(sorted(GROUPS)))
        members = sorted(GROUPS[group])
        status = draw(st.sampled_from(list(hours.SessionStatus)))
        attendance = {}
        if status is hours.SessionStatus.HELD:
            for student in members:
                mark = draw(st.none() | st.sampled_from(list(hours.Attendance)))
                if mark is not None:
                    attendance[student] = mark
        result.append(
            hours.SessionRecord(
                id=pk,
                date=D(2026, 9, 1) + datetime.timedelta(days=draw(st.integers(0, 200))),
                duration_minutes=draw(st.sampled_from([45, 55, 75, 90])),
                group=group,
                students=GROUPS[group],
                strand=draw(st.sampled_from(list(hours.Strand))),
                status=status,
                attendance=attendance,
            )
        )
    return result


# The example count and deadline come from the hypothesis profile (root conftest.py).
@given(records(), st.integers(0, 200))
def test_folding_sessions_keeps_every_students_hours(sessions, offset):
    today = D(2026, 9, 1) + datetime.timedelta(days=offset)
    assert hours.student_hours(
        selectors.fold_records(sessions, today), students=[1, 2, 3, 4]
    ) == hours.student_hours(sessions, students=[1, 2, 3, 4], as_of=today)
