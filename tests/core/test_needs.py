"""Need profiles: the rules R1–R7 of ``appui/core/needs/`` on hand-checked cases, then
properties on random records."""

import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appui.core.frameworks import DEFAULT_FRAMEWORK
from appui.core.needs import (
    DEFAULT_RULES,
    CampaignKind,
    EvidenceRole,
    EvidenceSource,
    Interview,
    NeedKind,
    NeedLevel,
    NeedRules,
    Observation,
    Project,
    ResultRecord,
    Signal,
    compute_profile,
    compute_profiles,
    level_summary,
    need_key,
    parse_need_key,
    profile_history,
    solver_needs,
)
from appui.core.scales import LsuLevel, NotAssessed

SEPT = dt.date(2026, 9, 10)
NOV = dt.date(2026, 11, 10)
JAN = dt.date(2027, 1, 12)


def result(value, code="FR.ECR", day=SEPT, campaign=1, student="s1", label=""):
    kind = CampaignKind.POSITIONING_TEST if day == SEPT else CampaignKind.PERIOD_REVIEW
    return ResultRecord(student, code, campaign, day, kind, value, label)


def seen(signal, day, author="M. Martin", code="FR.ECR", student="s1", **extra):
    return Observation(student, day, signal, author, code, **extra)


def interview(project, deepen=(), day=dt.date(2026, 9, 20), student="s1"):
    return Interview(student, day, project, frozenset(deepen))


def need(results, observations=(), interviews=(), code="FR.ECR"):
    profile = compute_profile("s1", results, observations, interviews)
    found = profile.need(code)
    assert found is not None
    return found


# --------------------------------------------------------------------------- R1 last result


@pytest.mark.parametrize(
    ("value", "support", "level", "kind"),
    [
        (1, 3, 3, NeedKind.REMEDIATION),
        (2, 2, 2, NeedKind.REMEDIATION),
        (3, 0, 0, NeedKind.REMEDIATION),  # satisfactory: no need, and no reason to deepen
        (4, 0, 1, NeedKind.DEEPENING),  # strong: the student can go further (seed 004)
    ],
)
def test_a_result_sets_the_need_level(value, support, level, kind):
    found = need([result(value)])
    assert (found.level, found.kind) == (level, kind)
    assert found.support_level == support


def test_a_satisfactory_result_is_not_a_need():
    profile = compute_profile("s1", [result(3)])
    found = profile.need("FR.ECR")
    assert found is not None
    assert (found.level, found.priority) == (0, None)
    assert profile.priorities() == ()
    assert found.reason == (
        "Dernier résultat : maîtrise satisfaisante (MS), test de positionnement du 10/09/2026 "
        "→ aucun besoin (0). Aucun besoin retenu."
    )


def test_a_satisfactory_result_with_strengths_observed_since_is_deepening():
    found = need([result(3)], [seen(Signal.STRENGTH, NOV)])
    assert (found.support_level, found.level, found.kind) == (0, 1, NeedKind.DEEPENING)


def test_the_most_recent_campaign_sets_the_level():
    found = need([result(4, day=SEPT), result(2, day=NOV, campaign=2)])
    assert found.level == NeedLevel.MARKED
    roles = {e.ref: e.role for e in found.evidence}
    assert roles == {2: EvidenceRole.LATEST, 1: EvidenceRole.PREVIOUS}


def test_results_given_in_any_order_give_the_same_need():
    records = [result(1, day=SEPT), result(3, day=NOV, campaign=2), result(4, day=JAN, campaign=3)]
    assert need(records) == need(list(reversed(records)))


def test_several_results_on_one_date_are_averaged_upwards():
    same_day = [result(1, campaign=1), result(2, campaign=2)]  # needs 3 and 2: 2.5 -> 3
    assert need(same_day).level == 3
    rounded_up = [result(2, campaign=1), result(3, campaign=2)]  # needs 2 and 0: mean 1
    found = need(rounded_up)
    assert found.level == 1
    assert "Derniers résultats du 10/09/2026 : MF, MS" in found.reason


# --------------------------------------------------------------------------- R2 progress


