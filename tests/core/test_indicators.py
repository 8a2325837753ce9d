"""Steering indicators: each formula on a small case checked by hand."""

import datetime as dt
from decimal import Decimal

import pytest

from appui.core.hours import Attendance, SessionRecord, SessionStatus
from appui.core.indicators import (
    INDICATORS,
    ChurnRow,
    CoverageRecord,
    DiagnosisResult,
    Direction,
    GroupRecord,
    KindCount,
    MarkRecord,
    MilestoneRecord,
    OutcomeRecord,
    PeriodSpan,
    Share,
    StudentPlace,
    TargetStatus,
    attendance,
    attendance_by_period,
    coverage_by_period,
    group_churn,
    hours_by_unit,
    late_milestones,
    mark_distribution,
    modules_run,
    never_offered,
    outcome_rates,
    progress,
    response_rate,
    satisfaction,
    staff_involvement,
    suppress,
    target_status,
    top_need_served,
    tutor_allowance,
    tutoring_coverage,
)

P, L, A, E = Attendance.PRESENT, Attendance.LATE, Attendance.ABSENT, Attendance.EXCUSED
HELD, PLANNED, CANCELLED = SessionStatus.HELD, SessionStatus.PLANNED, SessionStatus.CANCELLED
OCT, NOV = dt.date(2026, 10, 5), dt.date(2026, 11, 16)


def session(id, students, *, day=OCT, minutes=60, status=HELD, attendance=None, group="g"):
    return SessionRecord(
        id=id,
        date=day,
        duration_minutes=minutes,
        group=group,
        students=frozenset(students),
        status=status,
        attendance=attendance or {},
    )


class TestShare:
    def test_it_gives_the_rate_and_percent(self):
        share = Share(7, 8)
        assert share.rate == Decimal("0.875")
        assert share.percent == Decimal("87.5")
        assert str(share) == "87,5 %"

    def test_it_is_undefined_on_nothing(self):
        assert Share(0, 0).rate is None
        assert str(Share(0, 0)) == "—"

    def test_it_refuses_a_part_above_the_whole(self):
        with pytest.raises(ValueError):
            Share(3, 2)

    def test_it_adds_parts_and_wholes(self):
        assert Share(1, 2) + Share(3, 4) == Share(4, 6)

    def test_small_wholes_are_suppressed(self):
        assert Share(2, 4).suppressed()
        assert not Share(2, 5).suppressed()

    def test_counts_from_one_to_four_are_suppressed(self):
        assert [suppress(n) for n in (0, 1, 4, 5, 12)] == [0, None, None, 5, 12]


class TestRegistry:
    def test_every_indicator_names_its_seeds_and_formula(self):
        for key, spec in INDICATORS.items():
            assert spec.key == key
            assert spec.seeds and spec.formula and spec.label

    def test_the_issue_indicators_are_all_there(self):
        assert {
            "hours",
            "modules",
            "staff",
            "attendance",
            "need_coverage",
            "progress",
            "churn",
            "never_offered",
            "tutoring",
            "satisfaction",
            "repeat",
            "success",
            "further_studies",
        } <= set(INDICATORS)


class TestTargets:
    def test_at_least(self):
        assert target_status(Decimal("90"), Decimal("90"), Direction.AT_LEAST) is TargetStatus.MET
        assert (
            target_status(Decimal("89.9"), Decimal("90"), Direction.AT_LEAST) is TargetStatus.MISSED
        )

    def test_at_most(self):
        assert target_status(Decimal("4"), Decimal("5"), Direction.AT_MOST) is TargetStatus.MET
        assert target_status(Decimal("6"), Decimal("5"), Direction.AT_MOST) is TargetStatus.MISSED

    def test_without_a_value_it_is_unknown(self):
        assert target_status(None, Decimal("5"), Direction.AT_MOST) is TargetStatus.UNKNOWN


