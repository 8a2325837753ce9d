"""Tutorships carried over to the next school year as proposals the head confirms (seed 003:
« le même tuteur pendant toute la scolarité »)."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import resolve_url
from django.urls import reverse

from appui.schools.models import Enrolment, SchoolYear
from appui.schools.tests import factories as f
from appui.tutoring import selectors, services
from appui.tutoring.models import Tutor, TutoringPolicy, Tutorship

from .conftest import TODAY

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2027, 6, 20)


@pytest.fixture
def next_year(world, tutoring):
    """Year 2027-2028, to come, where Léa Martin and Zoé Hélène are enrolled (Tom Durand
    is not: he leaves), and the proposals carried over from 2026-2027."""
    year = SchoolYear.objects.create(
        school=world.school,
        start_year=2027,
        start_date=datetime.date(2027, 9, 1),
        end_date=datetime.date(2028, 7, 3),
    )
    for student in (world.student, world.classmate):
        Enrolment.objects.create(student=student, year=year)
    services.tutorship_create(tutor=tutoring["spare"], student=world.student_elsewhere, today=TODAY)
    created = services.tutorships_propose(previous=world.year, year=year, today=JUNE)
    return {"year": year, "created": created}


def proposal_of(student, year):
    return Tutorship.objects.get(student=student, year=year, proposed=True)


class TestProposals:
    def test_a_pupil_who_continues_gets_last_years_tutor_proposed(self, world, tutoring, next_year):
        year = next_year["year"]
        proposal = proposal_of(world.student, year)
        assert proposal.tutor.staff == tutoring["tutor"].staff
        assert proposal.tutor.year == year and proposal.start_date == year.start_date
        assert not proposal.is_current

    def test_a_pupil_who_leaves_gets_no_proposal(self, world, next_year):
        assert next_year["created"] == 1
        assert not Tutorship.objects.filter(
            student=world.student_elsewhere, year=next_year["year"]
        ).exists()

    def test_a_tutor_who_left_the_school_is_not_proposed(self, world, tutoring):
        staff = tutoring["tutor"].staff
        staff.exit_date = datetime.date(2027, 6, 30)
        staff.save()
        year = SchoolYear.objects.create(
            school=world.school,
            start_year=2027,
            start_date=datetime.date(2027, 9, 1),
            end_date=datetime.date(2028, 7, 3),
        )
        Enrolment.objects.create(student=world.student, year=year)
        assert services.tutorships_propose(previous=world.year, year=year, today=JUNE) == 0

    def test_the_terms_carry_over_and_proposing_again_adds_nothing(self, world, next_year):
        year = next_year["year"]
        assert TutoringPolicy.objects.get(year=year).max_tutees == 2
        assert services.tutorships_propose(previous=world.year, year=year, today=JUNE) == 0
        assert Tutorship.objects.filter(year=year).count() == 1

    def test_a_proposal_does_not_count_toward_the_load(self, world, next_year):
        tutor = Tutor.objects.get(year=next_year["year"], staff__last_name="Tuteur")
        assert tutor.tutee_count == 0
        assert not selectors.tutees(tutor).exists()
        assert selectors.allowances(next_year["year"])[0]["tutees"] == 0

    def test_confirming_makes_it_current_and_counted(self, world, next_year):
        proposal = proposal_of(world.student, next_year["year"])
        services.tutorship_confirm(tutorship=proposal, today=JUNE)
        proposal.refresh_from_db()
        assert proposal.is_current and proposal.start_date == datetime.date(2027, 9, 1)
        assert Tutor.objects.get(pk=proposal.tutor_id).tutee_count == 1

    def test_the_guardians_are_informed_only_once_confirmed(self, world, next_year):
        proposal = proposal_of(world.student, next_year["year"])
        with pytest.raises(ValidationError):
            services.tutorship_mark_informed(tutorship=proposal, day=JUNE)
        services.tutorship_confirm(tutorship=proposal, today=JUNE)
        proposal.refresh_from_db()
        services.tutorship_mark_informed(tutorship=proposal, day=JUNE)
        assert Tutorship.objects.get(pk=proposal.pk).guardians_informed_on == JUNE

    def test_declining_removes_the_proposal(self, world, next_year):
        proposal = proposal_of(world.student, next_year["year"])
        services.tutorship_decline(tutorship=proposal)
        assert not Tutorship.objects.filter(pk=proposal.pk).exists()
        with pytest.raises(ValidationError):
            services.tutorship_decline(tutorship=proposal)

    def test_confirming_never_exceeds_the_tutors_maximum(self, world, next_year):
        year = next_year["year"]
        proposal = proposal_of(world.student, year)
        tutor = proposal.tutor
        services.policy_set(year=year, max_tutees=1, allowance_per_tutee=0)
        newcomer = f.StudentFactory(school=world.school)
        Enrolment.objects.create(student=newcomer, year=year)
        services.tutorship_create(tutor=tutor, student=newcomer, today=JUNE)
        with pytest.raises(ValidationError, match="maximum"):
            services.tutorship_confirm(tutorship=proposal, today=JUNE)
        assert proposal_of(world.student, year).proposed

    def test_a_pupil_given_another_tutor_by_hand_loses_the_proposal(self, world, next_year):
        year = next_year["year"]
        other = services.tutor_volunteer(
            staff=f.StaffFactory(school=world.school), year=year, today=JUNE
        )
        services.tutorship_create(tutor=other, student=world.student, today=JUNE)
        assert not Tutorship.objects.filter(year=year, student=world.student, proposed=True)
        assert Tutorship.objects.get(year=year, student=world.student).tutor == other

    def test_confirming_is_refused_when_the_pupil_already_has_a_tutor(self, world, next_year):
        year = next_year["year"]
        proposal = proposal_of(world.student, year)
        other = services.tutor_volunteer(
            staff=f.StaffFactory(school=world.school), year=year, today=JUNE
        )
        # A current tutorship written beside the proposal (as an older version could).
        Tutorship.objects.create(year=year, tutor=other, student=world.student, start_date=JUNE)
        with pytest.raises(ValidationError, match="déjà un tuteur"):
            services.tutorship_confirm(tutorship=proposal, today=JUNE)

    def test_a_tutor_who_withdraws_takes_their_proposals_back(self, world, next_year):
        tutor = Tutor.objects.get(year=next_year["year"], staff__last_name="Tuteur")
        services.tutor_withdraw(tutor=tutor)
        assert not Tutorship.objects.filter(tutor=tutor).exists()


class TestProposalPages:
    def test_the_head_sees_and_confirms_a_proposal(self, login, world, next_year):
        client = login(world.users["head"])
        page = client.get(reverse("tutoring:index"))
        assert "2027-2028" in page.content.decode()
        proposal = proposal_of(world.student, next_year["year"])
        response = client.post(reverse("tutoring:proposal-confirm", args=[proposal.pk]))
        assert response.status_code == 302
        proposal.refresh_from_db()
        assert not proposal.proposed

    def test_the_head_declines_a_proposal(self, login, world, next_year):
        proposal = proposal_of(world.student, next_year["year"])
        url = reverse("tutoring:proposal-decline", args=[proposal.pk])
        assert login(world.users["head"]).post(url).status_code == 302
        assert not Tutorship.objects.filter(pk=proposal.pk).exists()

    @pytest.mark.parametrize("username", ["coordinator", "teacher", "tutor", "outsider"])
    def test_only_the_head_decides(self, login, world, next_year, username):
        proposal = proposal_of(world.student, next_year["year"])
        for name in ("tutoring:proposal-confirm", "tutoring:proposal-decline"):
            url = reverse(name, args=[proposal.pk])
            assert login(world.users[username]).post(url).status_code in (403, 404)
        assert proposal_of(world.student, next_year["year"]).proposed

    def test_anonymous_users_are_sent_to_log_in(self, client, world, next_year):
        proposal = proposal_of(world.student, next_year["year"])
        response = client.post(reverse("tutoring:proposal-confirm", args=[proposal.pk]))
        assert response.status_code == 302
        assert response.url.startswith(resolve_url(settings.LOGIN_URL))

    def test_the_proposed_tutor_does_not_see_the_proposal_as_theirs(self, login, world, next_year):
        proposal = proposal_of(world.student, next_year["year"])
        url = reverse("tutoring:tutorship-detail", args=[proposal.pk])
        assert login(world.users["tutor"]).get(url).status_code == 403

    def test_no_letter_to_the_guardians_before_confirmation(self, login, world, next_year):
        proposal = proposal_of(world.student, next_year["year"])
        url = reverse("tutoring:letter", args=[proposal.pk])
        client = login(world.users["head"])
        assert client.get(url).status_code == 404
        services.tutorship_confirm(tutorship=proposal, today=JUNE)
        assert client.get(url).status_code == 200