@pytest.mark.parametrize(
    ("before", "after", "support"),
    [
        (1, 3, 1),  # need 3 then none: one step kept
        (1, 4, 1),
        (2, 4, 1),
        (2, 3, 1),  # need 2 then none: one step kept
        (1, 2, 2),  # one step of progress: nothing kept
        (4, 1, 3),  # a drop is taken at once
        (3, 3, 0),  # a second satisfactory result in a row: no need left
        (4, 3, 0),
    ],
)
def test_rapid_progress_keeps_one_step_of_need(before, after, support):
    found = need([result(before, day=SEPT), result(after, day=NOV, campaign=2)])
    assert found.support_level == support


def test_only_the_previous_campaign_tempers():
    found = need(
        [result(1, day=SEPT), result(4, day=NOV, campaign=2), result(4, day=JAN, campaign=3)]
    )
    assert found.support_level == 0
    assert [e.role for e in found.evidence] == [
        EvidenceRole.LATEST,
        EvidenceRole.PREVIOUS,
        EvidenceRole.HISTORY,
    ]


def test_the_reason_explains_the_progress_rule():
    found = need([result(1, day=SEPT), result(3, day=NOV, campaign=2)])
    assert found.reason == (
        "Dernier résultat : maîtrise satisfaisante (MS), re-diagnostic de fin de période du "
        "10/11/2026 → aucun besoin (0). Progrès rapide depuis le 10/09/2026 (MI) : un cran de "
        "besoin est maintenu pour consolider → besoin léger (1). Besoin retenu : soutien / "
        "remédiation, léger (1)."
    )


# --------------------------------------------------------------------------- R3 observations


def test_a_difficulty_observed_since_the_result_adds_a_step():
    found = need([result(2)], [seen(Signal.DIFFICULTY, SEPT + dt.timedelta(days=5))])
    assert found.level == 3
    assert any(e.role is EvidenceRole.CONFIRMS for e in found.evidence)


def test_an_observation_on_the_day_of_the_result_counts():
    assert need([result(2)], [seen(Signal.DIFFICULTY, SEPT)]).level == 3


def test_observations_before_the_result_are_history():
    found = need([result(2)], [seen(Signal.DIFFICULTY, SEPT - dt.timedelta(days=1))])
    assert found.level == 2
    assert [e.role for e in found.evidence if e.source is EvidenceSource.OBSERVATION] == [
        EvidenceRole.HISTORY
    ]


def test_a_strength_observed_since_the_result_removes_a_step():
    found = need([result(2)], [seen(Signal.STRENGTH, NOV)])
    assert found.level == 1
    assert "1 difficulté" not in found.reason
    assert "0 difficulté observée et 1 point fort observé → un cran de moins" in found.reason


def test_balanced_observations_change_nothing():
    observations = [seen(Signal.STRENGTH, NOV), seen(Signal.DIFFICULTY, NOV, "Mme Roux")]
    assert need([result(2)], observations).level == 2


def test_observations_move_the_level_one_step_at_most():
    observations = [seen(Signal.DIFFICULTY, NOV, author) for author in ("A", "B", "C")]
    assert need([result(3)], observations).level == 1
    found = need([result(1)], observations)
    assert found.level == 3
    assert "besoin confirmé" in found.reason


# --------------------------------------------------------------------------- R4 no results


def test_without_results_two_observers_make_a_marked_need():
    observations = [seen(Signal.DIFFICULTY, SEPT, "A"), seen(Signal.DIFFICULTY, NOV, "B")]
    found = need([], observations)
    assert (found.level, found.kind) == (2, NeedKind.REMEDIATION)
    assert found.reason.startswith("Aucun résultat de diagnostic ; 2 difficultés observées")


def test_without_results_one_observer_makes_a_light_need():
    observations = [seen(Signal.DIFFICULTY, SEPT, "A"), seen(Signal.DIFFICULTY, NOV, "A")]
    assert need([], observations).level == 1


def test_without_results_observed_strengths_suggest_deepening():
    found = need([], [seen(Signal.STRENGTH, SEPT)])
    assert (found.level, found.kind) == (1, NeedKind.DEEPENING)
    assert "points forts observés" in found.reason


