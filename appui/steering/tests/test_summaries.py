"""The dashboards read summaries: equal to the computation from the records on the demo,
stale as soon as a record changes (bulk writes too), and the académie view reads them with a
fixed number of queries and no pupil's name."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from appui.followup import services as followup
from appui.followup.models import Attendance, ProgressMark, Session
from appui.planning.models import Group
from appui.schools.models import Level, Membership, Period, Student
from appui.schools.tests import factories as f
from appui.steering import dashboard, selectors, services, summaries
from appui.steering.models import Summary


def _raw(scope):
    results = dashboard.compute(scope)
    return dashboard.all_school_sections(results), dashboard.headline_shares(results)


def _assert_equal_to_raw(scope):
    read = summaries.sections_for(scope, refresh=False)
    assert read.from_summary, scope
    sections, headlines = _raw(scope)
    assert read.headlines == headlines
    assert [s.key for s in read.sections] == [s.key for s in sections]
    for mine, theirs in zip(read.sections, sections, strict=True):
        assert mine == theirs, mine.key


def _version(school):
    return summaries.versions([school.pk])[school.pk]


@pytest.fixture
def demo(db, settings):
    from appui.schools.demo import build_demo

    settings.DEMO_SOLVE_PLANS = True
    settings.DEMO_SOLVE_SECONDS = 0.5
    return build_demo(seed=7, students=60).school


def test_summaries_equal_the_raw_computation_and_follow_changes(demo):
    from appui.schools.selectors import current_year

    school = demo
    year = current_year(school)
    today = timezone.localdate()
    assert summaries.refresh_school(school) > 2
    scopes = summaries.common_scopes(school, year, today)
    assert {s.period for s in scopes} >= set(Period.objects.filter(year=year))
    assert {s.level for s in scopes} >= set(Level.objects.filter(year=year))
    # Every common scope is read from its summary, and equals the raw computation.
    for scope in scopes:
        _assert_equal_to_raw(scope)
    # The sections round-trip exactly through JSON (decimals, dates, names).
    whole = scopes[0]
    sections, _h = _raw(whole)
    assert [summaries.section_from_json(summaries.section_to_json(s)) for s in sections] == (
        sections
    )

    # An attendance changes: the summary is stale; the next read is the new computation.
    attendance = Attendance.objects.filter(session__group__module__school=school).first()
    before = _version(school)
    attendance.status = (
        Attendance.Status.ABSENT
        if attendance.status != Attendance.Status.ABSENT
        else Attendance.Status.PRESENT
    )
    attendance.save()
    assert _version(school) > before
    assert not summaries.sections_for(whole, refresh=False).from_summary
    _assert_equal_to_raw(whole)

    # A progress mark is deleted: stale again.
    before = _version(school)
    ProgressMark.objects.filter(student__school=school).first().delete()
    assert _version(school) > before
    stale = Summary.objects.get(key=summaries.scope_key(whole))
    assert not summaries.is_fresh(stale, _version(school), today)
    assert not summaries.sections_for(whole, refresh=False).from_summary
    _assert_equal_to_raw(whole)


class TestBulkPathsBump:
    def test_a_survey_answer_bumps_and_the_next_read_is_recomputed(self, world, survey):
        scope = selectors.Scope(school=world.school, year=world.year, today=timezone.localdate())
        summaries.sections_for(scope, refresh=False)
        assert summaries.sections_for(scope, refresh=False).from_summary
        before = _version(world.school)
        services.survey_answer(
            survey=survey,
            user=world.users["student"],
            answers={q.pk: 4 for q in survey.questions.filter(kind="scale", audience="student")},
        )
        assert _version(world.school) > before
        assert not summaries.sections_for(scope, refresh=False).from_summary
        _assert_equal_to_raw(scope)

    def test_records_changed_bumps_only_that_school(self, world):
        from appui.schools.changes import mark_changed

        other = _version(world.other_school)
        before = _version(world.school)
        summaries.forget_bumps()  # as after a summary is stored in this transaction
        mark_changed(world.school.pk)
        assert _version(world.school) == before + 1
        assert _version(world.other_school) == other

    def test_saving_the_school_bumps_it(self, world):
        before = _version(world.school)
        summaries.forget_bumps()
        world.school.holiday_zone = "C"
        world.school.save()
        assert _version(world.school) == before + 1

    def test_attendance_for_all_and_need_profiles_bump(self, world, groups):
        from appui.diagnostics.services import profiles_recompute

        group = Group.objects.filter(plan__level__year=world.year).first()
        session = Session.objects.create(
            group=group,
            date=datetime.date(2026, 11, 10),
            start_time=datetime.time(10),
            end_time=datetime.time(11),
        )
        before = _version(world.school)
        summaries.sections_for(
            selectors.Scope(school=world.school, year=world.year, today=timezone.localdate()),
            refresh=False,
        )  # a summary stored: the next change bumps again within this transaction
        followup.attendance_all_present(
            session=session, user=None, today=datetime.date(2026, 11, 10)
        )
        assert _version(world.school) > before
        before = _version(world.school)
        summaries.forget_bumps()
        profiles_recompute(students=Student.objects.filter(school=world.school))
        assert _version(world.school) > before


class TestRollback:
    def test_a_bump_rolled_back_with_its_savepoint_is_done_again(self, world):
        from django.db import transaction

        before = _version(world.school)
        summaries.forget_bumps()
        with pytest.raises(RuntimeError), transaction.atomic():
            summaries.bump(world.school.pk)
            raise RuntimeError
        assert _version(world.school) == before
        summaries.bump(world.school.pk)
        assert _version(world.school) == before + 1
        summaries.bump(world.school.pk)  # once per transaction until a summary is stored
        assert _version(world.school) == before + 1


class TestComparison:
    def test_distribution_rank_trend_and_small_cells(self):
        from types import SimpleNamespace

        from appui.core import indicators as ind
        from appui.core.indicators import Share
        from appui.steering.dashboard import AcademyEntry, comparison_section

        spec = ind.INDICATORS["attendance"]
        schools = [SimpleNamespace(name=f"L{n}", uai=f"000000{n}X") for n in range(5)]
        values = [Share(9, 10), Share(5, 10), Share(7, 10), Share(1, 3), None]
        entries = [
            AcademyEntry(
                school,
                None if value is None else {spec.key: value},
                by_period=[("P1", {spec.key: Share(1, 10)}), ("P2", {spec.key: Share(1, 2)})],
                stale=school.name == "L2",
            )
            for school, value in zip(schools, values, strict=True)
        ]
        section = comparison_section(spec, entries)
        rows = {row["school"]: row for row in section.rows}
        assert [rows[n]["rank"] for n in ("L0", "L1", "L2")] == [1, 3, 2]
        # Fewer than 5 people: hidden, not ranked, not in the distribution.
        assert rows["L3"]["share"] is None and rows["L3"]["rank"] is None
        assert rows["L0"]["trend"].startswith("P1 : 10,0 %")
        assert "fewer than 5" in rows["L0"]["trend"] or "moins de 5" in rows["L0"]["trend"]
        assert rows["L2"]["status"] and not rows["L0"]["status"]
        assert "L4" not in rows and any("L4" in note for note in section.notes)
        distribution = section.notes[0]
        assert "50,0 %" in distribution and "70,0 %" in distribution
        assert "90,0 %" in distribution


class TestAcademy:
    def _schools(self, world, n):
        user = world.users["academy"]
        schools = []
        for _i in range(n):
            school = f.SchoolFactory()
            f.SchoolYearFactory(school=school, is_current=True)
            f.MembershipFactory(user=user, school=school, role=Membership.Role.ACADEMY)
            schools.append(school)
        return user, schools

    def _get(self, client, user):
        client.force_login(user)
        return client.get(reverse("steering:academy"))

    def _count(self, client, user):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self._get(client, user)  # warm the session and the caches
        with CaptureQueriesContext(connection) as queries:
            response = self._get(client, user)
        assert response.status_code == 200
        return len(queries.captured_queries), response.content.decode()

    def test_queries_do_not_grow_with_the_schools(self, world, groups, client):
        user, schools = self._schools(world, 3)
        for school in [world.school, *schools]:
            summaries.refresh_school(school)
        few, body = self._count(client, user)
        assert all(f"<td>{school.uai}</td>" in body for school in schools)
        user, more = self._schools(world, 9)
        for school in more:
            summaries.refresh_school(school)
        many, body = self._count(client, user)
        assert all(f"<td>{school.uai}</td>" in body for school in more)
        assert many == few
        # Stale summaries are not recomputed in the request: one refresh job for them all.
        for school in [world.school, *schools, *more]:
            summaries.bump(school.pk)
            summaries.forget_bumps()
        stale, body = self._count(client, user)
        assert stale <= few + 8
        assert "refresh in progress" in body or "actualisation en cours" in body

    def test_no_pupil_name_and_stale_shown(self, world, groups, client):
        user = world.users["academy"]
        response = self._get(client, user)
        body = response.content.decode()
        # Never computed: « refresh in progress », nothing computed inline.
        assert Summary.objects.filter(school=world.school).count() == 0
        summaries.refresh_school(world.school)
        body = self._get(client, user).content.decode()
        for student in Student.objects.filter(school=world.school):
            assert student.last_name not in body
            assert student.last_name.upper() not in body
        summaries.bump(world.school.pk)
        body = self._get(client, user).content.decode()
        assert "refresh in progress" in body or "actualisation en cours" in body

    @pytest.mark.django_db(transaction=True, databases=["default", "replica"])
    def test_a_read_replica_serves_the_summaries_when_configured(
        self, world, groups, client, settings
    ):
        """With ``DASHBOARD_DATABASE = "replica"`` the académie view reads the years, the
        versions and the summaries on the replica's connection (a mirror of the test
        database here), and none of them on the primary."""
        from django.db import connections
        from django.test.utils import CaptureQueriesContext

        from appui.schools.replica import dashboard_alias

        user, schools = self._schools(world, 2)
        for school in [world.school, *schools]:
            summaries.refresh_school(school)
        self._get(client, user)  # the session and the caches
        settings.DASHBOARD_DATABASE = "replica"
        assert dashboard_alias() == "replica"
        with (
            CaptureQueriesContext(connections["replica"]) as on_replica,
            CaptureQueriesContext(connections["default"]) as on_primary,
        ):
            response = self._get(client, user)
        assert response.status_code == 200
        assert all(f"<td>{school.uai}</td>" in response.content.decode() for school in schools)

        def tables(queries):
            return " ".join(q["sql"] for q in queries.captured_queries)

        for table in ("steering_summary", "steering_summarystate", "schools_schoolyear"):
            assert table in tables(on_replica)
        assert 'steering_summary"' not in tables(on_primary)
        assert "steering_summarystate" not in tables(on_primary)
        # No such alias: the primary.
        settings.DASHBOARD_DATABASE = "elsewhere"
        assert dashboard_alias() == "default"

    def test_distribution_and_rank(self):
        from decimal import Decimal

        from appui.steering.dashboard.academy import _quartiles

        assert _quartiles([Decimal(1), Decimal(2), Decimal(3), Decimal(4), Decimal(5)]) == (
            Decimal(2),
            Decimal(3),
            Decimal(4),
        )


class TestTargetsPage:
    def test_the_targets_page_reads_the_summary(self, world, groups, login, monkeypatch):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from appui.steering.models import Target

        Target.objects.create(
            year=world.year, indicator="need_coverage", direction="at_least", value=90
        )
        Target.objects.create(
            year=world.year, level=world.level, indicator="staff", direction="at_least", value=40
        )
        Target.objects.create(
            year=world.year, indicator="attendance", direction="at_least", value=90
        )
        scope = selectors.Scope(school=world.school, year=world.year, today=timezone.localdate())
        expected = dashboard.target_rows(dashboard.compute(scope))
        assert [row["actual"] is None for row in expected] == [True, False, False]
        client = login(world.users["coordinator"])
        url = reverse("steering:targets")
        assert client.get(url).status_code == 200  # computes and stores the summary

        def refuse(_scope):
            raise AssertionError("the targets page computed the indicators from the records")

        monkeypatch.setattr(dashboard, "compute", refuse)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.context["rows"] == expected
        assert len(queries) < 20
