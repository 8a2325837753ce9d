import pytest
from hypothesis import given
from hypothesis import strategies as st

from appui.core.io.mef import Scheme, Track, level_from_mef, scheme_of


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
        ("16410002110", Track.COLLEGE, 3, 3, "6e SEGPA"),
        ("16510002110", Track.COLLEGE, 1, 3, "5e SEGPA"),
        ("16610002110", Track.COLLEGE, 2, 3, "4e SEGPA"),
        ("16710002110", Track.COLLEGE, 3, 3, "3e SEGPA"),
        ("20010017110", Track.GT, 1, 3, "2nde GT"),
        ("20110019110", Track.GT, 2, 3, "1re G"),
        ("20210019110", Track.GT, 3, 3, "Tle G"),
        ("21031010110", Track.GT, 1, 3, "2nde spécifique"),
        ("21131016110", Track.GT, 2, 3, "1re techno"),
        ("21231016110", Track.GT, 3, 3, "Tle techno"),
        ("25022005210", Track.BMA, 1, 2, "BMA 1/2"),
        ("25022005220", Track.BMA, 2, 2, "BMA 2/2"),
        ("25322103110", Track.MC, 1, 1, "MC"),
        ("32031213210", Track.POST_BAC, 1, 2, "BTS 1/2"),
        ("32031213220", Track.POST_BAC, 2, 2, "BTS 2/2"),
        ("30111001210", Track.POST_BAC, 1, 2, "Post-bac 1/2"),
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
        "20510019110",  # a lycée GT dispositif appui does not know: « à préciser »
        "25322103220",  # an MC is a one-year training
        "32031213230",  # year 3 of a 2-year BTS
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


def test_segpa_levels_carry_their_scheme_and_post_bac_ones_have_no_ap():
    assert level_from_mef("16510002110").scheme is Scheme.SEGPA
    assert level_from_mef("10110001110").scheme is Scheme.NONE
    assert level_from_mef("32031213210").has_ap is False
    assert level_from_mef("20010017110").has_ap is True


@pytest.mark.parametrize(
    ("mef", "division", "groups", "label", "scheme"),
    [
        ("16410002110", "6SA", (), None, Scheme.SEGPA),
        ("10010012110", "6A", ("ULIS",), None, Scheme.ULIS),
        ("10010012110", "6A", ("6A_AP1", "GR-ULIS2"), None, Scheme.ULIS),
        ("10110001110", "5 UPE2A", (), None, Scheme.UPE2A),
        ("10110001110", "6segpa b", (), None, Scheme.SEGPA),
        ("99999999999", "X1", (), "Dispositif ULIS collège", Scheme.ULIS),
        ("99999999999", "X1", (), "Enseignement spécialisé", Scheme.NONE),
        ("10010012110", "6A", ("6A_AP1",), "Sixième", Scheme.NONE),
        (None, None, (), None, Scheme.NONE),
    ],
)
def test_it_finds_the_special_scheme_from_the_mef_then_the_structures_then_the_label(
    mef, division, groups, label, scheme
):
    assert scheme_of(mef, division=division, groups=groups, mef_label=label) is scheme


def test_a_word_merely_containing_ulis_in_a_label_is_no_scheme():
    assert scheme_of(None, mef_label="Formation en modulisation") is Scheme.NONE