class TestHours:
    def test_means_per_level_and_division(self):
        # Level L (due 90 min): division D1 has s1, s2; division D2 has s3.
        # s1: 60 planned held + 30 planned to come -> planned 90, delivered 60.
        # s2: 60 held -> planned 60, delivered 60.  s3: nothing.  "gone" left the school.
        sessions = [
            session("a", ["s1", "s2", "gone"]),
            session("b", ["s1"], minutes=30, status=PLANNED, day=NOV),
            session("c", ["s3"], minutes=45, status=CANCELLED),
        ]
        places = [
            StudentPlace("s1", "L", "D1"),
            StudentPlace("s2", "L", "D1"),
            StudentPlace("s3", "L", "D2"),
        ]
        levels, divisions = hours_by_unit(sessions=sessions, places=places, due={"L": 90})
        (level,) = levels
        # Level: planned (90 + 60 + 0) / 3 = 50, delivered (60 + 60 + 0) / 3 = 40.
        assert (level.students, level.due, level.planned, level.delivered) == (3, 90, 50, 40)
        assert level.delivered_share == Share(40, 90)
        d1, d2 = divisions
        assert (d1.unit, d1.planned, d1.delivered) == ("D1", 75, 60)
        assert (d2.unit, d2.planned, d2.delivered, d2.level) == ("D2", 0, 0, "L")

    def test_as_of_limits_the_delivered_hours(self):
        sessions = [session("a", ["s1"], day=NOV)]
        levels, _ = hours_by_unit(
            sessions=sessions, places=[StudentPlace("s1", "L", "D")], due={"L": 60}, as_of=OCT
        )
        assert (levels[0].planned, levels[0].delivered) == (60, 0)

    def test_shares_are_capped_at_the_due_volume(self):
        levels, _ = hours_by_unit(
            sessions=[session("a", ["s1"], minutes=120)],
            places=[StudentPlace("s1", "L", "D")],
            due={"L": 60},
        )
        assert levels[0].planned_share == Share(60, 60)


def group(id, period, students, *, kind="soutien", module="M", staff=(), level="L"):
    return GroupRecord(
        id=id,
        period=period,
        level=level,
        module=module,
        kind=kind,
        students=frozenset(students),
        staff=frozenset(staff),
    )


class TestModulesAndStaff:
    def test_modules_by_kind(self):
        groups = [
            group(1, "p1", ["a", "b"], module="LEC"),
            group(2, "p1", ["c"], module="LEC"),
            group(3, "p2", ["a"], module="CAL"),
            group(4, "p1", ["a", "d"], kind="orientation", module="PRJ"),
        ]
        assert modules_run(groups) == [
            KindCount("soutien", modules=2, groups=3, students=3),
            KindCount("orientation", modules=1, groups=1, students=2),
        ]

    def test_staff_involvement_counts_group_staff_and_tutors_among_teachers(self):
        groups = [group(1, "p1", ["a"], staff=["t1", "cpe"]), group(2, "p1", ["b"], staff=["t1"])]
        # Teachers t1..t4: t1 runs groups, t3 tutors; the CPE is not a teacher.
        share = staff_involvement(["t1", "t2", "t3", "t4"], groups, tutors=["t3"])
        assert share == Share(2, 4)


class TestAttendance:
    def test_present_and_late_over_recorded_marks_of_held_sessions(self):
        sessions = [
            session("a", ["s1", "s2", "s3"], attendance={"s1": P, "s2": L, "s3": A}),
            session("b", ["s1", "s2"], attendance={"s1": E}),  # s2 not recorded
            session("c", ["s1"], status=PLANNED, attendance={}),
            session("d", ["s1"], status=CANCELLED),
        ]
        # Marks: P, L, A, E -> 2 of 4.
        assert attendance(sessions) == Share(2, 4)

    def test_trend_per_period(self):
        p1 = PeriodSpan("p1", "Période 1", dt.date(2026, 9, 1), dt.date(2026, 10, 16))
        p2 = PeriodSpan("p2", "Période 2", dt.date(2026, 11, 2), dt.date(2026, 12, 18))
        sessions = [
            session("a", ["s1", "s2"], day=OCT, attendance={"s1": P, "s2": A}),
            session("b", ["s1", "s2"], day=NOV, attendance={"s1": P, "s2": P}),
        ]
        assert attendance_by_period(sessions, [p1, p2]) == [(p1, Share(1, 2)), (p2, Share(2, 2))]
        assert attendance_by_period(sessions, [p2], as_of=OCT) == [(p2, Share(0, 0))]


