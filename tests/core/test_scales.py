"""The LSU scale, score mapping and parsing of typed values."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appui.core.scales import (
    DEFAULT_THRESHOLDS,
    LsuLevel,
    NotAssessed,
    Scale,
    ScaleError,
    ScoreThresholds,
    format_assessment,
    level_from_score,
    parse_assessment,
    parse_score,
)


def test_levels_carry_lsu_labels_and_codes():
    assert [(int(level), level.code, level.label) for level in LsuLevel] == [
        (1, "MI", "Maîtrise insuffisante"),
        (2, "MF", "Maîtrise fragile"),
        (3, "MS", "Maîtrise satisfaisante"),
        (4, "TBM", "Très bonne maîtrise"),
    ]


def test_not_assessed_reasons_have_codes_and_labels():
    assert NotAssessed.ABSENT.code == "abs"
    assert NotAssessed.EXEMPT.label == "Dispensé"


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0, LsuLevel.INSUFFICIENT),
        (Decimal("24.99"), LsuLevel.INSUFFICIENT),
        (25, LsuLevel.FRAGILE),
        (49.9, LsuLevel.FRAGILE),
        (50, LsuLevel.SATISFACTORY),
        (Decimal("74.999"), LsuLevel.SATISFACTORY),
        (75, LsuLevel.VERY_GOOD),
        (100, LsuLevel.VERY_GOOD),
    ],
)
def test_it_maps_scores_on_four_equal_bands(score, level):
    assert level_from_score(score) is level


@pytest.mark.parametrize("score", [-1, Decimal("100.01"), 250, float("nan"), True])
def test_it_refuses_scores_outside_0_to_100(score):
    with pytest.raises(ScaleError) as error:
        level_from_score(score)
    assert "entre 0 et 100" in str(error.value)


def test_a_school_can_choose_its_thresholds():
    strict = ScoreThresholds(Decimal(40), Decimal(60), Decimal(80))
    assert level_from_score(39, strict) is LsuLevel.INSUFFICIENT
    assert level_from_score(79, strict) is LsuLevel.SATISFACTORY
    assert level_from_score(80, strict) is LsuLevel.VERY_GOOD


@pytest.mark.parametrize("bounds", [(0, 50, 75), (50, 50, 75), (25, 80, 75), (25, 50, 101)])
def test_it_refuses_thresholds_out_of_order(bounds):
    with pytest.raises(ValueError, match="Seuils invalides"):
        ScoreThresholds(*(Decimal(b) for b in bounds))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", LsuLevel.INSUFFICIENT),
        (" 4 ", LsuLevel.VERY_GOOD),
        ("mi", LsuLevel.INSUFFICIENT),
        ("MF", LsuLevel.FRAGILE),
        ("Ms", LsuLevel.SATISFACTORY),
        ("TBM", LsuLevel.VERY_GOOD),
        ("Maîtrise insuffisante", LsuLevel.INSUFFICIENT),
        ("maitrise fragile", LsuLevel.FRAGILE),
        ("SATISFAISANTE", LsuLevel.SATISFACTORY),
        ("Très bonne maîtrise", LsuLevel.VERY_GOOD),
        ("tres  bonne", LsuLevel.VERY_GOOD),
        ("abs", NotAssessed.ABSENT),
        ("Absent", NotAssessed.ABSENT),
        ("disp", NotAssessed.EXEMPT),
        ("Dispensée", NotAssessed.EXEMPT),
        ("NE", NotAssessed.NOT_EVALUATED),
    ],
)
def test_it_parses_lsu_input(text, expected):
    assert parse_assessment(text) is expected


@pytest.mark.parametrize("text", [None, "", "   "])
def test_a_blank_cell_means_nothing_entered(text):
    assert parse_assessment(text) is None
    assert parse_assessment(text, Scale.SCORE_100) is None


@pytest.mark.parametrize("text", ["5", "0", "A", "72", "bien", "1,5"])
def test_it_refuses_unknown_lsu_input_in_french(text):
    with pytest.raises(ScaleError) as error:
        parse_assessment(text)
    message = str(error.value)
    assert f"« {text} » non reconnue" in message
    assert "saisir 1, 2, 3 ou 4" in message
    assert error.value.value == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("72", LsuLevel.SATISFACTORY),
        ("24,9", LsuLevel.INSUFFICIENT),
        ("25.0", LsuLevel.FRAGILE),
        ("75 %", LsuLevel.VERY_GOOD),
        ("80/100", LsuLevel.VERY_GOOD),
        ("3", LsuLevel.INSUFFICIENT),  # a score of 3 out of 100, not level 3
        ("abs", NotAssessed.ABSENT),
        ("TBM", LsuLevel.VERY_GOOD),
    ],
)
def test_it_parses_scores_on_a_numeric_campaign(text, expected):
    assert parse_assessment(text, Scale.SCORE_100) is expected


def test_it_refuses_scores_above_100_in_french():
    with pytest.raises(ScaleError, match="hors de l'échelle"):
        parse_assessment("120", Scale.SCORE_100)


@pytest.mark.parametrize("text", ["-3", "douze", "12 pts", "1e2"])
def test_it_refuses_what_is_not_a_score(text):
    with pytest.raises(ScaleError, match="non reconnue"):
        parse_score(text)


def test_it_formats_cells():
    assert format_assessment(LsuLevel.FRAGILE) == "MF"
    assert format_assessment(NotAssessed.EXEMPT) == "disp"
    assert format_assessment(None) == ""


def test_scales_have_french_labels():
    assert Scale.LSU.label == "Échelle LSU à quatre niveaux"


@given(st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=2, max_size=2))
def test_a_higher_score_never_gives_a_lower_level(pair):
    low, high = sorted(pair)
    assert level_from_score(low) <= level_from_score(high)


@given(st.decimals(min_value=0, max_value=100, places=1))
def test_typed_scores_map_like_numbers(score):
    text = format(score, "f").replace(".", ",")
    assert parse_assessment(text, Scale.SCORE_100) is level_from_score(score, DEFAULT_THRESHOLDS)


@given(st.sampled_from([*LsuLevel, *NotAssessed]))
def test_formatting_then_parsing_gives_the_value_back(value):
    assert parse_assessment(format_assessment(value)) is value
    assert parse_assessment(value.label) is value
