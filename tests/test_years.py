"""The year switcher and the pages of a past year (issue 15, item 6).

A cross-app test (schools, diagnostics, follow-up…), so it lives outside the apps: the
layers contract checks the apps' own modules.

Year N (2026-2027, the conftest's world) becomes the past year when year N+1 (2027-2028) is
made current: Martin moves from 2A to 1B, Hélène repeats 2A, Durand leaves, Nouveau arrives.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse

from appui.diagnostics import imports as result_imports
from appui.diagnostics import services as diagnostics
from appui.diagnostics.models import Campaign, Interview
from appui.planning import grouping
from appui.planning.models import Plan
from appui.schools import selectors, services
from appui.schools.access import SchoolAccess
from appui.schools.models import (
    Enrolment,
    Membership,
    Period,
    SchoolYear,
    Staff,
    Student,
    Teaching,
)
from appui.schools.tests import factories as f

pytestmark = pytest.mark.django_db

SELECT = reverse("schools:year-select")


def _next_year(world, *, make_current: bool):
    """Year N+1 beside the world's year N, with its levels, divisions and enrolments."""
    services.enrolments_record(
        year=world.year, students=Student.objects.filter(school=world.school)
    )
    year = f.SchoolYearFactory(
        school=world.school,
        start_year=2027,
        start_date=datetime.date(2027, 9, 1),
        end_date=datetime.date(2028, 7, 3),
        is_current=False,
    )
    level = f.LevelFactory(year=year, name="2nde pro", short_name="2PRO")
    other_level = f.LevelFactory(year=year, name="1re pro", short_name="1PRO", year_in_cycle=2)
    new_2a = f.DivisionFactory(level=level, code="2A")
    new_1b = f.DivisionFactory(level=other_level, code="1B")
    newcomer = f.StudentFactory(
        division=None, school=world.school, last_name="Nouveau", first_name="Noé"
    )
    Enrolment.objects.create(student=world.student, year=year, division=new_1b)
    Enrolment.objects.create(student=world.classmate, year=year, division=new_2a, repeating=True)
    Enrolment.objects.create(student=newcomer, year=year, division=new_2a)
    if make_current:
        services.year_make_current(year=year)
        world.year.refresh_from_db()  # no longer current
    else:
        # An upcoming year: the pupils keep year N; the newcomer has not arrived yet.
        services.enrolments_sync(year=world.year)
    return SimpleNamespace(year=year, new_2a=new_2a, new_1b=new_1b, newcomer=newcomer)


@pytest.fixture
def upcoming(world):
    """Year N is current; year N+1 is imported beside it."""
    return _next_year(world, make_current=False)


@pytest.fixture
def moved_on(world):
    """Year N+1 is current; year N is the past year."""
    return _next_year(world, make_current=True)


def first_period(year):
    return Period.objects.create(
        year=year,
        number=1,
        name="Période 1",
        start_date=year.start_date,
        end_date=year.start_date + datetime.timedelta(days=45),
    )


def choose(client, year, next_url="/"):
    return client.post(SELECT, {"annee": year.pk, "next": next_url})


