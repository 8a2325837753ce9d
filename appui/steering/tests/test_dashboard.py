"""Dashboard figures on a small school computed by hand (see the ``groups`` fixture)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from appui.core.indicators import Share
from appui.steering import dashboard, selectors, services

pytestmark = pytest.mark.django_db

TUESDAYS = 14  # seven Tuesdays in each of the two periods
SLOT = 90  # minutes


def scope_for(world, **extra):
    return selectors.Scope(
        school=world.school, year=world.year, today=datetime.date(2026, 11, 24), **extra
    )


def session(group, day, status="done"):
    from appui.followup.models import Session

    return Session.objects.create(
        group=group,
        date=day,
        start_time=datetime.time(10),
        end_time=datetime.time(11, 30),
        status=status,
    )


class TestHoursAndGroups:
    def test_planned_hours_come_from_the_published_plans(self, world, groups):
        results = dashboard.compute(scope_for(world))
        levels, _divisions = dashboard.hours_rows(results)
        by_level = {row.unit: row for row in levels}
        assert by_level[world.level.pk].planned == TUESDAYS * SLOT
        assert by_level[world.level.pk].delivered == 0
        assert by_level[world.other_level.pk].planned == 0
        assert by_level[world.level.pk].due == 90 * 60

    def test_never_offered_and_churn(self, world, groups):
        shares = dashboard.headline_shares(dashboard.compute(scope_for(world)))
        assert shares["never_offered"] == Share(1, 3)  # Tom, level M
        assert shares["churn"] == Share(0, 2)  # Léa and Zoé stay together
        rows = dashboard.churn_rows(dashboard.compute(scope_for(world)))
        assert [row.frozen_groups for _level, row in rows] == [(groups["groups"][2].pk,)]

    def test_need_coverage_uses_the_plan_metric(self, world, groups):
        shares = dashboard.headline_shares(dashboard.compute(scope_for(world)))
        # Each plan: 2 students placed, half served (the plan's metric): 1 of 2 per period.
        assert shares["need_coverage"] == Share(2, 4)

    def test_the_period_filter_narrows_period_indicators(self, world, groups):
        results = dashboard.compute(scope_for(world, period=groups["period"]))
        assert [g.period for g in results.groups_in_scope()] == [groups["period"].pk]
        assert dashboard.churn_rows(results) == []  # no period before period 1

    def test_a_division_filter_keeps_its_students_only(self, world, groups):
        results = dashboard.compute(scope_for(world, division=world.other_division))
        assert {p.student for p in results.places} == {world.student_elsewhere.pk}
        assert results.groups.records == []

    def test_staff_involvement(self, world, groups):
        shares = dashboard.headline_shares(dashboard.compute(scope_for(world)))
        # Staff rows are teachers by default: the teacher runs the groups, the coordinator's
        # staff row (made by the planning fixture) does not.
        assert shares["staff"] == Share(1, 2)


class TestFollowupAdapter:
    def test_sessions_and_attendance_are_read_from_the_followup(self, world, groups):
        from appui.followup.models import Attendance
        from appui.followup.services import sessions_generate_for_plan

        sessions_generate_for_plan(plan=groups["plans"][1], today=datetime.date(2026, 9, 1))
        held = groups["groups"][1].sessions.get(date=datetime.date(2026, 9, 1))
        held.status = "done"
        held.save()
        Attendance.objects.create(session=held, student=world.student, status="present")
        Attendance.objects.create(session=held, student=world.classmate, status="absent")
        results = dashboard.compute(scope_for(world))
        assert results.recorded_sessions == TUESDAYS // 2  # period 1, generated
        shares = dashboard.headline_shares(results)
        assert shares["attendance"] == Share(1, 2)
        levels, _ = dashboard.hours_rows(results)
        row = next(r for r in levels if r.unit == world.level.pk)
        assert (row.planned, row.delivered) == (TUESDAYS * SLOT, SLOT)

    def test_teacher_marks_become_mark_records(self, world, groups):
        from appui.followup.models import ProgressMark

        held = session(groups["groups"][1], datetime.date(2026, 9, 8))
        ProgressMark.objects.create(
            session=held, student=world.student, author_kind="teacher", level=3
        )
        ProgressMark.objects.create(
            session=held, student=world.student, author_kind="self", level=1
        )
        results = dashboard.compute(scope_for(world))
        assert [(m.student, m.value) for m in results.marks] == [(world.student.pk, 3)]


class TestTargets:
    def test_targets_are_compared_with_the_measure(self, world, groups):
        services.target_set(year=world.year, indicator="never_offered", value=Decimal("40"))
        services.target_set(year=world.year, indicator="churn", value=Decimal("30"))
        services.target_set(year=world.year, indicator="attendance", value=Decimal("90"))
        rows = {
            row["target"].indicator: row
            for row in dashboard.target_rows(dashboard.compute(scope_for(world)))
        }
        assert (rows["never_offered"]["actual"], rows["never_offered"]["status"]) == (
            Decimal("33.3"),
            "met",
        )
        assert rows["churn"]["status"] == "missed"
        assert rows["attendance"]["status"] == "unknown"

    def test_a_level_target_uses_the_levels_figures(self, world, groups):
        services.target_set(
            year=world.year, indicator="never_offered", value=Decimal("0"), level=world.level
        )
        (row,) = dashboard.target_rows(dashboard.compute(scope_for(world)))
        assert (row["actual"], row["status"]) == (Decimal("0.0"), "met")


class TestSurveysAndMilestones:
    def test_small_surveys_are_not_detailed(self, world, survey):
        services.survey_answer(
            survey=survey,
            user=world.users["student"],
            answers={q.pk: 4 for q in survey.questions.filter(kind="scale", audience="student")},
        )
        results = dashboard.compute(scope_for(world))
        (data,) = results.surveys
        assert data["total"] == 1 and not data["detailed"]
        section = dashboard.satisfaction_section(results)
        assert section.rows[0]["satisfied"] is None
        assert section.headline == "—"

    def test_late_milestones(self, world):
        today = timezone.localdate()
        services.milestone_create(
            year=world.year, title="Bilans", due_date=today - datetime.timedelta(days=3)
        )
        services.milestone_create(
            year=world.year, title="Enquête", due_date=today + datetime.timedelta(days=3)
        )
        section = dashboard.milestones_section(
            dashboard.compute(selectors.Scope(school=world.school, year=world.year, today=today))
        )
        assert section.headline == "1"
        assert [m.title for m in section.names] == ["Bilans"]


class TestAcademy:
    def test_small_cells_are_suppressed(self, world, groups):
        results = dashboard.compute(scope_for(world))
        sections = {s.key: s for s in dashboard.academy_sections([(world.school, results)])}
        row = sections["never_offered"].rows[0]
        # 1 student of 3: the share rests on fewer than 5 people and is hidden.
        assert row["share"] is None
        assert row["part"] is None
        assert "MARTIN" not in str(sections)


class TestPreparedPlans:
    def test_a_plan_in_preparation_is_compared_but_not_counted(self, world, groups):
        from appui.planning.models import Plan

        Plan.objects.filter(pk=groups["plans"][2].pk).update(status=Plan.Status.PROPOSED)
        results = dashboard.compute(scope_for(world))
        assert dashboard.churn_rows(results) == []
        assert len(dashboard.churn_rows(results, prepared=True)) == 1
        section = dashboard.churn_section(results)
        assert section.bars and section.headline == "—"
        assert dashboard.headline_shares(results)["churn"] == Share(0, 0)
