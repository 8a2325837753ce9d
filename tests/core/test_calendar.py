from datetime import date

from appui.core import calendar


def test_the_school_year_starts_in_august():
    assert calendar.school_year_start(date(2026, 11, 23)) == 2026
    assert calendar.school_year_start(date(2027, 3, 1)) == 2026
    assert calendar.school_year_start(date(2027, 8, 20)) == 2027


def test_2026_2027_zone_a_has_five_periods_between_holidays():
    periods = calendar.periods_between_holidays("A", 2026)
    assert [(p.start, p.end) for p in periods] == [
        (date(2026, 9, 1), date(2026, 10, 16)),
        (date(2026, 11, 2), date(2026, 12, 18)),
        (date(2027, 1, 4), date(2027, 2, 12)),
        (date(2027, 3, 1), date(2027, 4, 9)),
        (date(2027, 4, 26), date(2027, 7, 2)),
    ]


def test_periods_never_contain_a_holiday_that_separates_periods():
    for zone in "ABC":
        spans = [s for s in calendar.holiday_spans(zone, 2026) if s.name in calendar.PERIOD_BREAKS]
        for period in calendar.periods_between_holidays(zone, 2026):
            assert not any(period.start <= s.start <= period.end for s in spans)


def test_school_days_skip_holidays_and_public_holidays():
    tuesdays = list(calendar.school_days("A", date(2026, 9, 1), date(2026, 11, 30), weekday=1))
    assert date(2026, 10, 20) not in tuesdays  # Toussaint holidays
    assert date(2026, 9, 1) in tuesdays
    thursdays = list(calendar.school_days("A", date(2027, 4, 26), date(2027, 5, 31), weekday=3))
    assert date(2027, 5, 6) not in thursdays  # Ascension