class TestYearSwitcher:
    def test_it_is_hidden_when_the_school_has_one_year(self, world, login):
        body = login(world.users["head"]).get(reverse("home")).content.decode()
        assert 'id="year-switcher"' not in body

    def test_it_lists_the_years_marking_the_current_and_the_upcoming_one(
        self, world, login, upcoming
    ):
        body = login(world.users["teacher"]).get(reverse("home")).content.decode()
        assert 'id="year-switcher"' in body
        assert "2026-2027 (année en cours)" in body
        assert "2027-2028 (à venir)" in body

    def test_the_current_year_is_the_default(self, world, login, upcoming):
        client = login(world.users["head"])
        body = client.get(reverse("schools:school-detail")).content.decode()
        assert "année scolaire 2026-2027" in body
        assert 'id="year-notice"' not in body

    def test_choosing_a_year_keeps_it_for_that_school_and_returns_to_the_page(
        self, world, login, upcoming
    ):
        client = login(world.users["head"])
        page = reverse("schools:school-detail")
        response = choose(client, upcoming.year, page)
        assert response.status_code == 302
        assert response["Location"] == page
        assert client.session[selectors.YEAR_SESSION_KEY] == {
            str(world.school.pk): upcoming.year.pk
        }
        body = client.get(page).content.decode()
        assert "année scolaire 2027-2028" in body
        assert "Vous consultez l'année 2027-2028" in body

    def test_the_choice_of_one_school_does_not_follow_to_another(self, world, login, upcoming):
        head = world.users["head"]
        f.MembershipFactory(user=head, school=world.other_school, role=Membership.Role.HEAD)
        client = login(head)
        client.post(reverse("schools:school-select", args=[world.school.pk]))
        choose(client, upcoming.year)
        client.post(reverse("schools:school-select", args=[world.other_school.pk]))
        response = client.get(reverse("schools:school-detail"))
        assert response.wsgi_request.year == SchoolYear.objects.get(school=world.other_school)
        client.post(reverse("schools:school-select", args=[world.school.pk]))
        response = client.get(reverse("schools:school-detail"))
        assert response.wsgi_request.year == upcoming.year

    def test_an_unknown_year_is_not_found(self, world, login, upcoming):
        response = login(world.users["head"]).post(SELECT, {"annee": 999999, "next": "/"})
        assert response.status_code == 404

    def test_a_year_of_another_school_is_not_found(self, world, login, upcoming):
        foreign_year = SchoolYear.objects.get(school=world.other_school)
        response = choose(login(world.users["head"]), foreign_year)
        assert response.status_code == 404

    def test_a_next_address_on_another_site_goes_home(self, world, login, upcoming):
        response = choose(login(world.users["teacher"]), upcoming.year, "https://evil.example/")
        assert response["Location"] == reverse("home")

    def test_it_requires_login(self, client, world, upcoming):
        response = choose(client, upcoming.year)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_it_refuses_get(self, world, login, upcoming):
        assert login(world.users["head"]).get(SELECT).status_code == 405

    def test_the_notice_is_on_every_page_of_another_year(self, world, login, moved_on):
        client = login(world.users["head"])
        choose(client, world.year)
        for page in (reverse("home"), reverse("schools:student-list")):
            body = client.get(page).content.decode()
            assert "Vous consultez l'année 2026-2027" in body
            assert "L'année en cours est 2027-2028" in body


class TestUpcomingArrivals:
    def test_an_arrival_of_the_upcoming_year_has_no_class_and_no_exit_date(self, upcoming):
        newcomer = Student.objects.get(pk=upcoming.newcomer.pk)
        assert newcomer.division is None and newcomer.exit_date is None
        assert newcomer.entry_date == upcoming.year.start_date

    def test_they_are_neither_present_nor_left_nor_without_class_in_year_n(
        self, world, login, upcoming
    ):
        client = login(world.users["head"])
        page = reverse("schools:student-list")
        for filters in ({}, {"division": "sans-classe"}, {"sortis": "1"}):
            response = client.get(page, filters)
            assert "Nouveau" not in {s.last_name for s in response.context["page"]}, filters
        assert response.context["without_class_count"] == 0
        assert upcoming.newcomer not in selectors.current_students()
        assert upcoming.newcomer not in selectors.students_of(world.year, without_division=True)

    def test_the_upcoming_year_lists_them_in_its_division(self, world, upcoming):
        assert upcoming.newcomer in selectors.students_of(upcoming.year, division=upcoming.new_2a)

    def test_once_their_year_is_current_they_are_in_its_division(self, world, login, upcoming):
        services.year_make_current(year=upcoming.year)
        newcomer = Student.objects.get(pk=upcoming.newcomer.pk)
        assert newcomer.division == upcoming.new_2a and newcomer.exit_date is None
        assert newcomer in selectors.current_students()
        response = login(world.users["head"]).get(
            reverse("schools:student-list"), {"division": upcoming.new_2a.pk}
        )
        assert "Nouveau" in {s.last_name for s in response.context["page"]}

    def test_a_pupil_who_left_in_year_n_and_returns_stays_among_its_leavers(
        self, world, login, upcoming
    ):
        left = datetime.date(2027, 1, 5)
        Student.objects.filter(pk=world.student.pk).update(division=None, exit_date=left)
        Enrolment.objects.filter(student=world.student, year=world.year).update(exit_date=left)
        services.enrolments_sync(year=world.year)
        response = login(world.users["head"]).get(reverse("schools:student-list"), {"sortis": "1"})
        assert "Martin" in {s.last_name for s in response.context["page"]}
        world.student.refresh_from_db()
        assert world.student.exit_date == left


