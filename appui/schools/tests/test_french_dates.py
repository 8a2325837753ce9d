"""``french_date``: Django's ``date`` filter with « 1er » for the first day of a month."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

DECEMBER_1 = dt.date(2026, 12, 1)


def render(value, fmt: str, language: str = "fr") -> str:
    template = Template('{% load french %}{{ value|french_date:"' + fmt + '" }}')
    with translation.override(language):
        return template.render(Context({"value": value}))


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("j F", "1er décembre"),
        ("j F Y", "1er décembre 2026"),
        ("l j F", "mardi 1er décembre"),
        ("l j F Y", "mardi 1er décembre 2026"),
        ("D j F", "mar 1er décembre"),
    ],
)
def test_the_first_of_the_month_is_an_ordinal(fmt, expected):
    assert render(DECEMBER_1, fmt) == expected


def test_other_days_are_as_the_date_filter_writes_them():
    assert render(dt.date(2026, 12, 2), "l j F Y") == "mercredi 2 décembre 2026"


def test_english_keeps_the_cardinal():
    assert render(DECEMBER_1, "j F Y", "en") == "1 December 2026"


def test_a_datetime_is_shown_in_local_time(settings):
    settings.TIME_ZONE = "Europe/Paris"
    # 23:30 UTC on 30 November is already 1 December in Paris.
    late = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)
    assert render(late, "j F Y H:i") == "1er décembre 2026 00:30"


@pytest.mark.parametrize("value", [None, ""])
def test_no_date_writes_nothing(value):
    assert render(value, "j F Y") == ""
