import datetime

import pytest
from django.core.exceptions import ValidationError

from appui.followup import services
from appui.followup.models import Attendance, ProgressMark, Session
from appui.planning import grouping
from appui.planning import services as planning
from appui.planning.models import Assignment, Group, Plan

from .conftest import TODAY

pytestmark = pytest.mark.django_db

D = datetime.date


class TestGeneration:
    def test_it_creates_one_session_per_school_day_of_the_slot(self, ap):
        dates = [s.date for s in Session.objects.filter(group=ap.group)]
        assert dates == [
            D(2026, 9, 1),
            D(2026, 9, 8),
            D(2026, 9, 15),
            D(2026, 9, 22),
            D(2026, 9, 29),
            D(2026, 10, 6),
            D(2026, 10, 13),
        ]
        session = Session.objects.filter(group=ap.group).first()
        assert (session.start_time, session.end_time) == (datetime.time(10), datetime.time(11, 30))
        assert session.status == Session.Status.PLANNED

    def test_it_skips_school_holidays_and_public_holidays(self, world, ap):
        # Period 2 on Wednesdays: Toussaint holidays end on 1 November (zone B), and
        # 11 November is a public holiday.
        ap.slot.weekday = 2
        ap.slot.save()
        plan = Plan.objects.create(level=world.level, period=ap.period2, status="published")
        group = Group.objects.create(plan=plan, slot=ap.slot, module=ap.module)
        services.sessions_generate_for_plan(plan=plan, today=TODAY)
        dates = list(Session.objects.filter(group=group).values_list("date", flat=True))
        assert D(2026, 11, 11) not in dates
        assert dates[0] == D(2026, 11, 4)
        assert dates[-1] == D(2026, 12, 16)
        assert len(dates) == 6

    def test_running_it_again_adds_nothing(self, ap):
        assert services.sessions_generate_for_plan(plan=ap.plan, today=TODAY) == []
        assert Session.objects.filter(group=ap.group).count() == 7

    def test_a_moved_session_is_not_created_again_on_its_slot_date(self, world, ap):
        first = Session.objects.get(group=ap.group, date=D(2026, 9, 1))
        services.session_reschedule(
            session=first,
            date=D(2026, 9, 3),
            start_time=datetime.time(14),
            end_time=datetime.time(15, 30),
            user=world.users["teacher"],
        )
        services.sessions_generate_for_plan(plan=ap.plan, today=TODAY)
        assert not Session.objects.filter(group=ap.group, date=D(2026, 9, 1)).exists()
        assert Session.objects.filter(group=ap.group).count() == 7

    def test_only_a_published_plan_gets_sessions(self, world, ap):
        draft = Plan.objects.create(level=world.level, period=ap.period2, version=1)
        with pytest.raises(ValidationError):
            services.sessions_generate_for_plan(plan=draft, today=TODAY)

    def test_publishing_a_plan_generates_its_sessions(self, world, ap, monkeypatch):
        # The plan's rules are planning's business (tested there): only the hook is tested.
        monkeypatch.setattr(grouping, "evaluate", lambda plan: {"violations": []})
        plan = Plan.objects.create(
            level=world.level, period=ap.period2, status=Plan.Status.PROPOSED
        )
        group = Group.objects.create(plan=plan, slot=ap.slot, module=ap.module, room=ap.room)
        group.staff.set([ap.teacher])
        for student in (world.student, world.classmate):
            Assignment.objects.create(group=group, student=student)
        planning.plan_publish(plan=plan, user=world.users["coordinator"])
        assert Session.objects.filter(group=group).count() == 7  # Tuesdays of period 2

    def test_a_new_publication_keeps_held_sessions_and_replaces_the_rest(self, world, ap):
        held = Session.objects.get(group=ap.group, date=D(2026, 9, 1))
        services.attendance_all_present(session=held, user=None, today=D(2026, 9, 1))
        ap.plan.status = Plan.Status.SUPERSEDED
        ap.plan.save()
        new = Plan.objects.create(
            level=world.level, period=ap.period, version=2, status=Plan.Status.PUBLISHED
        )
        group = Group.objects.create(plan=new, slot=ap.slot, module=ap.module)
        created = services.sessions_generate_for_plan(plan=new, today=D(2026, 9, 20))
        assert list(Session.objects.filter(group=ap.group).values_list("date", flat=True)) == [
            D(2026, 9, 1),
            D(2026, 9, 8),
            D(2026, 9, 15),
        ]
        assert [s.date for s in created][0] == D(2026, 9, 22)
        assert Session.objects.filter(group=group).count() == 4