# --------------------------------------------------------------------------- R5 orientation


@pytest.mark.parametrize(
    ("project", "code", "level"),
    [
        (Project.UNDECIDED, "OR.PRJ", 2),
        (Project.FURTHER_STUDIES, "OR.ETU", 2),
        (Project.BRIDGE, "OR.PAS", 2),
        (Project.INSERTION, "OR.INS", 1),
    ],
)
def test_the_project_gives_an_orientation_need(project, code, level):
    found = need([], interviews=[interview(project)], code=code)
    assert (found.level, found.kind) == (level, NeedKind.ORIENTATION)
    assert [e.role for e in found.evidence] == [EvidenceRole.PROJECT]


def test_an_orientation_result_and_the_project_take_the_highest():
    found = need(
        [result(1, code="OR.ETU")], interviews=[interview(Project.FURTHER_STUDIES)], code="OR.ETU"
    )
    assert (found.level, found.kind) == (3, NeedKind.ORIENTATION)


def test_orientation_competencies_are_never_deepening_or_remediation():
    strong = need([result(4, code="OR.PRJ")], code="OR.PRJ")
    assert (strong.level, strong.kind) == (0, NeedKind.ORIENTATION)
    weak = need([result(2, code="OR.PRJ")], code="OR.PRJ")
    assert (weak.level, weak.kind) == (2, NeedKind.ORIENTATION)


def test_asking_to_work_on_orientation_gives_a_light_need():
    found = need([], interviews=[interview(Project.INSERTION, {"OR.ETU"})], code="OR.ETU")
    assert (found.level, found.kind) == (1, NeedKind.ORIENTATION)


# --------------------------------------------------------------------------- R6 deepening


def test_a_strong_student_who_wants_to_deepen_gets_a_marked_deepening_need():
    found = need([result(4)], interviews=[interview(Project.INSERTION, {"FR.ECR"})])
    assert (found.level, found.kind) == (2, NeedKind.DEEPENING)
    assert {e.role for e in found.evidence} == {EvidenceRole.LATEST, EvidenceRole.WISH}


@pytest.mark.parametrize("project", [Project.FURTHER_STUDIES, Project.BRIDGE])
def test_aiming_higher_adds_deepening_on_disciplinary_competencies(project):
    found = need([result(4)], interviews=[interview(project, {"FR.ECR"})])
    assert (found.level, found.kind) == (3, NeedKind.DEEPENING)
    assert found.reason == (
        "Dernier résultat : très bonne maîtrise (TBM), test de positionnement du 10/09/2026 "
        "→ aucun besoin (0). Approfondissement : compétence maîtrisée, souhait de l'élève "
        f"(entretien du 20/09/2026), projet « {project.label} » → niveau fort (3). "
        "Besoin retenu : approfondissement, fort (3)."
    )


def test_a_satisfactory_student_aiming_at_further_studies_deepens():
    found = need([result(3)], interviews=[interview(Project.FURTHER_STUDIES)])
    assert (found.level, found.kind) == (1, NeedKind.DEEPENING)
    assert found.support_level == 0


def test_a_light_need_aiming_at_further_studies_deepens_not_remediates():
    found = need([result(3)], [seen(Signal.DIFFICULTY, NOV)], [interview(Project.FURTHER_STUDIES)])
    assert (found.support_level, found.level, found.kind) == (1, 1, NeedKind.DEEPENING)


def test_the_project_does_not_turn_transversal_support_into_deepening():
    found = need(
        [result(2, code="ME.ORG")], interviews=[interview(Project.FURTHER_STUDIES)], code="ME.ORG"
    )
    assert (found.level, found.kind) == (2, NeedKind.REMEDIATION)
    satisfactory = need(
        [result(3, code="ME.ORG")], interviews=[interview(Project.FURTHER_STUDIES)], code="ME.ORG"
    )
    assert satisfactory.level == 0