class TestNeeds:
    def test_top_need_served(self):
        needs = {
            "a": {"FR": 3, "MA": 1},  # top FR, served FR -> yes
            "b": {"FR": 1, "MA": 2},  # top MA, served FR -> no
            "c": {"FR": 2, "MA": 2},  # tie, served MA -> yes
            "d": {"FR": 0},  # no need: not counted
        }
        served = {"a": ["FR"], "b": ["FR"], "c": ["MA"], "d": ["FR"]}
        assert top_need_served(needs, served) == Share(2, 3)

    def test_coverage_per_period_is_weighted_by_students(self):
        records = [
            CoverageRecord("p1", "L", 30, Decimal("0.8")),
            CoverageRecord("p1", "M", 10, Decimal("0.4")),
            CoverageRecord("p2", "L", 30, None),
        ]
        # p1: (0.8 × 30 + 0.4 × 10) / 40 = 28 / 40 = 0.7.
        assert coverage_by_period(records, ["p1", "p2"]) == [
            ("p1", Decimal("0.700"), 40),
            ("p2", None, 0),
        ]


class TestProgress:
    def test_last_minus_first_per_student_and_competency(self):
        sep, nov, jan = dt.date(2026, 9, 15), dt.date(2026, 11, 10), dt.date(2027, 1, 20)
        results = [
            DiagnosisResult("a", "FR", sep, 1),
            DiagnosisResult("a", "FR", nov, 2),
            DiagnosisResult("a", "FR", jan, 3),  # a/FR: +2
            DiagnosisResult("a", "MA", sep, 3),
            DiagnosisResult("a", "MA", jan, 2),  # a/MA: -1
            DiagnosisResult("b", "FR", sep, 2),
            DiagnosisResult("b", "FR", nov, 2),  # b/FR: 0
            DiagnosisResult("c", "FR", sep, 1),  # once only: not counted
        ]
        summary = progress(results)
        assert summary.pairs == 3 and summary.students == 2
        assert summary.deltas == {-3: 0, -2: 0, -1: 1, 0: 1, 1: 0, 2: 1, 3: 0}
        assert summary.improved == Share(1, 3)
        assert summary.stable == Share(1, 3)
        assert summary.declined == Share(1, 3)
        assert summary.mean == Decimal("0.33")

    def test_two_results_on_one_day_are_averaged(self):
        sep, nov = dt.date(2026, 9, 15), dt.date(2026, 11, 10)
        results = [
            DiagnosisResult("a", "FR", sep, 1),
            DiagnosisResult("a", "FR", sep, 2),  # mean 1.5 -> 2
            DiagnosisResult("a", "FR", nov, 3),
        ]
        assert progress(results).deltas[1] == 1

    def test_it_refuses_values_off_the_scale(self):
        with pytest.raises(ValueError):
            progress([DiagnosisResult("a", "FR", OCT, 5)])

    def test_latest_mark_per_objective(self):
        marks = [
            MarkRecord("a", "o1", OCT, 1),
            MarkRecord("a", "o1", NOV, 3),  # latest for a/o1: 3
            MarkRecord("a", "o2", OCT, 2),
            MarkRecord("b", "o1", OCT, 4),
        ]
        counts, share = mark_distribution(marks)
        assert counts == {1: 0, 2: 1, 3: 1, 4: 1}
        assert share == Share(2, 3)