class TestCancellingAndMoving:
    def test_a_cancelled_session_keeps_its_reason_and_can_be_restored(self, world, ap):
        session = ap.sessions[2]
        services.session_cancel(session=session, reason="Sortie", user=world.users["teacher"])
        session.refresh_from_db()
        assert session.status == Session.Status.CANCELLED and session.cancel_reason == "Sortie"
        services.session_restore(session=session, user=world.users["teacher"])
        assert session.status == Session.Status.PLANNED and session.cancel_reason == ""

    def test_a_held_session_cannot_be_cancelled_or_moved(self, world, ap):
        session = ap.sessions[0]
        services.attendance_all_present(session=session, user=None, today=TODAY)
        with pytest.raises(ValidationError):
            services.session_cancel(session=session, reason="", user=None)
        with pytest.raises(ValidationError):
            services.session_reschedule(
                session=session,
                date=D(2026, 9, 3),
                start_time=datetime.time(10),
                end_time=datetime.time(11),
                user=None,
            )

    def test_moving_remembers_the_slot_date_and_moving_back_forgets_it(self, ap):
        session = ap.sessions[1]  # 8 September
        services.session_reschedule(
            session=session,
            date=D(2026, 9, 10),
            start_time=datetime.time(8),
            end_time=datetime.time(9),
            user=None,
        )
        assert session.rescheduled_from == D(2026, 9, 8)
        services.session_reschedule(
            session=session,
            date=D(2026, 9, 11),
            start_time=datetime.time(8),
            end_time=datetime.time(9),
            user=None,
        )
        assert session.rescheduled_from == D(2026, 9, 8)
        services.session_reschedule(
            session=session,
            date=D(2026, 9, 8),
            start_time=datetime.time(10),
            end_time=datetime.time(11, 30),
            user=None,
        )
        assert session.rescheduled_from is None

    def test_a_cancelled_session_is_made_up_on_another_day(self, ap):
        session = ap.sessions[1]
        services.session_cancel(session=session, reason="Grève", user=None)
        services.session_reschedule(
            session=session,
            date=D(2026, 9, 10),
            start_time=datetime.time(14),
            end_time=datetime.time(15, 30),
            user=None,
        )
        assert session.status == Session.Status.PLANNED and session.cancel_reason == ""

    @pytest.mark.parametrize(
        "day",
        [D(2026, 10, 20), D(2026, 11, 11), D(2026, 9, 6), D(2027, 7, 20)],
        ids=["holidays", "public-holiday", "sunday", "after-the-year"],
    )
    def test_a_session_cannot_move_to_a_day_without_lessons(self, ap, day):
        with pytest.raises(ValidationError):
            services.session_reschedule(
                session=ap.sessions[1],
                date=day,
                start_time=datetime.time(10),
                end_time=datetime.time(11),
                user=None,
            )

    def test_a_session_must_end_after_it_starts(self, ap):
        with pytest.raises(ValidationError):
            services.session_reschedule(
                session=ap.sessions[1],
                date=D(2026, 9, 10),
                start_time=datetime.time(11),
                end_time=datetime.time(10),
                user=None,
            )


class TestAttendance:
    def test_recording_attendance_marks_the_session_held(self, world, ap):
        session = ap.sessions[0]
        services.attendance_set(
            session=session, student=world.student, status="absent", user=None, today=TODAY
        )
        assert session.status == Session.Status.DONE
        assert Attendance.objects.get(session=session, student=world.student).status == "absent"

    def test_all_present_keeps_those_already_marked(self, world, ap):
        session = ap.sessions[0]
        services.attendance_set(
            session=session, student=world.student, status="late", user=None, today=TODAY
        )
        assert services.attendance_all_present(session=session, user=None, today=TODAY) == 1
        statuses = dict(session.attendances.values_list("student_id", "status"))
        assert statuses == {world.student.pk: "late", world.classmate.pk: "present"}

    def test_only_members_of_the_group_are_recorded(self, world, ap):
        with pytest.raises(ValidationError):
            services.attendance_set(
                session=ap.sessions[0],
                student=world.student_elsewhere,
                status="present",
                user=None,
                today=TODAY,
            )

    def test_attendance_waits_for_the_day_of_the_session(self, world, ap):
        with pytest.raises(ValidationError):
            services.attendance_set(
                session=ap.sessions[-1],
                student=world.student,
                status="present",
                user=None,
                today=D(2026, 9, 1),
            )

    def test_a_cancelled_session_takes_no_attendance(self, world, ap):
        services.session_cancel(session=ap.sessions[0], reason="", user=None)
        with pytest.raises(ValidationError):
            services.attendance_all_present(session=ap.sessions[0], user=None, today=TODAY)


