"""Tutoring rules (seed 003): volunteers, the maximum, one tutor at a time, allowances."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from appui.schools.models import Membership
from appui.schools.tests import factories as f
from appui.tutoring import selectors, services
from appui.tutoring.models import Tutor, Tutorship

from .conftest import TODAY

pytestmark = pytest.mark.django_db


class TestVolunteering:
    def test_a_volunteer_gets_the_terms_maximum_and_the_tutor_role(self, world, tutoring):
        tutor = tutoring["tutor"]
        assert tutor.max_tutees == 2 and tutor.active
        assert Membership.objects.filter(
            user=tutor.staff.user, school=world.school, role=Membership.Role.TUTOR
        ).exists()

    def test_a_tutor_with_tutees_cannot_withdraw(self, tutoring):
        with pytest.raises(ValidationError):
            services.tutor_withdraw(tutor=tutoring["tutor"])

    def test_a_tutor_without_tutees_withdraws_and_loses_the_role(self, world, tutoring):
        spare = services.tutor_withdraw(tutor=tutoring["spare"])
        assert not spare.active
        assert not Membership.objects.filter(
            user=spare.staff.user, role=Membership.Role.TUTOR
        ).exists()

    def test_staff_of_another_school_cannot_volunteer_here(self, world):
        stranger = f.StaffFactory(school=world.other_school)
        with pytest.raises(ValidationError):
            services.tutor_volunteer(staff=stranger, year=world.year, today=TODAY)


class TestMaximum:
    def test_the_maximum_cannot_be_exceeded(self, world, tutoring):
        tutor = tutoring["tutor"]
        services.tutorship_create(tutor=tutor, student=world.classmate, today=TODAY)
        third = f.StudentFactory(division=world.division)
        with pytest.raises(ValidationError, match="maximum"):
            services.tutorship_create(tutor=tutor, student=third, today=TODAY)
        tutor.refresh_from_db()
        assert tutor.tutee_count == 2
        assert Tutorship.objects.filter(tutor=tutor, end_date__isnull=True).count() == 2

    def test_the_database_refuses_a_count_above_the_maximum(self, tutoring):
        with pytest.raises(IntegrityError), transaction.atomic():
            Tutor.objects.filter(pk=tutoring["tutor"].pk).update(tutee_count=3)

    def test_lowering_the_maximum_below_a_tutors_load_is_refused(self, world, tutoring):
        services.tutorship_create(tutor=tutoring["tutor"], student=world.classmate, today=TODAY)
        with pytest.raises(ValidationError, match="TUTEUR"):
            services.policy_set(year=world.year, max_tutees=1, allowance_per_tutee=50)
        assert services.policy_for(world.year).max_tutees == 2

    def test_raising_the_maximum_applies_to_every_tutor(self, world, tutoring):
        services.policy_set(year=world.year, max_tutees=4, allowance_per_tutee=Decimal("60"))
        assert set(Tutor.objects.values_list("max_tutees", flat=True)) == {4}

    def test_ending_a_tutorship_frees_a_seat(self, world, tutoring):
        tutor = tutoring["tutor"]
        services.tutorship_create(tutor=tutor, student=world.classmate, today=TODAY)
        services.tutorship_end(tutorship=tutoring["tutorship"], today=TODAY, reason="départ")
        tutor.refresh_from_db()
        assert tutor.tutee_count == 1
        services.tutorship_create(
            tutor=tutor, student=f.StudentFactory(division=world.division), today=TODAY
        )


class TestOneTutorAtATime:
    def test_a_student_has_one_current_tutor(self, world, tutoring):
        with pytest.raises(ValidationError, match="a déjà un tuteur"):
            services.tutorship_create(tutor=tutoring["spare"], student=world.student, today=TODAY)

    def test_the_database_refuses_two_current_tutorships(self, world, tutoring):
        with pytest.raises(IntegrityError), transaction.atomic():
            Tutorship.objects.create(
                year=world.year, tutor=tutoring["spare"], student=world.student, start_date=TODAY
            )

    def test_a_student_who_left_gets_no_tutor(self, world, tutoring):
        world.classmate.exit_date = TODAY
        world.classmate.save()
        with pytest.raises(ValidationError):
            services.tutorship_create(tutor=tutoring["spare"], student=world.classmate, today=TODAY)

    def test_a_student_of_another_school_gets_no_tutor(self, world, tutoring):
        with pytest.raises(ValidationError):
            services.tutorship_create(
                tutor=tutoring["spare"], student=world.foreign_student, today=TODAY
            )


class TestMeetings:
    def test_a_meeting_is_logged(self, tutoring):
        meeting = services.meeting_log(
            tutorship=tutoring["tutorship"],
            date=TODAY,
            topics="Projet : BTS MCO",
            next_steps="Visiter le salon",
            today=TODAY,
        )
        assert meeting.topics == "Projet : BTS MCO"

    def test_a_future_meeting_is_refused(self, tutoring):
        with pytest.raises(ValidationError):
            services.meeting_log(
                tutorship=tutoring["tutorship"],
                date=TODAY + datetime.timedelta(days=1),
                topics="x",
                today=TODAY,
            )

    def test_no_meeting_on_an_ended_tutorship(self, tutoring):
        services.tutorship_end(tutorship=tutoring["tutorship"], today=TODAY)
        with pytest.raises(ValidationError):
            services.meeting_log(
                tutorship=tutoring["tutorship"], date=TODAY, topics="x", today=TODAY
            )


class TestSuggestionsAndAllowances:
    def test_a_teacher_of_the_student_is_suggested(self, world, tutoring):
        from appui.schools.models import Student

        result = selectors.suggestions(world.year, Student.objects.filter(pk=world.classmate.pk))
        (proposal,) = result["proposals"]
        assert proposal["tutor"] == tutoring["tutor"]
        assert proposal["reason"] == "teacher"

    def test_the_former_tutor_is_suggested_the_next_year(self, world, tutoring):
        from appui.schools.models import Student

        next_year = f.SchoolYearFactory(
            school=world.school,
            start_year=2027,
            start_date=datetime.date(2027, 9, 1),
            end_date=datetime.date(2028, 7, 3),
            is_current=False,
        )
        services.tutor_volunteer(staff=tutoring["spare"].staff, year=next_year, today=TODAY)
        again = services.tutor_volunteer(staff=tutoring["tutor"].staff, year=next_year, today=TODAY)
        result = selectors.suggestions(next_year, Student.objects.filter(pk=world.student.pk))
        (proposal,) = result["proposals"]
        assert (proposal["tutor"], proposal["reason"]) == (again, "previous")

    def test_the_allowance_is_proportional_to_the_students_followed(self, world, tutoring):
        services.tutorship_create(tutor=tutoring["tutor"], student=world.classmate, today=TODAY)
        rows = {row["tutor"].pk: row for row in selectors.allowances(world.year)}
        assert rows[tutoring["tutor"].pk]["amount"] == Decimal("100.00")
        assert rows[tutoring["spare"].pk]["amount"] == Decimal("0.00")

    def test_a_tutee_who_changed_tutor_still_counts_for_the_first(self, world, tutoring):
        services.tutorship_end(tutorship=tutoring["tutorship"], today=TODAY)
        services.tutorship_create(tutor=tutoring["spare"], student=world.student, today=TODAY)
        rows = {row["tutor"].pk: row["tutees"] for row in selectors.allowances(world.year)}
        assert rows == {tutoring["tutor"].pk: 1, tutoring["spare"].pk: 1}
