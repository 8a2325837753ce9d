"""Study help outside class (seed 000): slots, sign-ups within the seats, cancellation until
the start, attendance by the supervisors, the school's figures."""

import datetime
import threading
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from appui.schools.models import Membership
from appui.schools.tests import factories as f
from appui.tutoring import selectors, services
from appui.tutoring.models import StudyHelpSignup, StudyHelpSlot

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# A Monday of period 1; the first slot is the next day, a Tuesday, 17:00–18:00.
NOW = datetime.datetime(2026, 10, 5, 10, tzinfo=PARIS)
TUESDAY = datetime.date(2026, 10, 6)
FIVE, SIX = datetime.time(17), datetime.time(18)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), PARIS)


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=True)
    return time_machine


@pytest.fixture
def supervisor(world):
    """A teacher of school A who supervises the study-help slots."""
    user = f.UserFactory(username="supervisor")
    world.users["supervisor"] = user
    f.MembershipFactory(user=user, school=world.school, role=Membership.Role.TEACHER)
    return f.StaffFactory(school=world.school, user=user, last_name="Surveillant")


def open_slots(world, supervisor, *, capacity=2, last=None, levels=None, first=TUESDAY):
    return services.study_help_slots_create(
        year=world.year,
        first_date=first,
        last_date=last,
        start_time=FIVE,
        end_time=SIX,
        capacity=capacity,
        supervisors=[supervisor],
        levels=levels,
        room="CDI",
        theme="Maths",
        today=NOW.date(),
    )


@pytest.fixture
def slot(world, supervisor):
    (slot,) = open_slots(world, supervisor)
    return slot


def stored(slot):
    return StudyHelpSlot.objects.get(pk=slot.pk)


class TestSlots:
    def test_a_weekly_slot_skips_the_autumn_holidays(self, world, supervisor):
        slots = open_slots(world, supervisor, last=datetime.date(2026, 11, 17))
        assert [s.date for s in slots] == [
            datetime.date(2026, 10, 6),
            datetime.date(2026, 10, 13),
            datetime.date(2026, 11, 3),
            datetime.date(2026, 11, 10),
            datetime.date(2026, 11, 17),
        ]
        assert len({s.series for s in slots}) == 1 and slots[0].series is not None
        assert all(list(s.supervisors.all()) == [supervisor] for s in slots)

    def test_a_single_slot_has_no_series(self, slot):
        assert slot.series is None and slot.room == "CDI" and slot.capacity == 2

    def test_a_slot_in_the_past_is_refused(self, world, supervisor):
        with pytest.raises(ValidationError):
            open_slots(world, supervisor, first=datetime.date(2026, 10, 2))

    def test_a_slot_must_end_after_it_starts(self, world, supervisor):
        with pytest.raises(ValidationError):
            services.study_help_slots_create(
                year=world.year,
                first_date=TUESDAY,
                start_time=SIX,
                end_time=FIVE,
                capacity=3,
                supervisors=[supervisor],
                today=NOW.date(),
            )

    def test_a_supervisor_of_another_school_is_refused(self, world):
        foreign = f.StaffFactory(school=world.other_school)
        with pytest.raises(ValidationError):
            open_slots(world, foreign)
        assert not StudyHelpSlot.objects.exists()

    def test_removing_a_slot_and_the_following_weeks(self, world, supervisor):
        slots = open_slots(world, supervisor, last=datetime.date(2026, 11, 17))
        removed = services.study_help_slot_delete(slot=slots[2], now=NOW, following=True)
        assert removed == 3
        assert list(StudyHelpSlot.objects.values_list("date", flat=True)) == [
            slots[0].date,
            slots[1].date,
        ]

    def test_a_started_slot_cannot_be_removed(self, slot):
        with pytest.raises(ValidationError):
            services.study_help_slot_delete(slot=slot, now=at(TUESDAY, 17, 5))
        assert StudyHelpSlot.objects.filter(pk=slot.pk).exists()


