"""The indicators declared once: each declaration is coherent and its measure is the formula,
checked by hand on records of a few lines."""

import datetime as dt
from decimal import Decimal

import pytest

from appui.core.hours import Attendance, SessionRecord, SessionStatus
from appui.core.indicators import (
    INDICATORS,
    MIN_CELL,
    ChurnRow,
    CoverageRecord,
    Direction,
    GroupRecord,
    HoursRow,
    IndicatorSpec,
    MilestoneRecord,
    OutcomeRecord,
    ScopeRecords,
    Share,
    StudentPlace,
    SurveyRecord,
    Unit,
    academy_indicators,
    headline_values,
    is_detailed,
    sections,
    suppress,
    target_indicators,
)

DAY = dt.date(2026, 11, 24)


class TestTheSmallCellRule:
    def test_five_people_are_enough_four_are_not(self):
        assert MIN_CELL == 5
        assert [is_detailed(n) for n in (0, 4, 5, 30)] == [False, False, True, True]

    def test_shares_and_counts_follow_the_same_rule(self):
        for n in range(12):
            assert Share(0, n).suppressed() is not is_detailed(n)
            assert (suppress(n) is None) is (n > 0 and not is_detailed(n))


class TestDeclarations:
    def test_keys_match_and_every_section_shows_something(self):
        for key, spec in INDICATORS.items():
            assert spec.key == key and spec.section
        assert all(sections().values())

    def test_sections_come_in_reading_order_with_outcomes_together(self):
        keys = list(sections())
        assert keys[:3] == ["hours", "attendance", "need_coverage"]
        assert [s.key for s in sections()["outcomes"]] == ["repeat", "success", "further_studies"]
        assert keys[-1] == "milestones"

    def test_targets_are_on_oriented_percentages_with_a_measure(self):
        for spec in target_indicators():
            assert spec.headline and spec.direction and spec.unit is Unit.PERCENT
        assert {s.key for s in target_indicators()} >= {"attendance", "never_offered", "repeat"}
        assert "modules" not in {s.key for s in target_indicators()}

    def test_the_academie_compares_headlines_but_not_the_marks(self):
        keys = {s.key for s in academy_indicators()}
        assert all(INDICATORS[k].headline for k in keys)
        assert "marks" not in keys and "milestones" in keys

    def test_an_incoherent_declaration_is_refused(self):
        with pytest.raises(ValueError):
            IndicatorSpec("x", "X", "000", "f", target=True)  # a target needs a measure
        with pytest.raises(ValueError):
            IndicatorSpec("x", "X", "000", "f", Unit.COUNT, None, measure=len, target=True)

    def test_the_section_defaults_to_the_key(self):
        assert IndicatorSpec("x", "X", "000", "f").section == "x"
        assert IndicatorSpec("x", "X", "000", "f", direction=Direction.AT_MOST).section == "x"


def session(day, status, marks) -> SessionRecord:
    return SessionRecord(
        id=1,
        date=day,
        duration_minutes=60,
        group="G",
        students=frozenset(marks),
        status=status,
        attendance={k: Attendance(v) for k, v in marks.items()},
    )


class TestMeasuresByHand:
    @pytest.fixture
    def values(self):
        records = ScopeRecords(
            as_of=DAY,
            places=[StudentPlace(s, "L", "D") for s in ("a", "b", "c", "d")],
            year_groups=[GroupRecord("G", 1, "L", "M", "support", {"a", "b"}, {"t1"})],
            period_groups=[GroupRecord("G", 1, "L", "M", "support", {"a", "b"}, {"t1"})],
            sessions=[session(DAY, SessionStatus.HELD, {"a": "present", "b": "absent"})],
            hours=[HoursRow("L", "L", 4, due=3600, planned=3000, delivered=1800)],
            coverage=[CoverageRecord(1, "L", 4, Decimal("0.5"))],
            churn=[ChurnRow(1, 2, Share(1, 2), (), 1)],
            teachers=["t1", "t2"],
            tutees=frozenset({"c"}),
            surveys=[SurveyRecord(4, Share(4, 4)), SurveyRecord(6, Share(3, 6))],
            outcomes=[OutcomeRecord("L", enrolled=10, repeating=1, candidates=8, passed=6)],
            milestones=[MilestoneRecord(1, DAY - dt.timedelta(days=1))],
        )
        return headline_values(records)

    def test_hours_delivered_of_due(self, values):
        assert values["hours"] == Share(1800 * 4, 3600 * 4)

    def test_attendance_staff_coverage_churn(self, values):
        assert values["attendance"] == Share(1, 2)
        assert values["staff"] == Share(1, 2)
        assert values["need_coverage"] == Share(2, 4)
        assert values["churn"] == Share(1, 2)

    def test_students_never_offered_and_tutored(self, values):
        assert values["never_offered"] == Share(2, 4)
        assert values["tutoring"] == Share(1, 4)

    def test_a_survey_with_fewer_than_five_respondents_does_not_count(self, values):
        assert values["satisfaction"] == Share(3, 6)

    def test_outcomes_and_late_milestones(self, values):
        assert (values["repeat"], values["success"]) == (Share(1, 10), Share(6, 8))
        assert values["further_studies"] == Share(0, 0)
        assert values["milestones"] == 1

    def test_indicators_without_a_single_value_have_none(self, values):
        assert "modules" not in values


class TestThePackage:
    def test_every_public_name_is_importable_from_the_package(self):
        from appui.core import indicators

        missing = [name for name in indicators.__all__ if not hasattr(indicators, name)]
        assert missing == []

    def test_every_declared_indicator_is_importable_where_the_doc_says(self):
        from appui.core.indicators import declarations

        assert declarations.INDICATORS is INDICATORS


