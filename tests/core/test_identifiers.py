import pytest
from hypothesis import given
from hypothesis import strategies as st

from appui.core.identifiers import ine_is_valid, uai_check_letter, uai_problem


@pytest.mark.parametrize("uai", ["0750655E", "0750654D", "0219990V"])
def test_known_uai_are_valid(uai):
    assert uai_problem(uai) is None


def test_a_wrong_check_letter_is_named():
    assert "lettre de contrôle devrait être E" in uai_problem("0750655A")


def test_a_malformed_uai_is_explained():
    assert "7 chiffres suivis d'une lettre" in uai_problem("75-0655")


@given(st.integers(min_value=0, max_value=9_999_999))
def test_every_number_has_exactly_one_valid_letter(number):
    digits = f"{number:07d}"
    valid = [
        letter for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if uai_problem(digits + letter) is None
    ]
    assert valid == [uai_check_letter(digits)]


def test_ine_format():
    assert ine_is_valid("1234567890A")
    assert not ine_is_valid("123456789")
    assert not ine_is_valid("1234567890a")