class TestPastYearPages:
    def test_a_past_divisions_page_lists_its_enrolled_pupils_not_todays(
        self, world, login, moved_on
    ):
        client = login(world.users["head"])
        past = client.get(reverse("schools:division-detail", args=[world.division.pk]))
        body = past.content.decode()
        assert "MARTIN" in body and "HÉLÈNE" in body
        assert "NOUVEAU" not in body
        today = client.get(reverse("schools:division-detail", args=[moved_on.new_2a.pk]))
        body = today.content.decode()
        assert "NOUVEAU" in body and "HÉLÈNE" in body
        assert "MARTIN" not in body

    def test_the_school_page_of_a_past_year_counts_its_enrolments(self, world, login, moved_on):
        client = login(world.users["head"])
        choose(client, world.year)
        response = client.get(reverse("schools:school-detail"))
        divisions = {d.code: d.student_count for d in response.context["divisions"]}
        assert divisions == {"2A": 2, "1B": 1}
        assert world.division in list(response.context["divisions"])

    def test_the_student_list_of_a_past_year_filters_by_its_divisions(self, world, login, moved_on):
        client = login(world.users["head"])
        choose(client, world.year)
        response = client.get(reverse("schools:student-list"), {"division": world.division.pk})
        rows = {s.last_name: s.year_division_code for s in response.context["page"]}
        assert rows == {"Martin": "2A", "Hélène": "2A"}

    def test_the_student_list_of_the_current_year_shows_todays_divisions(
        self, world, login, moved_on
    ):
        response = login(world.users["head"]).get(reverse("schools:student-list"))
        rows = {s.last_name: s.year_division_code for s in response.context["page"]}
        assert rows == {"Martin": "1B", "Hélène": "2A", "Nouveau": "2A"}

    def test_the_student_page_shows_the_enrolment_history(self, world, login, moved_on):
        response = login(world.users["head"]).get(
            reverse("schools:student-detail", args=[world.classmate.pk])
        )
        body = response.content.decode()
        assert "Années dans l'établissement" in body
        assert [
            (e.year.label, e.division.code, e.repeating) for e in response.context["enrolments"]
        ] == [
            ("2027-2028", "2A", True),
            ("2026-2027", "2A", False),
        ]
        assert "redoublant" in body

    def test_students_of_a_past_level_reads_the_enrolments(self, world, moved_on):
        past = selectors.students_of(world.year, level=world.level)
        assert set(past) == {world.student, world.classmate}
        today = selectors.students_of(moved_on.year, level=moved_on.new_2a.level)
        assert set(today) == {world.classmate, moved_on.newcomer}

    def test_a_pupil_who_left_stays_on_the_past_roster(self, world, moved_on):
        world.student_elsewhere.refresh_from_db()
        assert world.student_elsewhere.exit_date is not None
        assert list(selectors.students_of(world.year, division=world.other_division)) == [
            world.student_elsewhere
        ]


class TestPastYearAccess:
    def test_a_teacher_of_a_past_division_sees_the_pupils_enrolled_in_it_that_year(
        self, world, moved_on
    ):
        access = SchoolAccess.load(world.users["teacher"], world.school)
        past = access.visible_students(Student.objects.all(), world.year)
        assert set(past) == {world.student, world.classmate}
        # Today Martin is in 1B and Hélène in the new 2A: not the teacher's divisions.
        assert not access.visible_students(Student.objects.all()).exists()

    def test_a_teacher_opens_a_former_pupil_while_looking_at_that_year(
        self, world, login, moved_on
    ):
        client = login(world.users["teacher"])
        page = reverse("schools:student-detail", args=[world.student.pk])
        assert client.get(page).status_code == 403
        choose(client, world.year)
        assert client.get(page).status_code == 200

    def test_a_teacher_never_sees_pupils_through_a_division_of_another_school(
        self, world, moved_on
    ):
        foreign_year = SchoolYear.objects.get(school=world.other_school)
        foreign_division = world.foreign_student.division
        Teaching.objects.create(
            staff=Staff.objects.get(user=world.users["teacher"]), division=foreign_division
        )
        Enrolment.objects.create(
            student=world.foreign_student, year=foreign_year, division=foreign_division
        )
        access = SchoolAccess.load(world.users["teacher"], world.school)
        for year in (foreign_year, world.year):
            assert world.foreign_student not in access.visible_students(Student.objects.all(), year)


class TestResultsOfAPastCampaign:
    @pytest.fixture
    def campaign(self, world):
        """An open campaign of year N's level 2nde pro (division 2A)."""
        framework = diagnostics.framework_install_default(school=world.school)
        period = first_period(world.year)
        campaign = diagnostics.campaign_create(
            level=world.level,
            period=period,
            kind=Campaign.Kind.SEPTEMBER_REVIEW,
            name="Bilan de rentrée",
            date=datetime.date(2026, 9, 15),
            framework=framework,
            competencies=list(framework.competencies.filter(code="FR.LEC")),
        )
        diagnostics.campaign_set_state(campaign=campaign, state=Campaign.State.OPEN)
        return campaign

    def test_a_pupil_who_moved_since_is_matched_in_that_years_level(
        self, world, campaign, moved_on
    ):
        rows = [
            "INE;Nom;FR.LEC",
            f"{world.student.ine};Martin;2",
            f"{world.student_elsewhere.ine};Durand;3",
            f"{moved_on.newcomer.ine};Nouveau;3",
        ]
        plan = result_imports.results_import_analyse(
            campaign=campaign, content="\r\n".join(rows).encode(), file_name="r.csv"
        )
        martin, durand, newcomer = plan.rows
        assert martin.is_valid and martin.student == world.student
        assert not durand.is_valid
        assert "DURAND Tom était en 1B (1re pro), pas dans le niveau" in durand.issues[0].message
        assert not newcomer.is_valid
        assert "n'était dans aucune division" in newcomer.issues[0].message

    def test_its_template_lists_that_years_pupils_with_that_years_division(
        self, world, campaign, moved_on
    ):
        template = result_imports.ResultsExporter.template(campaign)
        assert [(row[1], row[4]) for row in template.rows()] == [("Hélène", "2A"), ("Martin", "2A")]


