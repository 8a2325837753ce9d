"""Every roster of a past year is that year's: results grid, timetable, reviews, hours, plans,
steering, tutoring (issue 15, item 6).

Cross-app, beside ``test_years.py`` whose world it reuses: year N (2026-2027) is the past year
once year N+1 (2027-2028) is made current. Martin moves from 2A to 1B, Hélène repeats 2A,
Durand (1B) leaves, Nouveau arrives in the new 2A.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.test import RequestFactory
from django.urls import reverse

from appui.diagnostics import selectors as diagnostics
from appui.diagnostics import services as diagnostics_services
from appui.diagnostics.models import Campaign
from appui.followup import selectors as followup
from appui.followup.models import Session
from appui.interop import selectors as interop_selectors
from appui.planning.grouping import build_instance, plan_students
from appui.planning.models import Assignment, Group, Plan
from appui.schools import services
from appui.schools.access import SchoolAccess
from appui.schools.models import SchoolYear, Staff
from appui.steering import selectors as steering
from appui.tutoring.models import Tutor
from tests.test_years import _next_year, choose

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)


@pytest.fixture
def upcoming(world):
    """Year N is current; year N+1 is imported beside it."""
    return _next_year(world, make_current=False)


@pytest.fixture
def moved_on(world):
    """Year N+1 is current; year N is the past year."""
    return _next_year(world, make_current=True)


@pytest.fixture
def campaign(world, planning):
    """An open campaign of year N's level 2nde (division 2A) on two competencies."""
    framework = diagnostics_services.framework_install_default(school=world.school)
    campaign = diagnostics_services.campaign_create(
        level=world.level,
        period=planning["period"],
        kind=Campaign.Kind.SEPTEMBER_REVIEW,
        name="Bilan de rentrée",
        date=datetime.date(2026, 9, 15),
        framework=framework,
        competencies=list(framework.competencies.filter(code__in=["FR.LEC", "MA.CAL"])),
    )
    diagnostics_services.campaign_set_state(campaign=campaign, state=Campaign.State.OPEN)
    return campaign


@pytest.fixture
def martins_group(world, planning):
    """Year N: Martin (then in 2A) in a published group of 2nde, with one session."""
    plan = Plan.objects.create(
        level=world.level, period=planning["period"], status=Plan.Status.PUBLISHED
    )
    group = Group.objects.create(
        plan=plan, slot=planning["slots"][0], module=planning["modules"][0]
    )
    Assignment.objects.create(group=group, student=world.student)
    session = Session.objects.create(
        group=group,
        date=datetime.date(2026, 9, 8),
        start_time=datetime.time(10),
        end_time=datetime.time(11, 30),
    )
    return SimpleNamespace(plan=plan, group=group, session=session)


def names(students) -> list[str]:
    return [s.last_name for s in students]


class TestResultsGrid:
    def test_a_past_campaigns_grid_lists_the_division_as_it_was_that_year(
        self, world, login, campaign, moved_on
    ):
        response = login(world.users["head"]).get(
            reverse("diagnostics:result-grid", args=[campaign.pk, world.division.pk])
        )
        assert names(response.context["grid"].students) == ["Hélène", "Martin"]

    def test_a_past_campaigns_completion_counts_that_years_pupils(
        self, world, login, campaign, moved_on
    ):
        competency = campaign.competencies.get(code="FR.LEC")
        diagnostics_services.result_set(
            campaign=campaign,
            student=world.student,
            competency=competency,
            text="3",
            user=world.users["head"],
        )
        response = login(world.users["head"]).get(
            reverse("diagnostics:campaign-detail", args=[campaign.pk])
        )
        by_division = {
            row["division"].code: (row["students"], row["done"])
            for row in response.context["by_division"]
        }
        assert by_division == {"2A": (2, 1)}
        expected = {
            row["competency"].code: row["expected"]
            for row in diagnostics.completion_by_competency(campaign)
        }
        assert expected == {"FR.LEC": 2, "MA.CAL": 2}

    def test_a_result_is_entered_for_a_pupil_who_moved_class_since(
        self, world, login, campaign, moved_on
    ):
        competency = campaign.competencies.get(code="MA.CAL")
        response = login(world.users["teacher"]).post(
            reverse("diagnostics:result-save", args=[campaign.pk]),
            {"student": world.student.pk, "competency": competency.pk, "value": "2"},
        )
        assert response.status_code == 200
        assert response.context["done"] == 1
        assert campaign.results.get(student=world.student).value == 2

    def test_a_pupil_new_this_year_is_not_in_last_years_grid(
        self, world, login, campaign, moved_on
    ):
        competency = campaign.competencies.get(code="MA.CAL")
        response = login(world.users["head"]).post(
            reverse("diagnostics:result-save", args=[campaign.pk]),
            {"student": moved_on.newcomer.pk, "competency": competency.pk, "value": "2"},
        )
        assert response.status_code == 403


