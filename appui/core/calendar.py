"""The French school calendar: holidays per zone, AP periods between them, working days.

Holiday dates come from the maintained `vacances-scolaires-france` package (official
calendar data) and public holidays from `holidays`; no date is typed by hand here.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays as public_holidays
from vacances_scolaires_france import SchoolHolidayDates

# Holidays that separate AP periods (seed 004: re-diagnosis after each period). Short
# breaks such as "Pont de l'Ascension" are days off but do not cut a period in two.
PERIOD_BREAKS = (
    "Vacances de la Toussaint",
    "Vacances de Noël",
    "Vacances d'hiver",
    "Vacances de printemps",
)
SUMMER = "Vacances d'été"


@dataclass(frozen=True)
class Span:
    name: str
    start: date
    end: date  # inclusive

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def school_year_start(today: date) -> int:
    """The start year of the school year containing `today` (August starts a new one)."""
    return today.year if today.month >= 8 else today.year - 1


@lru_cache(maxsize=32)
def holiday_spans(zone: str, start_year: int) -> tuple[Span, ...]:
    """School holidays of zone A, B or C from the summer before `start_year`'s year to the next."""
    data = SchoolHolidayDates()
    days: list[tuple[date, str]] = []
    for year in (start_year, start_year + 1):
        days.extend(
            (v["date"], v["nom_vacances"])
            for v in data.holidays_for_year_and_zone(year, zone).values()
        )
    days.sort()
    spans: list[Span] = []
    for day, name in days:
        last = spans[-1] if spans else None
        if last and last.name == name and day - last.end == timedelta(days=1):
            spans[-1] = Span(name, last.start, day)
        else:
            spans.append(Span(name, day, day))
    return tuple(spans)


def year_bounds(zone: str, start_year: int) -> tuple[date, date]:
    """First and last school day of a school year: the day after summer, the day before the next."""
    spans = holiday_spans(zone, start_year)
    summers = [s for s in spans if s.name == SUMMER]
    first = next((s.end + timedelta(days=1) for s in summers if s.end.year == start_year), None)
    last = next(
        (s.start - timedelta(days=1) for s in summers if s.start.year == start_year + 1), None
    )
    if first is None or last is None:
        raise ValueError(
            f"Calendrier scolaire {start_year}-{start_year + 1} inconnu pour la zone {zone}."
        )
    return first, last


def periods_between_holidays(zone: str, start_year: int) -> list[Span]:
    """The five classic AP periods: rentrée→Toussaint, →Noël, →hiver, →printemps, →été."""
    first, last = year_bounds(zone, start_year)
    breaks = [
        s
        for s in holiday_spans(zone, start_year)
        if s.name in PERIOD_BREAKS and first < s.start < last
    ]
    periods: list[Span] = []
    cursor = first
    for number, holiday in enumerate(breaks, start=1):
        periods.append(Span(f"Période {number}", cursor, holiday.start - timedelta(days=1)))
        cursor = holiday.end + timedelta(days=1)
    periods.append(Span(f"Période {len(breaks) + 1}", cursor, last))
    return periods


def public_holiday_dates(years: Iterable[int]) -> dict[date, str]:
    return dict(public_holidays.France(years=list(years), language="fr"))


def school_days(zone: str, start: date, end: date, weekday: int) -> Iterator[date]:
    """Every `weekday` (0 = Monday) from start to end that is neither a holiday nor a public holiday."""
    spans = holiday_spans(zone, school_year_start(start))
    off = public_holiday_dates(range(start.year, end.year + 1))
    day = start + timedelta(days=(weekday - start.weekday()) % 7)
    while day <= end:
        if day not in off and not any(day in span for span in spans):
            yield day
        day += timedelta(days=7)