class TestSignups:
    def test_a_pupil_signs_up_and_takes_a_seat(self, world, slot):
        signup = services.study_help_signup(slot=slot, student=world.student, now=NOW)
        assert signup.attendance == ""
        assert stored(slot).taken == 1

    def test_a_pupil_signs_up_once_per_slot(self, world, slot):
        services.study_help_signup(slot=slot, student=world.student, now=NOW)
        with pytest.raises(ValidationError):
            services.study_help_signup(slot=slot, student=world.student, now=NOW)
        assert stored(slot).taken == 1

    def test_a_full_slot_refuses_the_next_pupil(self, world, slot):
        services.study_help_signup(slot=slot, student=world.student, now=NOW)
        services.study_help_signup(slot=slot, student=world.classmate, now=NOW)
        with pytest.raises(ValidationError) as refused:
            services.study_help_signup(slot=slot, student=world.student_elsewhere, now=NOW)
        assert refused.value.messages == [gettext("This slot is full.")]
        assert stored(slot).taken == 2
        assert slot.signups.count() == 2

    def test_the_seat_count_is_read_in_the_database_not_from_a_stale_copy(self, world, slot):
        stale = stored(slot)  # read while two seats were free
        services.study_help_signup(slot=slot, student=world.student, now=NOW)
        services.study_help_signup(slot=slot, student=world.classmate, now=NOW)
        with pytest.raises(ValidationError):
            services.study_help_signup(slot=stale, student=world.student_elsewhere, now=NOW)

    def test_the_database_refuses_more_seats_taken_than_offered(self, slot):
        with pytest.raises(IntegrityError), transaction.atomic():
            StudyHelpSlot.objects.filter(pk=slot.pk).update(taken=3)

    def test_a_slot_for_other_levels_refuses_the_pupil(self, world, supervisor):
        (slot,) = open_slots(world, supervisor, levels=[world.other_level])
        with pytest.raises(ValidationError):
            services.study_help_signup(slot=slot, student=world.student, now=NOW)
        services.study_help_signup(slot=slot, student=world.student_elsewhere, now=NOW)

    def test_sign_ups_close_when_the_slot_starts(self, world, slot):
        with pytest.raises(ValidationError):
            services.study_help_signup(slot=slot, student=world.student, now=at(TUESDAY, 17))

    def test_a_pupil_of_another_school_is_refused(self, world, slot):
        with pytest.raises(ValidationError):
            services.study_help_signup(slot=slot, student=world.foreign_student, now=NOW)

    def test_cancelling_frees_the_seat(self, world, slot):
        signup = services.study_help_signup(slot=slot, student=world.student, now=NOW)
        services.study_help_cancel(signup=signup, now=at(TUESDAY, 16, 59))
        assert stored(slot).taken == 0
        assert not StudyHelpSignup.objects.exists()

    def test_no_cancelling_once_the_slot_started(self, world, slot):
        signup = services.study_help_signup(slot=slot, student=world.student, now=NOW)
        with pytest.raises(ValidationError):
            services.study_help_cancel(signup=signup, now=at(TUESDAY, 17))
        assert stored(slot).taken == 1


