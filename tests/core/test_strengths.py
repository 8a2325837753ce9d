"""The positive summary pupils and families see first (``appui/core/needs/strengths.py``)."""

import datetime as dt
import random

from hypothesis import given
from hypothesis import strategies as st

from appui.core.needs import (
    GoalTiming,
    Measure,
    MeasureSource,
    ModuleGoal,
    NeedKind,
    WorkNeed,
    compute_profile,
    positive_summary,
)
from appui.core.needs import ResultRecord as Result
from appui.core.scales import LsuLevel

SEPT = dt.date(2026, 9, 10)
OCT = dt.date(2026, 10, 15)
NOV = dt.date(2026, 11, 10)
LABELS = {
    "FR.ECR": "s'exprimer à l'écrit",
    "MA.CAL": "nombres et calcul",
    "ME.ORG": "s'organiser",
    "OR.PRJ": "construire son projet",
}


def diagnosis(code, value, day=SEPT):
    return Measure(code, day, value)


def mark(code, value, day=OCT):
    return Measure(code, day, value, MeasureSource.MARK)


def test_satisfactory_and_very_good_results_are_strengths_best_first():
    summary = positive_summary(
        [diagnosis("ME.ORG", 3), diagnosis("MA.CAL", 4), diagnosis("FR.ECR", 2)], labels=LABELS
    )
    assert [(s.competency, s.text) for s in summary.strengths] == [
        ("MA.CAL", "très bonne maîtrise"),
        ("ME.ORG", "maîtrise satisfaisante"),
    ]
    assert summary.strengths[1].label == "s'organiser"


def test_the_latest_assessment_decides_a_strength():
    summary = positive_summary([diagnosis("FR.ECR", 4, SEPT), diagnosis("FR.ECR", 2, NOV)])
    assert summary.strengths == ()
    assert summary.progress == ()


def test_a_rise_between_the_first_and_the_last_assessment_is_progress():
    summary = positive_summary(
        [diagnosis("FR.ECR", 1, SEPT), mark("FR.ECR", 2, OCT), diagnosis("FR.ECR", 3, NOV)],
        labels=LABELS,
    )
    (found,) = summary.progress
    assert (found.first, found.last, found.steps) == (
        LsuLevel.INSUFFICIENT,
        LsuLevel.SATISFACTORY,
        2,
    )
    assert (found.first_date, found.last_date) == (SEPT, NOV)
    assert found.text == "de maîtrise insuffisante à maîtrise satisfaisante"
    assert [s.competency for s in summary.strengths] == ["FR.ECR"]


def test_a_teacher_mark_counts_as_progress_before_any_new_diagnosis():
    summary = positive_summary([diagnosis("MA.CAL", 2, SEPT), mark("MA.CAL", 3, NOV)])
    assert [(p.competency, p.steps) for p in summary.progress] == [("MA.CAL", 1)]


def test_progress_starts_from_the_first_diagnosis_not_an_earlier_mark():
    summary = positive_summary(
        [mark("MA.CAL", 4, SEPT - dt.timedelta(days=7)), diagnosis("MA.CAL", 2), mark("MA.CAL", 4)]
    )
    (found,) = summary.progress
    assert (found.first, found.first_date, found.last) == (
        LsuLevel.FRAGILE,
        SEPT,
        LsuLevel.VERY_GOOD,
    )


def test_without_diagnosis_progress_starts_from_the_first_mark():
    summary = positive_summary([mark("MA.CAL", 1, SEPT), mark("MA.CAL", 2, NOV)])
    assert [(p.first, p.last) for p in summary.progress] == [
        (LsuLevel.INSUFFICIENT, LsuLevel.FRAGILE)
    ]


def test_on_one_day_the_teacher_mark_comes_after_the_diagnosis():
    summary = positive_summary([mark("MA.CAL", 2, NOV), diagnosis("MA.CAL", 4, NOV)])
    assert summary.strengths == ()


def test_two_contradicting_assessments_of_one_day_are_read_cautiously():
    same_day = [diagnosis("FR.ECR", 4, NOV), diagnosis("FR.ECR", 2, NOV)]
    summary = positive_summary(same_day)
    assert summary.strengths == ()
    assert summary.progress == ()
    assert positive_summary(list(reversed(same_day))) == summary


def test_progress_is_sorted_by_steps_climbed():
    summary = positive_summary(
        [
            diagnosis("ME.ORG", 2, SEPT),
            diagnosis("ME.ORG", 3, NOV),
            diagnosis("FR.ECR", 1, SEPT),
            diagnosis("FR.ECR", 4, NOV),
        ]
    )
    assert [p.competency for p in summary.progress] == ["FR.ECR", "ME.ORG"]


