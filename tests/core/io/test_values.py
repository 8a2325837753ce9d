from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appui.core.io.values import (
    Sex,
    ValueProblem,
    as_text,
    fold,
    parse_bool,
    parse_date,
    parse_int,
    parse_number,
    parse_sex,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("03/04/2011", date(2011, 4, 3)),
        ("3/4/2011", date(2011, 4, 3)),
        ("03-04-2011", date(2011, 4, 3)),
        ("03.04.2011", date(2011, 4, 3)),
        ("03/04/11", date(2011, 4, 3)),
        ("03/04/75", date(1975, 4, 3)),
        ("2011-04-03", date(2011, 4, 3)),
        ("2011-04-03T10:00:00", date(2011, 4, 3)),
        ("03/04/2011 08:30", date(2011, 4, 3)),
        (" 03/04/2011 ", date(2011, 4, 3)),
        (datetime(2011, 4, 3, 12, 0), date(2011, 4, 3)),
        (date(2011, 4, 3), date(2011, 4, 3)),
        (40636, date(2011, 4, 3)),
        ("", None),
        (None, None),
    ],
)
def test_parse_date_reads_french_iso_and_spreadsheet_dates(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("31/02/2011", "n'est pas une date qui existe"),
        ("2011/04/03", "format JJ/MM/AAAA"),
        ("demain", "format JJ/MM/AAAA"),
        (2011, "est un nombre, pas une date"),
        (True, "n'est pas une date"),
    ],
)
def test_parse_date_explains_in_french_what_is_wrong(raw, message):
    with pytest.raises(ValueProblem, match=message):
        parse_date(raw)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_parse_date_reads_back_every_date_it_formats(value):
    assert parse_date(value.strftime("%d/%m/%Y")) == value
    assert parse_date(value.isoformat()) == value
    assert parse_date(as_text(value)) == value


def test_parse_int_accepts_spaces_and_integral_floats():
    assert parse_int("1 500") == 1500
    assert parse_int("1\u202f500") == 1500
    assert parse_int(12.0) == 12
    assert parse_int("12,0") == 12
    assert parse_int("  ") is None


def test_parse_int_refuses_fractions_text_and_out_of_bounds_values():
    with pytest.raises(ValueProblem, match="n'est pas un nombre entier"):
        parse_int("12,5")
    with pytest.raises(ValueProblem, match="n'est pas un nombre"):
        parse_int("douze")
    with pytest.raises(ValueProblem, match="le minimum est 0"):
        parse_int("-1", minimum=0)
    with pytest.raises(ValueProblem, match="le maximum est 4"):
        parse_int("5", maximum=4)


def test_parse_number_reads_decimal_commas():
    assert parse_number("12,5") == 12.5
    assert parse_number("-0.25") == -0.25
    assert parse_number(3) == 3.0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", Sex.M), ("2", Sex.F), ("M", Sex.M), ("H", Sex.M), ("f", Sex.F), ("Féminin", Sex.F)],
)
def test_parse_sex_reads_siecle_codes_and_letters(raw, expected):
    assert parse_sex(raw) is expected


def test_parse_sex_refuses_unknown_values():
    with pytest.raises(ValueProblem, match="sexe reconnu"):
        parse_sex("X")


def test_parse_bool_reads_french_yes_and_no():
    assert parse_bool("oui") is True
    assert parse_bool("N") is False
    assert parse_bool("x") is True
    assert parse_bool(None) is None
    with pytest.raises(ValueProblem, match="ni « oui » ni « non »"):
        parse_bool("peut-être")


def test_fold_ignores_case_accents_and_punctuation():
    assert fold("N° INE") == "n_ine"
    assert fold("Prénom") == "prenom"
    assert fold("Date de naissance") == "date_de_naissance"
    assert fold("  Né(e) le ") == "ne_e_le"
    assert fold("ÉLÈVE") == "eleve"


def test_as_text_writes_integral_floats_and_dates_as_a_user_would():
    assert as_text(12.0) == "12"
    assert as_text(date(2011, 4, 3)) == "03/04/2011"
    assert as_text(datetime(2011, 4, 3, 8, 5)) == "03/04/2011 08:05"
    assert as_text("  ") is None
    assert as_text(False) == "non"