class TestThePilotageIndicators:
    """Training plan and instances (seed 001), checked by hand on a few records."""

    @pytest.fixture
    def records(self):
        from appui.core.indicators import MeetingRecord, TrainingRecord

        return ScopeRecords(
            as_of=DAY,
            # t1, t2 and t3 run AP groups; t4 teaches no AP; "x" runs a group but left.
            year_groups=[
                GroupRecord("G1", 1, "L", "M", "support", {"a"}, {"t1", "t2"}),
                GroupRecord("G2", 2, "L", "M", "support", {"b"}, {"t3", "x"}),
            ],
            teachers=["t1", "t2", "t3", "t4"],
            trainings=[
                TrainingRecord(1, "done", {"t1", "t4"}),
                TrainingRecord(2, "done", {"t1"}),
                # Registered but not done yet, or cancelled: nobody is trained by these.
                TrainingRecord(3, "planned", {"t2"}),
                TrainingRecord(4, "cancelled", {"t3"}),
            ],
            meetings=[
                MeetingRecord(1, "council", DAY - dt.timedelta(days=60)),
                MeetingRecord(2, "board", DAY - dt.timedelta(days=30)),
                MeetingRecord(3, "council", DAY),
                MeetingRecord(4, "teaching", DAY + dt.timedelta(days=1)),
            ],
        )

    def test_ap_teachers_trained_in_a_done_action(self, records):
        from appui.core.indicators import ap_staff, training_counts

        assert ap_staff(records.teachers, records.year_groups) == {"t1", "t2", "t3"}
        counts = training_counts(records.trainings)
        assert (counts.planned, counts.done, counts.cancelled) == (1, 2, 1)
        assert counts.trained == {"t1", "t4"}
        # Only t1 is both an AP teacher and trained: t4 teaches no AP.
        assert headline_values(records)["training"] == Share(1, 3)

    def test_meetings_held_are_counted_per_instance(self, records):
        from appui.core.indicators import instance_counts

        assert instance_counts(records.meetings, DAY) == {"council": 2, "board": 1}
        assert headline_values(records)["instances"] == 3

    def test_no_ap_teacher_gives_no_rate(self):
        assert headline_values(ScopeRecords(as_of=DAY))["training"] == Share(0, 0)
        assert Share(0, 0).rate is None

    def test_an_unknown_status_is_refused(self):
        from appui.core.indicators import TrainingRecord, training_counts

        with pytest.raises(ValueError):
            training_counts([TrainingRecord(1, "maybe")])

    def test_training_takes_targets_and_instances_are_a_count(self):
        assert INDICATORS["training"] in target_indicators()
        assert INDICATORS["instances"].unit is Unit.COUNT
        assert "instances" in {s.key for s in academy_indicators()}


class TestPartners:
    """Partners and resources mobilised (seed 001): by module or by session, per kind."""

    GROUPS = [
        GroupRecord(1, "p1", "L", "m1", "orientation", students={"a", "b"}),
        GroupRecord(2, "p1", "L", "m2", "soutien", students={"c"}),
        GroupRecord(3, "p1", "L", "m1", "orientation", students={"b", "d"}),
    ]

    def test_a_group_mobilises_its_module_partners_and_its_sessions_ones(self):
        from appui.core.indicators import MobilisationRecord, Mobilised, partner_mobilisation

        P, R = Mobilised.PARTNER, Mobilised.RESOURCE
        records = [
            # France Travail attached to module m1: groups 1 and 3.
            MobilisationRecord(P, "ft", "france_travail", 1),
            MobilisationRecord(P, "ft", "france_travail", 3),
            # The mission locale came to two sessions of group 1 and one of group 3.
            MobilisationRecord(P, "ml", "mission_locale", 1, session="s1"),
            MobilisationRecord(P, "ml", "mission_locale", 1, session="s2"),
            MobilisationRecord(P, "ml", "mission_locale", 3, session="s9"),
            # France Travail also came to session s1: one intervention, not two.
            MobilisationRecord(P, "ft", "france_travail", 1, session="s1"),
            MobilisationRecord(R, "avenirs", "avenirs", 2),
            # A group outside the scope is ignored.
            MobilisationRecord(P, "co", "entreprise", 99, session="s7"),
        ]
        summary = partner_mobilisation(self.GROUPS, records)
        assert summary.groups_with_partner == Share(2, 3)
        assert summary.groups_with_resource == Share(1, 3)
        assert (summary.partners, summary.resources, summary.interventions) == (2, 1, 3)
        kinds = {k.kind: k for k in summary.partner_kinds}
        assert set(kinds) == {"france_travail", "mission_locale"}
        ml, ft = kinds["mission_locale"], kinds["france_travail"]
        assert (ml.items, ml.groups, ml.sessions, ml.students) == (1, 2, 3, 3)
        assert (ft.items, ft.groups, ft.sessions, ft.students) == (1, 2, 1, 3)
        [avenirs] = summary.resource_kinds
        assert (avenirs.kind, avenirs.groups, avenirs.sessions, avenirs.students) == (
            "avenirs",
            1,
            0,
            1,
        )

    def test_nothing_mobilised_gives_empty_counts(self):
        from appui.core.indicators import partner_mobilisation

        summary = partner_mobilisation(self.GROUPS, [])
        assert summary.groups_with_partner == Share(0, 3) and summary.interventions == 0
        assert summary.partner_kinds == [] == summary.resource_kinds

    def test_it_is_declared_as_a_count_of_its_own_section(self):
        spec = INDICATORS["partners"]
        assert spec.unit is Unit.COUNT and spec.section == "partners" and not spec.headline
        assert "001" in spec.seeds
        assert spec not in target_indicators()