class TestChurn:
    def test_changed_students_and_frozen_groups(self):
        groups = [
            group("A", "p1", ["a", "b", "c", "d"]),
            group("B", "p1", ["e", "f", "g", "h"]),
            # p2: X keeps a, b, c together with e (3 of 4 from A: frozen);
            # Y mixes d, f, g, h.
            group("X", "p2", ["a", "b", "c", "e"]),
            group("Y", "p2", ["d", "f", "g", "h", "new"]),
        ]
        (row,) = group_churn(groups, ["p1", "p2"])
        # a, b, c: 2 of their 3 mates were with them -> unchanged. e: 0 of 3 -> changed.
        # d: 0 of 4 -> changed. f, g, h: 2 of 4 with them (>= half) -> unchanged.
        # "new" was not placed in p1: not counted.
        assert row == ChurnRow("p1", "p2", Share(2, 8), ("X",), 2)

    def test_periods_without_groups_are_skipped(self):
        groups = [group("A", "p1", ["a", "b"]), group("B", "p3", ["a", "c"])]
        (row,) = group_churn(groups, ["p1", "p2", "p3"])
        assert (row.previous, row.period, row.changed) == ("p1", "p3", Share(1, 1))

    def test_one_period_gives_nothing(self):
        assert group_churn([group("A", "p1", ["a", "b"])], ["p1"]) == []

    def test_students_never_offered_a_module(self):
        groups = [group("A", "p1", ["a", "b"]), group("B", "p2", ["b", "gone"])]
        missing, share = never_offered(["a", "b", "c", "d"], groups)
        assert missing == ("c", "d")
        assert share == Share(2, 4)


class TestTutoring:
    def test_coverage_ignores_tutees_who_left(self):
        assert tutoring_coverage(["a", "b", "c", "d"], ["a", "gone"]) == Share(1, 4)

    def test_allowance_is_proportional_to_tutees(self):
        assert tutor_allowance(6, Decimal("62.5")) == Decimal("375.00")
        assert tutor_allowance(0, Decimal("62.5")) == Decimal("0.00")

    def test_allowance_refuses_negative_inputs(self):
        with pytest.raises(ValueError):
            tutor_allowance(-1, Decimal("10"))


class TestSurveys:
    def test_satisfaction_is_agree_and_strongly_agree_over_answers(self):
        assert satisfaction({1: 2, 2: 3, 3: 4, 4: 1}) == Share(5, 10)

    def test_satisfaction_refuses_values_off_the_scale(self):
        with pytest.raises(ValueError):
            satisfaction({5: 1})

    def test_response_rate(self):
        assert response_rate(12, 48) == Share(12, 48)
        assert response_rate(50, 48) == Share(48, 48)


class TestOutcomes:
    def test_rates_sum_over_levels(self):
        records = [
            OutcomeRecord("2nde", enrolled=40, repeating=2),
            OutcomeRecord(
                "Tle",
                enrolled=30,
                repeating=1,
                candidates=28,
                passed=24,
                leavers=26,
                further_studies=8,
            ),
        ]
        rates = outcome_rates(records)
        assert rates.repeat == Share(3, 70)
        assert rates.success == Share(24, 28)
        assert rates.further_studies == Share(8, 26)


class TestMilestones:
    def test_late_and_on_time(self):
        today = dt.date(2026, 11, 20)
        milestones = [
            MilestoneRecord(1, dt.date(2026, 9, 20), dt.date(2026, 9, 18)),  # on time
            MilestoneRecord(2, dt.date(2026, 10, 15), dt.date(2026, 10, 20)),  # done late
            MilestoneRecord(3, dt.date(2026, 11, 10)),  # late
            MilestoneRecord(4, dt.date(2026, 10, 1)),  # late, older
            MilestoneRecord(5, dt.date(2026, 12, 15)),  # not due yet
        ]
        late, on_time = late_milestones(milestones, today)
        assert [m.id for m in late] == [4, 3]
        assert on_time == Share(1, 4)