def test_an_insertion_project_does_not_trigger_deepening():
    found = need([result(3)], interviews=[interview(Project.INSERTION)])
    assert found.level == 0
    light = need([result(3)], [seen(Signal.DIFFICULTY, NOV)], [interview(Project.INSERTION)])
    assert (light.level, light.kind) == (1, NeedKind.REMEDIATION)


def test_a_wish_to_deepen_does_not_hide_a_difficulty():
    found = need([result(2)], interviews=[interview(Project.FURTHER_STUDIES, {"FR.ECR"})])
    assert (found.level, found.kind) == (2, NeedKind.REMEDIATION)
    assert "d'abord un besoin de soutien" in found.reason
    assert [e.role for e in found.evidence if e.source is EvidenceSource.INTERVIEW] == [
        EvidenceRole.HISTORY
    ]


def test_a_wish_alone_gives_a_light_deepening_need():
    found = need([], interviews=[interview(Project.INSERTION, {"ME.MEM"})], code="ME.MEM")
    assert (found.level, found.kind) == (1, NeedKind.DEEPENING)


def test_the_latest_interview_wins():
    interviews = [
        interview(Project.UNDECIDED, day=dt.date(2026, 9, 20)),
        interview(Project.BRIDGE, day=dt.date(2026, 12, 1)),
    ]
    profile = compute_profile("s1", [], [], interviews)
    assert profile.project is Project.BRIDGE
    assert profile.need("OR.PRJ") is None
    assert profile.level("OR.PAS") == 2


# --------------------------------------------------------------------------- profile


def test_not_assessed_results_are_ignored():
    profile = compute_profile("s1", [result(NotAssessed.ABSENT)])
    assert profile.needs == ()
    found = need([result(2, day=SEPT), result(NotAssessed.EXEMPT, day=NOV, campaign=2)])
    assert found.level == 2
    assert len(found.evidence) == 1


def test_needs_are_ranked_by_level_then_kind_then_code():
    profile = compute_profile(
        "s1",
        [
            result(2, code="MA.CAL"),
            result(1, code="FR.LEC"),
            result(2, code="FR.ECR"),
            result(4, code="MA.GEO"),
            result(3, code="MA.PRO"),  # satisfactory: deepening only for the project
            result(3, code="NU.OUT"),  # satisfactory: no need, no rank
        ],
        [seen(Signal.DIFFICULTY, NOV, code="ME.ORG")],
        [interview(Project.FURTHER_STUDIES, {"MA.GEO"})],
    )
    ranked = [(n.priority, n.competency, int(n.level), n.kind.value) for n in profile.needs]
    assert ranked == [
        (1, "FR.LEC", 3, "remediation"),
        (2, "MA.GEO", 3, "deepening"),
        (3, "FR.ECR", 2, "remediation"),
        (4, "MA.CAL", 2, "remediation"),
        (5, "OR.ETU", 2, "orientation"),
        (6, "ME.ORG", 1, "remediation"),
        (7, "MA.PRO", 1, "deepening"),
        (None, "NU.OUT", 0, "remediation"),
    ]
    assert profile.priorities() == profile.needs[:-1]


def test_level_zero_needs_have_no_priority_and_come_last():
    profile = compute_profile(
        "s1", [result(4, code="ME.ORG"), result(2)], [seen(Signal.STRENGTH, NOV, code="ME.ORG")]
    )
    assert [(n.competency, n.priority) for n in profile.needs] == [("FR.ECR", 1), ("ME.ORG", 2)]
    neutral = compute_profile(
        "s1", [], [seen(Signal.STRENGTH, NOV), seen(Signal.DIFFICULTY, NOV, "B")]
    )
    assert [(n.competency, n.level, n.priority) for n in neutral.needs] == [("FR.ECR", 0, None)]


def test_evidence_names_campaigns_and_dates_newest_first():
    found = need(
        [result(1, day=SEPT, label="Rentrée"), result(2, day=NOV, campaign=2, label="Période 1")],
        [seen(Signal.DIFFICULTY, dt.date(2026, 12, 1))],
    )
    assert [e.summary for e in found.evidence] == [
        "Difficulté observée le 01/12/2026 par M. Martin",
        "Re-diagnostic de fin de période « Période 1 » du 10/11/2026 : maîtrise fragile (MF)",
        "Test de positionnement « Rentrée » du 10/09/2026 : maîtrise insuffisante (MI)",
    ]
    assert found.evidence[1].value is LsuLevel.FRAGILE
    assert found.evidence[1].campaign_kind is CampaignKind.PERIOD_REVIEW