class TestMarks:
    def test_the_teacher_marks_progress_then_adds_a_comment(self, world, ap):
        session = ap.sessions[0]
        services.mark_set(session=session, student=world.student, level=2, user=None, today=TODAY)
        mark = services.mark_set(
            session=session, student=world.student, comment=" Bien ", user=None, today=TODAY
        )
        assert (mark.level, mark.comment, mark.author_kind) == (2, "Bien", "teacher")
        assert session.status == Session.Status.DONE
        assert ProgressMark.objects.filter(session=session).count() == 1

    def test_a_comment_needs_a_level_first(self, world, ap):
        with pytest.raises(ValidationError):
            services.mark_set(
                session=ap.sessions[0], student=world.student, comment="x", user=None, today=TODAY
            )

    def test_a_level_outside_the_scale_is_refused(self, world, ap):
        with pytest.raises(ValidationError):
            services.mark_set(
                session=ap.sessions[0], student=world.student, level=5, user=None, today=TODAY
            )

    def test_an_absent_student_is_not_assessed(self, world, ap):
        session = ap.sessions[0]
        services.attendance_set(
            session=session, student=world.student, status="excused", user=None, today=TODAY
        )
        with pytest.raises(ValidationError):
            services.mark_set(
                session=session, student=world.student, level=3, user=None, today=TODAY
            )

    def test_the_group_level_skips_absent_and_already_marked_students(self, world, ap):
        session = ap.sessions[0]
        services.attendance_set(
            session=session, student=world.student, status="absent", user=None, today=TODAY
        )
        assert services.marks_set_unmarked(session=session, level=3, user=None, today=TODAY) == 1
        services.mark_set(session=session, student=world.classmate, level=4, user=None, today=TODAY)
        assert services.marks_set_unmarked(session=session, level=1, user=None, today=TODAY) == 0
        assert ProgressMark.objects.get(student=world.classmate).level == 4

    def test_a_student_assesses_themself_after_the_session(self, world, ap):
        session = ap.sessions[0]
        with pytest.raises(ValidationError):
            services.student_mark_set(
                session=session, assessor=world.student, level=3, user=None, today=TODAY
            )
        services.attendance_all_present(session=session, user=None, today=TODAY)
        services.student_mark_set(
            session=session, assessor=world.student, level=3, user=None, today=TODAY
        )
        mark = services.student_mark_set(
            session=session, assessor=world.student, level=2, comment="dur", user=None, today=TODAY
        )
        assert (mark.author_kind, mark.level, mark.comment) == ("self", 2, "dur")
        assert ProgressMark.objects.filter(author_kind="self").count() == 1

    def test_co_evaluation_needs_the_teacher_to_open_it(self, world, ap):
        session = ap.sessions[0]
        services.attendance_all_present(session=session, user=None, today=TODAY)
        with pytest.raises(ValidationError):
            services.student_mark_set(
                session=session,
                assessor=world.student,
                student=world.classmate,
                level=3,
                user=None,
                today=TODAY,
            )
        services.session_set_co_evaluation(session=session, open=True, user=None, today=TODAY)
        mark = services.student_mark_set(
            session=session,
            assessor=world.student,
            student=world.classmate,
            level=3,
            user=None,
            today=TODAY,
        )
        assert (mark.author_kind, mark.assessor, mark.student) == (
            "peer",
            world.student,
            world.classmate,
        )

    def test_a_student_outside_the_group_cannot_assess(self, world, ap):
        session = ap.sessions[0]
        services.attendance_all_present(session=session, user=None, today=TODAY)
        services.session_set_co_evaluation(session=session, open=True, user=None, today=TODAY)
        with pytest.raises(ValidationError):
            services.student_mark_set(
                session=session,
                assessor=world.student_elsewhere,
                student=world.student,
                level=3,
                user=None,
                today=TODAY,
            )


class TestTexts:
    def test_the_plan_of_work_can_be_written_ahead(self, ap):
        session = ap.sessions[-1]
        services.session_set_texts(session=session, plan_of_work=" 1. Lire ", user=None)
        assert session.plan_of_work == "1. Lire" and session.status == Session.Status.PLANNED

    def test_what_was_done_marks_the_session_held(self, ap):
        session = ap.sessions[0]
        services.session_set_texts(session=session, content="Lecture", user=None, today=TODAY)
        session.refresh_from_db()
        assert session.status == Session.Status.DONE


class TestCalendarFeed:
    def test_renewing_the_address_revokes_the_old_one(self, ap):
        old = services.calendar_feed_for(staff=ap.teacher).token
        assert services.calendar_feed_for(staff=ap.teacher).token == old
        new = services.calendar_feed_renew(staff=ap.teacher).token
        assert new != old and len(new) >= 40