@pytest.mark.django_db(transaction=True)
def test_two_pupils_taking_the_last_seat_at_once_never_both_get_it(world, supervisor):
    """Both requests read a free seat before either writes (a barrier); the row lock and the
    conditional update let exactly one of them in."""
    (slot,) = open_slots(world, supervisor, capacity=1)
    for _trial in range(3):
        barrier = threading.Barrier(2)
        outcomes: dict[str, str] = {}

        def run(name, student, barrier=barrier, outcomes=outcomes):
            try:
                copy = stored(slot)
                assert copy.seats_left == 1
                barrier.wait(timeout=10)
                services.study_help_signup(slot=copy, student=student, now=NOW)
                outcomes[name] = "in"
            except ValidationError:
                outcomes[name] = "full"
            finally:
                connection.close()

        threads = [
            threading.Thread(target=run, args=("lea", world.student)),
            threading.Thread(target=run, args=("zoe", world.classmate)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes.values()) == ["full", "in"], outcomes
        assert stored(slot).taken == 1 and slot.signups.count() == 1
        services.study_help_cancel(signup=slot.signups.get(), now=NOW)


class TestAttendance:
    def test_attendance_waits_for_the_start(self, world, slot):
        services.study_help_signup(slot=slot, student=world.student, now=NOW)
        with pytest.raises(ValidationError):
            services.study_help_attendance_set(
                slot=slot, marks={world.student.pk: "present"}, now=at(TUESDAY, 16)
            )

    def test_the_supervisor_records_present_absent_excused(self, world, slot, supervisor):
        for pupil in (world.student, world.classmate):
            services.study_help_signup(slot=slot, student=pupil, now=NOW)
        changed = services.study_help_attendance_set(
            slot=slot,
            marks={world.student.pk: "present", world.classmate.pk: "excused"},
            user=supervisor.user,
            now=at(TUESDAY, 17, 30),
        )
        assert changed == 2
        assert dict(slot.signups.values_list("student_id", "attendance")) == {
            world.student.pk: "present",
            world.classmate.pk: "excused",
        }

    def test_only_pupils_signed_up_get_an_attendance(self, world, slot):
        services.study_help_signup(slot=slot, student=world.student, now=NOW)
        with pytest.raises(ValidationError):
            services.study_help_attendance_set(
                slot=slot, marks={world.classmate.pk: "present"}, now=at(TUESDAY, 18)
            )

    def test_an_unknown_status_is_refused(self, world, slot):
        services.study_help_signup(slot=slot, student=world.student, now=NOW)
        with pytest.raises(ValidationError):
            services.study_help_attendance_set(
                slot=slot, marks={world.student.pk: "late-ish"}, now=at(TUESDAY, 18)
            )


class TestSelectors:
    def test_the_summary_counts_sign_ups_and_the_attendance_rate(self, world, supervisor):
        first, second = open_slots(world, supervisor, capacity=5, last=TUESDAY.replace(day=13))
        for pupil in (world.student, world.classmate, world.student_elsewhere):
            services.study_help_signup(slot=first, student=pupil, now=NOW)
        services.study_help_signup(slot=second, student=world.student, now=NOW)
        services.study_help_attendance_set(
            slot=first,
            marks={
                world.student.pk: "present",
                world.classmate.pk: "absent",
                world.student_elsewhere.pk: "present",
            },
            now=at(TUESDAY, 18),
        )
        summary = selectors.study_help_summary(world.year)
        assert summary == {
            "slots": 2,
            "seats": 10,
            "signups": 4,
            "pupils": 3,
            "recorded": 3,
            "present": 2,
            "excused": 0,
            "attendance_rate": 67,
        }

    def test_an_empty_year_has_no_rate(self, world):
        summary = selectors.study_help_summary(world.year)
        assert summary["signups"] == 0 and summary["attendance_rate"] is None

    def test_open_slots_are_those_of_the_pupil_level_not_started(self, world, supervisor):
        (mine,) = open_slots(world, supervisor, levels=[world.level])
        open_slots(world, supervisor, levels=[world.other_level])
        (today_started,) = open_slots(world, supervisor, first=NOW.date())
        StudyHelpSlot.objects.filter(pk=today_started.pk).update(
            start_time=datetime.time(9), end_time=datetime.time(11)
        )
        services.study_help_signup(slot=mine, student=world.student, now=NOW)
        slots = selectors.study_help_open_for(world.student, timezone.now())
        assert [s.pk for s in slots] == [mine.pk]
        assert slots[0].signup is not None

    def test_the_pupil_sees_four_weeks_ahead(self, world, supervisor):
        slots = open_slots(world, supervisor, last=datetime.date(2026, 11, 17))
        listed = [s.date for s in selectors.study_help_open_for(world.student, NOW)]
        # Up to Monday 2 November: the two Tuesdays before the autumn holidays.
        assert listed == [slots[0].date, slots[1].date]

    def test_upcoming_and_past_sign_ups(self, world, slot, clock):
        services.study_help_signup(slot=slot, student=world.student, now=NOW)
        assert list(selectors.study_help_signups_of([world.student], at(TUESDAY, 17, 30)))
        after = at(TUESDAY, 18)
        assert not selectors.study_help_signups_of([world.student], after).exists()
        past = selectors.study_help_signups_of([world.student], after, upcoming=False)
        assert [s.slot_id for s in past] == [slot.pk]


def test_attendance_values_come_from_the_core_vocabulary():
    from appui.core.hours import Attendance

    # Present, absent, excused: the follow-up vocabulary without « late » (a study-help slot
    # is open, a pupil comes for the time they need).
    assert set(StudyHelpSignup.Status.values) == {
        Attendance.PRESENT.value,
        Attendance.ABSENT.value,
        Attendance.EXCUSED.value,
    }
