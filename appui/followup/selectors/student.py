"""The student page: AP follow-up summary and the portfolio timeline."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from appui.diagnostics.models import Result
from appui.diagnostics.selectors import student_notes
from appui.planning.models import Group, Plan
from appui.schools.models import Enrolment, Period, SchoolYear, Student

from ..models import Attendance, ProgressMark, Session
from .reviews import HELD_PLAN_STATUSES, visible_reviews
from .sessions import sessions_of_student

# --------------------------------------------------------------------------- student page


@dataclass
class RecentSession:
    """A held session of the student with the marks on their progress in it."""

    session: Session
    teacher_mark: ProgressMark | None
    self_mark: ProgressMark | None
    peer_marks: list[ProgressMark]


def student_summary(student: Student, *, staff: bool, today: dt.date | None = None) -> dict:
    """What the student page shows about AP follow-up (constant queries)."""
    today = today or timezone.localdate()
    # A pupil has a few hundred sessions at most over their schooling: their keys, dates and
    # states in one narrow query answer what is to come, what was held and the count of held
    # sessions; the rows of the (at most seven) shown sessions come in one more.
    keys = list(
        Session.objects.filter(group__assignments__student=student)
        .values_list("pk", "date", "start_time", "status")
        .distinct()
    )
    done_status = Session.Status.DONE
    coming = sorted(
        (day, start, pk)
        for pk, day, start, status in keys
        if day >= today and status != Session.Status.CANCELLED
    )[:3]
    past = sorted(
        (
            (day, start, pk)
            for pk, day, start, status in keys
            if status == done_status and day <= today
        ),
        reverse=True,
    )[:4]
    held = sum(1 for *_, status in keys if status == done_status)
    rows = (
        {
            session.pk: session
            for session in sessions_of_student(student)
            .filter(pk__in=[pk for *_, pk in coming + past])
            .prefetch_related(
                Prefetch(
                    "marks",
                    queryset=ProgressMark.objects.filter(student=student).select_related(
                        "assessor"
                    ),
                    to_attr="student_marks",
                )
            )
        }
        if coming or past
        else {}
    )
    upcoming = [rows[pk] for *_, pk in coming]
    # Typed Any: the prefetched ``student_marks`` is not in the model's type.
    done: list[Any] = [rows[pk] for *_, pk in past]
    counts = Counter(
        Attendance.objects.filter(student=student, session__status=done_status).values_list(
            "status", flat=True
        )
    )
    attended = counts["present"] + counts["late"]
    recent = [
        RecentSession(
            session=session,
            teacher_mark=next(
                (m for m in session.student_marks if m.author_kind == "teacher"), None
            ),
            self_mark=next((m for m in session.student_marks if m.author_kind == "self"), None),
            peer_marks=[m for m in session.student_marks if m.author_kind == "peer"],
        )
        for session in done
    ]
    co_evaluation = []
    if recent and recent[0].session.co_evaluation:
        co_evaluation = list(
            Student.objects.filter(assignments__group_id=recent[0].session.group_id)
            .exclude(pk=student.pk)
            .order_by("last_name", "first_name")
        )
    return {
        "upcoming": upcoming,
        "recent": recent,
        "held": held,
        "attended": attended,
        "absent": counts["absent"],
        "late": counts["late"],
        "excused": counts["excused"],
        "rate": round(100 * attended / held) if held else None,
        "reviews": list(visible_reviews(student, staff=staff)),
        "co_evaluation": co_evaluation,
    }


# --------------------------------------------------------------------------- portfolio


@dataclass
class Event:
    date: dt.date
    kind: str
    title: str
    detail: str = ""
    url: str = ""
    items: list = field(default_factory=list)
    restricted: bool = False
    obj: object = None
    #: The school year the event belongs to (its campaign's, plan's or review's; for a
    #: dated note, the year holding its date): set for every event of the portfolio.
    year: SchoolYear | None = None


@dataclass
class PortfolioPeriod:
    label: str
    start: dt.date | None
    events: list[Event] = field(default_factory=list)


@dataclass
class PortfolioYear:
    label: str
    periods: list[PortfolioPeriod] = field(default_factory=list)
    #: The pupil's division that year (their enrolment's), "" when none.
    division: str = ""


def portfolio(student: Student, *, staff: bool, restricted: bool) -> list[PortfolioYear]:
    """The student's timeline across periods and years, newest first.

    Diagnoses (campaign results), interviews and observations (staff only; restricted ones
    only when ``restricted``), need groups with their modules, attendance and progress
    marks per group, and stage reviews (validated ones only for the student and family).
    """
    events = _diagnosis_events(student)
    if staff:
        events += _note_events(student, restricted=restricted)
    events += _group_events(student)
    events += [
        Event(
            review.period.end_date,
            "review",
            str(review.period),
            obj=review,
            year=review.period.year,
        )
        for review in visible_reviews(student, staff=staff)
    ]
    return _by_period(events, student)


def _diagnosis_events(student: Student) -> list[Event]:
    results: dict[int, list[Result]] = defaultdict(list)
    for result in (
        Result.objects.filter(student=student)
        .select_related("campaign__period__year", "campaign__year", "competency")
        .order_by("competency__code")
    ):
        results[result.campaign_id].append(result)
    return [
        Event(
            items[0].campaign.date,
            "diagnosis",
            items[0].campaign.name,
            items[0].campaign.get_kind_display(),
            items=items,
            obj=items[0].campaign,
            year=items[0].campaign.year,
        )
        for items in results.values()
    ]


def _note_events(student: Student, *, restricted: bool) -> list[Event]:
    interviews, observations = student_notes(student, restricted=restricted)
    return [
        Event(
            interview.date,
            "interview",
            interview.get_kind_display(),
            restricted=interview.restricted,
            obj=interview,
        )
        for interview in interviews
    ] + [
        Event(
            observation.date,
            "observation",
            observation.get_signal_display(),
            observation.note,
            restricted=observation.restricted,
            obj=observation,
        )
        for observation in observations
    ]


def _group_events(student: Student) -> list[Event]:
    """One event per group the student was in (a replaced group only if it met), with the
    sessions held, the student's attendance and marks."""
    groups = list(
        Group.objects.filter(assignments__student=student, plan__status__in=HELD_PLAN_STATUSES)
        .select_related("module", "plan__period__year", "slot", "room")
        .prefetch_related("staff")
    )
    held: dict[int, int] = defaultdict(int)
    for group_id in Session.objects.filter(
        group__in=groups, status=Session.Status.DONE
    ).values_list("group_id", flat=True):
        held[group_id] += 1
    attendance: dict[int, Counter] = defaultdict(Counter)
    for group_id, status in Attendance.objects.filter(
        student=student, session__group__in=groups
    ).values_list("session__group_id", "status"):
        attendance[group_id][status] += 1
    marks: dict[int, list[ProgressMark]] = defaultdict(list)
    for mark in (
        ProgressMark.objects.filter(student=student, session__group__in=groups)
        .select_related("session", "assessor")
        .order_by("session__date", "pk")
    ):
        marks[mark.session.group_id].append(mark)
    events = []
    for group in groups:
        if group.plan.status != Plan.Status.PUBLISHED and not held[group.pk]:
            continue
        counts = attendance[group.pk]
        events.append(
            Event(
                group.plan.period.start_date,
                "group",
                group.module.title,
                group.module.objective,
                items=marks[group.pk],
                obj={
                    "group": group,
                    "held": held[group.pk],
                    "attended": counts["present"] + counts["late"],
                    "absent": counts["absent"],
                    "late": counts["late"],
                    "excused": counts["excused"],
                },
                year=group.plan.period.year,
            )
        )
    return events