def test_a_restricted_note_never_reaches_summaries_or_reasons():
    note = "Situation familiale difficile"
    found = need([result(2)], [seen(Signal.DIFFICULTY, NOV, note=note, restricted=True)])
    observation = next(e for e in found.evidence if e.source is EvidenceSource.OBSERVATION)
    assert observation.restricted and observation.note == note
    assert note not in found.reason
    assert all(note not in e.summary for e in found.evidence)


def test_observations_on_the_student_overall_are_context_only():
    profile = compute_profile(
        "s1",
        [result(2)],
        [Observation("s1", NOV, Signal.DIFFICULTY, "CPE")],
        [interview(Project.INSERTION)],
    )
    assert profile.level("FR.ECR") == 2
    assert [(e.source, e.role) for e in profile.general] == [
        (EvidenceSource.OBSERVATION, EvidenceRole.CONTEXT),
        (EvidenceSource.INTERVIEW, EvidenceRole.CONTEXT),
    ]


def test_records_of_other_students_are_ignored():
    profile = compute_profile(
        "s1", [result(1, student="s2")], [seen(Signal.DIFFICULTY, NOV, student="s2")]
    )
    assert profile.needs == ()


def test_as_of_shows_the_profile_as_it_stood():
    records = [result(1, day=SEPT), result(4, day=NOV, campaign=2)]
    before = compute_profile("s1", records, as_of=dt.date(2026, 10, 1))
    assert before.level("FR.ECR") == 3
    history = profile_history("s1", records + [result(1, student="s2")])
    assert [(day, p.level("FR.ECR")) for day, p in history] == [(SEPT, 3), (NOV, 1)]


def test_profiles_cover_every_student_in_a_stable_order():
    profiles = compute_profiles(
        [result(2, student="b"), result(3, student="a")],
        interviews=[interview(Project.UNDECIDED, student=7)],
        students=["c", 3],
    )
    assert list(profiles) == [3, 7, "a", "b", "c"]
    assert profiles["c"].needs == ()
    assert profiles["b"].level("FR.ECR") == 2


# --------------------------------------------------------------------------- consumers


def test_solver_needs_lists_every_competency_asked():
    profile = compute_profile("s1", [result(1), result(4, code="MA.GEO")])
    assert solver_needs(profile, ["ME.ORG"]) == {"FR.ECR": 3, "MA.GEO": 1, "ME.ORG": 0}
    assert solver_needs(profile, kinds={NeedKind.REMEDIATION}) == {"FR.ECR": 3, "MA.GEO": 0}


def test_solver_needs_can_key_deepening_apart():
    profile = compute_profile("s1", [result(1), result(4, code="MA.GEO")])
    assert solver_needs(profile, ["ME.ORG"], split_deepening=True) == {
        "FR.ECR": 3,
        "FR.ECR+": 0,
        "MA.GEO": 0,
        "MA.GEO+": 1,
        "ME.ORG": 0,
        "ME.ORG+": 0,
    }


def test_level_summary_counts_students_per_level_and_kind():
    profiles = compute_profiles(
        [
            result(1, student="a"),
            result(1, student="b"),
            result(4, student="c"),
            result(2, code="MA.CAL", student="a"),
        ],
        students=["d"],
    )
    summary = level_summary(profiles.values(), ["ME.ORG"])
    assert list(summary) == ["FR.ECR", "MA.CAL", "ME.ORG"]
    french = summary["FR.ECR"]
    assert french.by_level == (0, 1, 0, 2)
    assert french.by_kind[NeedKind.DEEPENING] == (0, 1, 0, 0)
    assert french.by_kind[NeedKind.REMEDIATION] == (0, 0, 0, 2)
    assert french.no_data == 1
    assert french.total == 4
    assert summary["ME.ORG"].by_level == (0, 0, 0, 0)
    assert summary["ME.ORG"].no_data == 4


