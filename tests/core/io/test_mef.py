import pytest
from hypothesis import given
from hypothesis import strategies as st

from appui.core.io.mef import Track, level_from_mef


@pytest.mark.parametrize(
    ("code", "track", "year", "cycle_years", "short_label"),
    [
        ("24012345110", Track.CAP, 1, 1, "CAP 1 an"),
        ("24125402210", Track.CAP, 1, 2, "CAP 1/2"),
        ("24125402220", Track.CAP, 2, 2, "CAP 2/2"),
        ("24212345310", Track.CAP, 1, 3, "CAP 1/3"),
        ("24212345330", Track.CAP, 3, 3, "CAP 3/3"),
        ("24731005310", Track.BAC_PRO, 1, 3, "2de pro"),
        ("24731005320", Track.BAC_PRO, 2, 3, "1re pro"),
        ("24731005330", Track.BAC_PRO, 3, 3, "Tle pro"),
        ("10310026110", Track.COLLEGE, 3, 3, "3e prépa-métiers"),
        ("10010012110", Track.COLLEGE, 3, 3, "6e"),
        ("10110001110", Track.COLLEGE, 1, 3, "5e"),
        ("10210001110", Track.COLLEGE, 2, 3, "4e"),
        ("10310019110", Track.COLLEGE, 3, 3, "3e"),
    ],
)
def test_it_recognises_the_levels_appui_knows(code, track, year, cycle_years, short_label):
    level = level_from_mef(code)
    assert level is not None
    assert (level.track, level.year, level.cycle_years, level.short_label) == (
        track,
        year,
        cycle_years,
        short_label,
    )


def test_it_gives_the_lsu_cycle_of_college_levels():
    assert level_from_mef("10010012110").school_cycle == 3
    assert level_from_mef("10310019110").school_cycle == 4
    assert level_from_mef("24731005310").school_cycle is None


def test_it_labels_levels_in_french():
    assert level_from_mef("24125402220").label == "2e année de CAP en 2 ans"
    assert level_from_mef("24731005310").label == "Seconde professionnelle"
    assert level_from_mef("10310026110").label == "Troisième prépa-métiers"


@pytest.mark.parametrize(
    "code",
    [
        None,
        "",
        "2473100531",
        "247310053100",
        "24731005340",
        "24125402230",
        "24012345210",
        "99999999999",
    ],
)
def test_it_returns_none_for_unknown_or_inconsistent_codes(code):
    assert level_from_mef(code) is None


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_every_recognised_level_is_a_year_within_its_cycle(code):
    level = level_from_mef(code)
    if level is not None:
        assert 1 <= level.year <= level.cycle_years
        assert level.label and level.short_label and level.key