def test_needs_become_plain_aims_without_levels():
    summary = positive_summary(
        [],
        [
            WorkNeed("FR.ECR", NeedKind.REMEDIATION, 3),
            WorkNeed("MA.CAL", NeedKind.DEEPENING, 1),
            WorkNeed("OR.PRJ", NeedKind.ORIENTATION, 2),
            WorkNeed("ME.ORG", NeedKind.REMEDIATION, 0),
        ],
        labels=LABELS,
    )
    assert [w.text for w in summary.working_on] == [
        "S'exprimer à l'écrit : consolider les bases",
        "Nombres et calcul : aller plus loin",
        "Construire son projet : avancer dans son projet",
    ]
    for item in summary.working_on:
        assert not any(ch.isdigit() for ch in item.text)
        assert "besoin" not in item.text


def test_a_soutien_need_on_a_mastered_competency_reads_as_consolidating_what_is_gained():
    summary = positive_summary(
        [diagnosis("FR.ECR", 1, SEPT), diagnosis("FR.ECR", 3, NOV), diagnosis("MA.CAL", 2)],
        [WorkNeed("MA.CAL", NeedKind.REMEDIATION, 2), WorkNeed("FR.ECR", NeedKind.REMEDIATION, 1)],
        labels=LABELS,
    )
    assert [w.text for w in summary.working_on] == [
        "Nombres et calcul : consolider les bases",
        "S'exprimer à l'écrit : consolider ses acquis",
    ]


def test_the_profile_order_is_kept_and_a_competency_appears_once():
    summary = positive_summary(
        [],
        [
            WorkNeed("MA.CAL", "remediation", 2),
            WorkNeed("FR.ECR", "deepening", 3),
            WorkNeed("MA.CAL", "deepening", 1),
        ],
    )
    assert [(w.competency, w.kind) for w in summary.working_on] == [
        ("MA.CAL", NeedKind.REMEDIATION),
        ("FR.ECR", NeedKind.DEEPENING),
    ]
    assert summary.working_on[0].label == "MA.CAL"  # no label given: the code


def test_current_goals_are_kept_once_and_mark_the_aims_they_serve():
    goal = ModuleGoal("Écrire pour convaincre", "Rédiger un paragraphe argumenté", "FR.ECR")
    summary = positive_summary(
        [],
        [WorkNeed("FR.ECR", NeedKind.REMEDIATION, 2), WorkNeed("ME.ORG", NeedKind.REMEDIATION, 1)],
        [goal, goal],
    )
    assert summary.goals == (goal,)
    assert [(w.competency, w.in_module) for w in summary.working_on] == [
        ("FR.ECR", True),
        ("ME.ORG", False),
    ]


def test_a_module_that_ended_is_a_goal_but_no_longer_in_progress():
    ended = ModuleGoal("Écrire", "Rédiger", "FR.ECR", timing=GoalTiming.LAST)
    summary = positive_summary([], [WorkNeed("FR.ECR", NeedKind.REMEDIATION, 2)], [ended])
    assert summary.goals[0].timing is GoalTiming.LAST
    assert not summary.working_on[0].in_module


def test_an_empty_record_gives_an_empty_summary():
    assert positive_summary([]).is_empty
    assert positive_summary([diagnosis("FR.ECR", 1)]).is_empty
    assert not positive_summary(
        [diagnosis("FR.ECR", 1)], [WorkNeed("FR.ECR", NeedKind.REMEDIATION, 3)]
    ).is_empty


def test_a_satisfactory_pupil_has_strengths_and_nothing_to_work_on():
    """The issue's case: MS everywhere used to read as light needs; now it reads as strengths."""
    results = [Result("s1", code, 1, SEPT, "september_review", 3) for code in ("FR.ECR", "MA.CAL")]
    profile = compute_profile("s1", results)
    summary = positive_summary(
        [Measure(r.competency, r.campaign_date, r.value) for r in results],
        [WorkNeed(n.competency, n.kind, n.level) for n in profile.needs],
    )
    assert [s.competency for s in summary.strengths] == ["FR.ECR", "MA.CAL"]
    assert summary.working_on == ()


measures_st = st.lists(
    st.builds(
        Measure,
        st.sampled_from(["FR.ECR", "MA.CAL", "ME.ORG"]),
        st.sampled_from([SEPT, OCT, NOV]),
        st.sampled_from(list(LsuLevel)),
        st.sampled_from(list(MeasureSource)),
    ),
    max_size=8,
)


@given(measures_st, st.randoms(use_true_random=False))
def test_the_summary_does_not_depend_on_the_order_of_the_records(measures, rnd: random.Random):
    shuffled = list(measures)
    rnd.shuffle(shuffled)
    assert positive_summary(shuffled) == positive_summary(measures)


@given(measures_st)
def test_a_strength_is_always_a_satisfactory_or_better_latest_assessment(measures):
    summary = positive_summary(measures)
    for strength in summary.strengths:
        assert strength.value >= LsuLevel.SATISFACTORY
        latest = max(m.date for m in measures if m.competency == strength.competency)
        assert strength.date == latest
    for found in summary.progress:
        assert found.last > found.first
        assert found.last_date >= found.first_date