def test_satisfactory_results_leave_the_heatmap_and_the_solver_uncoloured():
    profiles = compute_profiles(
        [result(3, student="a"), result(3, student="b"), result(2, student="c")]
    )
    assert level_summary(profiles.values())["FR.ECR"].by_level == (2, 0, 1, 0)
    assert solver_needs(profiles["a"]) == {"FR.ECR": 0}
    assert solver_needs(profiles["c"]) == {"FR.ECR": 2}


# --------------------------------------------------------------------------- records, rules


def test_result_records_take_ints_and_strings():
    record = ResultRecord("s1", "FR.ECR", 1, SEPT, "september_review", 3)
    assert record.value is LsuLevel.SATISFACTORY
    assert record.campaign_kind is CampaignKind.SEPTEMBER_REVIEW


@pytest.mark.parametrize("value", [0, 5, "3", True, 2.0])
def test_result_records_refuse_values_off_the_scale(value):
    with pytest.raises(ValueError, match="attendu 1 à 4"):
        ResultRecord("s1", "FR.ECR", 1, SEPT, CampaignKind.OTHER, value)


def test_default_rules_follow_the_framework():
    assert DEFAULT_RULES.disciplinary == DEFAULT_FRAMEWORK.disciplinary_codes()
    assert DEFAULT_RULES.orientation == DEFAULT_FRAMEWORK.orientation_codes()
    target = DEFAULT_RULES.target(Project.BRIDGE)
    assert target is not None and (target.competency, target.level) == ("OR.PAS", 2)
    assert DEFAULT_RULES.target(None) is None


def test_rules_drop_targets_missing_from_the_framework():
    rules = NeedRules.from_framework(DEFAULT_FRAMEWORK, {Project.UNDECIDED: ("XX.YY", 2)})
    assert rules.project_targets == ()
    assert compute_profile("s1", [], [], [interview(Project.UNDECIDED)], rules=rules).needs == ()


# --------------------------------------------------------------------------- properties

CODES = ["FR.ECR", "ME.ORG", "OR.ETU", "OR.PRJ"]
DAYS = st.integers(min_value=0, max_value=90).map(lambda n: SEPT + dt.timedelta(days=n))

results_st = st.builds(
    ResultRecord,
    student=st.sampled_from(["a", "b"]),
    competency=st.sampled_from(CODES),
    campaign=st.integers(1, 4),
    campaign_date=DAYS,
    campaign_kind=st.sampled_from(CampaignKind),
    value=st.sampled_from([*LsuLevel, NotAssessed.ABSENT]),
)
observations_st = st.builds(
    Observation,
    student=st.sampled_from(["a", "b"]),
    date=DAYS,
    signal=st.sampled_from(Signal),
    author=st.sampled_from(["A", "B", "C"]),
    competency=st.sampled_from([*CODES, None]),
)
interviews_st = st.builds(
    Interview,
    student=st.sampled_from(["a", "b"]),
    date=DAYS,
    project=st.sampled_from(Project),
    deepen=st.frozensets(st.sampled_from(CODES), max_size=2),
)
data_st = st.tuples(
    st.lists(results_st, max_size=12),
    st.lists(observations_st, max_size=6),
    st.lists(interviews_st, max_size=2),
)


@given(data_st)
def test_levels_stay_between_0_and_3_with_evidence_behind_every_need(data):
    results, observations, interviews = data
    for profile in compute_profiles(results, observations, interviews).values():
        for found in profile.needs:
            assert 0 <= found.level <= 3
            assert 0 <= found.support_level <= 3
            if found.level > 0:
                assert any(e.role.counted for e in found.evidence)
                assert found.reason
        assert [n.priority for n in profile.priorities()] == list(
            range(1, len(profile.priorities()) + 1)
        )
        levels = [n.level for n in profile.priorities()]
        assert levels == sorted(levels, reverse=True)


