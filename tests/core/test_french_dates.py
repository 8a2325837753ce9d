"""« 1er décembre »: the first day of a month as an ordinal in French (appui.core.text)."""

import pytest

from appui.core.text import first_of_month_format


@pytest.mark.parametrize(
    ("fmt", "day", "language", "expected"),
    [
        ("j F", 1, "fr", "j\\e\\r F"),
        ("l j F Y", 1, "fr-fr", "l j\\e\\r F Y"),
        ("D j M", 1, "fr", "D j\\e\\r M"),
        ("j F", 2, "fr", "j F"),  # only the first day
        ("j F", 1, "en", "j F"),  # only in French
        ("j/m/Y", 1, "fr", "j/m/Y"),  # no month name: « 1/12/2026 »
        ("\\j j F", 1, "fr", "\\j j\\e\\r F"),  # an escaped « j » is a letter
    ],
)
def test_the_first_day_takes_er_in_french_before_a_month_name(fmt, day, language, expected):
    assert first_of_month_format(fmt, day, language) == expected