def _year_for(years: list[SchoolYear], day: dt.date) -> SchoolYear | None:
    """The school year holding ``day``; in the summer between two years the next one, else
    the year just ended."""
    year = next((y for y in years if y.start_date <= day <= y.end_date), None)
    if year is not None:
        return year
    later = [y for y in years if y.start_date > day]
    if later:
        return min(later, key=lambda y: y.start_date)
    return max((y for y in years if y.end_date < day), key=lambda y: y.end_date, default=None)


def _period_for(periods: list[Period], day: dt.date) -> Period | None:
    """The period holding ``day``; between two periods (holidays) the next one, else the
    period just ended."""
    period = next((p for p in periods if p.start_date <= day <= p.end_date), None)
    if period is not None:
        return period
    later = [p for p in periods if p.start_date > day]
    if later:
        return min(later, key=lambda p: p.start_date)
    return max((p for p in periods if p.end_date < day), key=lambda p: p.end_date, default=None)


def _by_period(events: list[Event], student: Student) -> list[PortfolioYear]:
    """Events grouped by school year, then period, newest first.

    Each event stays in its own year (a period is looked for among that year's periods
    only), so a year without periods yet never lends its events to the year before.
    """
    years = list(SchoolYear.objects.filter(school_id=student.school_id))
    periods: dict[int, list[Period]] = defaultdict(list)
    for row in Period.objects.filter(year__school_id=student.school_id):
        periods[row.year_id].append(row)
    divisions = dict(
        Enrolment.objects.filter(student=student, division__isnull=False).values_list(
            "year_id", "division__code"
        )
    )
    portfolio_years: dict[int, PortfolioYear] = {}
    buckets: dict[tuple[int, int | None], PortfolioPeriod] = {}
    for event in sorted(events, key=lambda e: (e.date, e.kind), reverse=True):
        event.year = event.year or _year_for(years, event.date)
        year_key = event.year.pk if event.year else 0
        period = _period_for(periods[year_key], event.date) if event.year else None
        key = (year_key, period.pk if period else None)
        if year_key not in portfolio_years:
            portfolio_years[year_key] = PortfolioYear(
                event.year.label if event.year else "", division=divisions.get(year_key, "")
            )
        if key not in buckets:
            buckets[key] = PortfolioPeriod(
                period.name if period else "", period.start_date if period else None
            )
            portfolio_years[year_key].periods.append(buckets[key])
        buckets[key].events.append(event)
    start = {y.pk: y.start_year for y in years}
    return [
        portfolio_years[key]
        for key in sorted(portfolio_years, key=lambda key: start.get(key, 0), reverse=True)
    ]