class TestCampaignExport:
    def test_a_past_campaigns_export_lists_that_years_pupils(
        self, world, rf_access, campaign, moved_on
    ):
        access = rf_access("head")
        exported = interop_selectors.campaign_export_students(access, campaign)
        assert sorted(names(exported)) == ["Hélène", "Martin"]

    def test_the_current_campaigns_export_lists_the_present_pupils(
        self, world, rf_access, campaign
    ):
        access = rf_access("head")
        exported = interop_selectors.campaign_export_students(access, campaign)
        assert sorted(names(exported)) == ["Hélène", "Martin"]


@pytest.fixture
def rf_access(world):
    def make(username):
        return SchoolAccess.load(world.users[username], world.school)

    return make


class TestDivisionTimetable:
    def test_a_past_division_keeps_the_sessions_of_its_pupils_that_year(
        self, world, martins_group, moved_on
    ):
        sessions = list(followup.sessions_of_division(world.division))
        assert sessions == [martins_group.session]
        assert sessions[0].division_count == 1

    def test_a_division_does_not_show_another_years_groups_of_its_pupils(
        self, world, martins_group, moved_on
    ):
        # Martin is in 1B now, but his year-N group is not 1B's.
        assert not followup.sessions_of_division(moved_on.new_1b).exists()


class TestReviews:
    def test_a_past_divisions_reviews_list_its_pupils_of_that_year(
        self, world, login, planning, moved_on
    ):
        rows = followup.division_reviews(world.division, planning["period"])
        assert [(s.last_name, review) for s, review in rows] == [
            ("Hélène", None),
            ("Martin", None),
        ]
        response = login(world.users["head"]).get(
            reverse("followup:review-list", args=[world.division.pk]),
            {"periode": planning["period"].pk},
        )
        assert response.context["missing"] == 2

    def test_preparing_a_past_divisions_reviews_drafts_one_for_each_pupil_of_that_year(
        self, world, login, planning, moved_on
    ):
        login(world.users["head"]).post(
            reverse("followup:review-list", args=[world.division.pk]),
            {"periode": planning["period"].pk},
        )
        rows = followup.division_reviews(world.division, planning["period"])
        assert all(review is not None for _student, review in rows)


class TestLevelHours:
    def test_a_past_levels_hours_list_its_pupils_with_their_division_that_year(
        self, world, martins_group, moved_on
    ):
        rows = followup.level_hours(world.level, TODAY)["rows"]
        assert [(r.student.last_name, r.division_code) for r in rows] == [
            ("Hélène", "2A"),
            ("Martin", "2A"),
        ]

    def test_the_current_levels_hours_show_todays_divisions(self, world, moved_on):
        rows = followup.level_hours(moved_on.new_1b.level, TODAY)["rows"]
        assert [(r.student.last_name, r.division_code) for r in rows] == [("Martin", "1B")]