def solver_students(plan):
    """The plan's pupils as the solver sees them (a full instance also needs slots, modules)."""
    return {s.pk: grouping._core_student(s, {}, []) for s in grouping.plan_students(plan)}


class TestPlanOfAPastYear:
    def test_the_solver_reads_each_pupils_scheme_of_the_plans_year(self, world, moved_on):
        Enrolment.objects.filter(student=world.classmate, year=world.year).update(scheme="ulis")
        Student.objects.filter(pk=world.student.pk).update(scheme="segpa")
        period = first_period(world.year)
        plan = Plan.objects.create(level=world.level, period=period)
        pupils = solver_students(plan)
        # Hélène was in ULIS that year (no longer); Martin joined a SEGPA since.
        assert pupils[world.classmate.pk].scheme == "ulis"
        assert pupils[world.student.pk].scheme == ""

    def test_a_plan_of_the_upcoming_year_reads_that_years_schemes(self, world, upcoming):
        Enrolment.objects.filter(student=upcoming.newcomer, year=upcoming.year).update(
            scheme="upe2a"
        )
        Student.objects.filter(pk=world.classmate.pk).update(scheme="ulis")  # year N's
        period = first_period(upcoming.year)
        plan = Plan.objects.create(level=upcoming.new_2a.level, period=period)
        pupils = solver_students(plan)
        assert pupils[upcoming.newcomer.pk].scheme == "upe2a"
        assert pupils[world.classmate.pk].scheme == ""


class TestPortfolioAcrossYears:
    def test_each_year_holds_its_own_events_with_the_pupils_division(self, world, login, moved_on):
        Interview.objects.create(student=world.student, date=datetime.date(2026, 10, 5))
        # Year N+1 has no periods yet: its interview must not fall into year N.
        Interview.objects.create(student=world.student, date=datetime.date(2027, 9, 20))
        response = login(world.users["head"]).get(
            reverse("followup:portfolio", args=[world.student.pk])
        )
        years = response.context["years"]
        assert [(y.label, y.division) for y in years] == [
            ("2027-2028", "1B"),
            ("2026-2027", "2A"),
        ]
        assert [e.date.year for y in years for p in y.periods for e in p.events] == [2027, 2026]
        body = response.content.decode()
        assert "Année scolaire 2027-2028 · 1B" in body


class TestOtherAppsFollowTheSelectedYear:
    @pytest.mark.parametrize(
        "page, year_of",
        [
            ("diagnostics:campaign-list", lambda context: context["year"]),
            ("followup:hours-index", lambda context: context["year"]),
            ("followup:hours-staff", lambda context: context["year"]),
            ("steering:dashboard", lambda context: context["scope"].year),
        ],
    )
    def test_their_pages_show_the_chosen_year_and_by_default_the_current_one(
        self, world, login, moved_on, page, year_of
    ):
        client = login(world.users["head"])
        assert year_of(client.get(reverse(page)).context) == moved_on.year
        choose(client, world.year)
        assert year_of(client.get(reverse(page)).context) == world.year

    def test_the_groups_page_lists_the_levels_of_the_chosen_year(self, world, login, moved_on):
        client = login(world.users["head"])
        choose(client, world.year)
        rows = client.get(reverse("planning:plan-index")).context["rows"]
        assert {level.year_id for level, _ in rows} == {world.year.pk}

    def test_the_needs_of_a_past_division_and_level_list_that_years_pupils(
        self, world, login, moved_on
    ):
        client = login(world.users["head"])
        for page, pk in (
            ("diagnostics:division-needs", world.division.pk),
            ("diagnostics:level-needs", world.level.pk),
        ):
            rows = client.get(reverse(page, args=[pk])).context["heatmap"].rows
            assert {student for student, _, _ in rows} == {world.student, world.classmate}