@given(data_st, st.randoms(use_true_random=False))
def test_the_order_of_records_does_not_matter(data, rng: random.Random):
    results, observations, interviews = data
    expected = compute_profiles(results, observations, interviews)
    for records in (results, observations, interviews):
        rng.shuffle(records)
    assert compute_profiles(results, observations, interviews) == expected


@given(data_st, st.integers(min_value=0))
def test_a_worse_result_never_lowers_the_need(data, pick):
    results, observations, interviews = data
    assessed = [i for i, r in enumerate(results) if isinstance(r.value, LsuLevel) and r.value > 1]
    if not assessed:
        return
    index = assessed[pick % len(assessed)]
    worse = list(results)
    worse[index] = ResultRecord(
        results[index].student,
        results[index].competency,
        results[index].campaign,
        results[index].campaign_date,
        results[index].campaign_kind,
        LsuLevel(results[index].value - 1),
    )
    before = compute_profiles(results, observations, interviews)
    after = compute_profiles(worse, observations, interviews)
    for student, profile in before.items():
        for found in profile.needs:
            other = after[student].need(found.competency)
            assert other is not None
            assert other.support_level >= found.support_level
            if found.kind is NeedKind.ORIENTATION:
                assert other.level >= found.level
            else:
                assert other.remediation_level >= found.remediation_level


@given(data_st)
def test_solver_needs_and_summary_agree_with_profiles(data):
    results, observations, interviews = data
    profiles = compute_profiles(results, observations, interviews, students=["a", "b"])
    for profile in profiles.values():
        values = solver_needs(profile, CODES)
        assert set(values) >= set(CODES)
        assert all(0 <= v <= 3 for v in values.values())
        assert all(values[n.competency] == n.level for n in profile.needs)
    for item in level_summary(profiles.values(), CODES).values():
        assert item.total == len(profiles)
        assert sum(sum(counts) for counts in item.by_kind.values()) == sum(item.by_level)


small_results_st = st.lists(
    st.builds(
        ResultRecord,
        student=st.just("a"),
        competency=st.sampled_from(["FR.ECR", "OR.ETU"]),
        campaign=st.integers(1, 3),
        campaign_date=st.sampled_from([SEPT, NOV, JAN]),
        campaign_kind=st.just(CampaignKind.OTHER),
        value=st.sampled_from(LsuLevel),
    ),
    min_size=1,
    max_size=5,
)


@given(
    small_results_st,
    st.lists(
        observations_st.map(lambda o: Observation("a", o.date, o.signal, o.author, "FR.ECR")),
        max_size=2,
    ),
    st.lists(interviews_st.map(lambda i: Interview("a", i.date, i.project, i.deepen)), max_size=1),
    st.integers(min_value=0),
)
def test_a_worse_result_never_lowers_the_need_on_one_competency(
    results, observations, interviews, pick
):
    index = pick % len(results)
    if results[index].value == LsuLevel.INSUFFICIENT:
        return
    record = results[index]
    worse = [
        *results[:index],
        ResultRecord(
            "a",
            record.competency,
            record.campaign,
            record.campaign_date,
            record.campaign_kind,
            LsuLevel(record.value - 1),
        ),
        *results[index + 1 :],
    ]
    before = compute_profile("a", results, observations, interviews)
    after = compute_profile("a", worse, observations, interviews)
    for found in before.needs:
        other = after.need(found.competency)
        assert other is not None
        assert other.support_level >= found.support_level
        assert max(
            other.remediation_level, other.level if other.kind is NeedKind.ORIENTATION else 0
        ) >= (found.remediation_level if found.kind is not NeedKind.ORIENTATION else found.level)


def test_a_deepening_need_is_keyed_with_a_plus_and_read_back():
    assert need_key("FR.ECR", deepening=True) == "FR.ECR+"
    assert need_key("FR.ECR", deepening=False) == "FR.ECR"
    assert parse_need_key("FR.ECR+") == ("FR.ECR", True)
    assert parse_need_key("FR.ECR") == ("FR.ECR", False)


@given(st.sampled_from(CODES), st.booleans())
def test_parse_need_key_reads_back_what_need_key_wrote(code, deepening):
    assert parse_need_key(need_key(code, deepening)) == (code, deepening)