class TestPlanPupils:
    def test_a_past_plan_solves_for_the_pupils_of_its_year(self, world, martins_group, moved_on):
        pupils = plan_students(martins_group.plan)
        assert [(s.last_name, s.year_division_code) for s in pupils] == [
            ("Hélène", "2A"),
            ("Martin", "2A"),
        ]
        instance = build_instance(martins_group.plan)
        assert {s.division for s in instance.students} == {"2A"}

    def test_a_plan_of_an_upcoming_year_solves_for_its_enrolled_pupils(
        self, world, planning, upcoming
    ):
        # Year N is still current; year N+1's 2nde holds Hélène (repeating) and Nouveau.
        plan = Plan(level=upcoming.new_2a.level, period=planning["period"])
        assert [(s.last_name, s.year_division_code) for s in plan_students(plan)] == [
            ("Hélène", "2A"),
            ("Nouveau", "2A"),
        ]


class TestSteeringScope:
    def test_a_past_years_scope_holds_its_pupils_where_they_were(self, world, moved_on):
        scope = steering.Scope(school=world.school, year=world.year, today=TODAY)
        places = {(p.student, p.level, p.division) for p in steering.present_students(scope)}
        assert places == {
            (world.student.pk, world.level.pk, world.division.pk),
            (world.classmate.pk, world.level.pk, world.division.pk),
            (world.student_elsewhere.pk, world.other_level.pk, world.other_division.pk),
        }

    def test_a_past_divisions_scope_keeps_its_groups_and_pupils(
        self, world, martins_group, moved_on
    ):
        scope = steering.Scope(
            school=world.school, year=world.year, today=TODAY, division=world.division
        )
        assert {p.student for p in steering.present_students(scope)} == {
            world.student.pk,
            world.classmate.pk,
        }
        groups = steering.published_groups(scope)
        assert groups.members == {martins_group.group.pk: frozenset({world.student.pk})}

    def test_the_current_years_scope_holds_todays_pupils(self, world, moved_on):
        scope = steering.Scope(school=world.school, year=moved_on.year, today=TODAY)
        places = {(p.student, p.division) for p in steering.present_students(scope)}
        assert places == {
            (world.student.pk, moved_on.new_1b.pk),
            (world.classmate.pk, moved_on.new_2a.pk),
            (moved_on.newcomer.pk, moved_on.new_2a.pk),
        }


class TestTutoringFollowsTheYearShown:
    def test_the_tutoring_overview_shows_the_chosen_year(self, world, login, moved_on):
        client = login(world.users["head"])
        assert client.get(reverse("tutoring:index")).context["year"] == moved_on.year
        choose(client, world.year)
        response = client.get(reverse("tutoring:index"))
        assert response.context["year"] == world.year
        assert response.context["coverage"].whole == 3  # Martin, Hélène and Durand

    def test_a_tutor_finds_last_years_tutees_while_looking_at_last_year(
        self, world, login, moved_on
    ):
        staff = Staff.objects.get(user=world.users["teacher"])
        Tutor.objects.create(
            year=world.year, staff=staff, volunteered_on=datetime.date(2026, 9, 10), max_tutees=3
        )
        client = login(world.users["teacher"])
        assert client.get(reverse("tutoring:my-tutees")).status_code == 403
        choose(client, world.year)
        assert client.get(reverse("tutoring:my-tutees")).status_code == 200


class TestYearSelect:
    def test_it_keeps_the_year_per_school_and_shows_it_at_once(self, world, moved_on):
        request = RequestFactory().get("/")
        request.session = {}
        services.year_select(request=request, school=world.school, year=world.year)
        assert request.session == {"year_ids": {str(world.school.pk): world.year.pk}}
        assert request.year == world.year

    def test_it_refuses_a_year_of_another_school(self, world):
        other = SchoolYear.objects.get(school=world.other_school)
        request = RequestFactory().get("/")
        request.session = {}
        with pytest.raises(ValueError):
            services.year_select(request=request, school=world.school, year=other)
        assert request.session == {}
