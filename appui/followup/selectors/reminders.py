"""Reminders: the one rule « a session is to record », the teacher's calls to make and the
coordinator's to-do list (also the weekly digest's content).

A session is *to record* when it is not cancelled, no attendance has been recorded for it
(recording one marks it held) and it is over: its date is before the local today, or it is
today and its end time has passed (Europe/Paris).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from appui.core import hours
from appui.planning.models import Plan
from appui.schools.computed import kept
from appui.schools.models import Enrolment, Level, Period, SchoolYear, Student
from appui.tutoring.models import TutorMeeting, Tutorship

from ..models import Session, StageReview
from .accounting import coordinated_levels, kept_level_summaries
from .sessions import sessions_of_staff

#: The label of a session to record, next to the statuses' labels.
TO_RECORD = "to_record"
TO_RECORD_LABEL = _("to record")


def local_now() -> dt.datetime:
    return timezone.localtime()


def to_record_q(now: dt.datetime | None = None) -> Q:
    """The filter of the sessions to record at ``now`` (local time by default)."""
    now = timezone.localtime(now) if now is not None else local_now()
    over = Q(date__lt=now.date()) | Q(date=now.date(), end_time__lte=now.time())
    return Q(status=Session.Status.PLANNED) & over


def is_to_record(session: Session, now: dt.datetime | None = None) -> bool:
    now = timezone.localtime(now) if now is not None else local_now()
    if session.status != Session.Status.PLANNED:
        return False
    return session.date < now.date() or (
        session.date == now.date() and session.end_time <= now.time()
    )


def session_state(session: Session, now: dt.datetime | None = None) -> tuple[str, str]:
    """``(key, label)`` of a session as pages show it: « à saisir » or its status."""
    if is_to_record(session, now):
        return TO_RECORD, str(TO_RECORD_LABEL)
    return session.status, session.get_status_display()


def calls_to_make(user, now: dt.datetime | None = None) -> QuerySet[Session]:
    """The sessions of the groups ``user`` runs that are to record, oldest first."""
    return sessions_of_staff(user).filter(to_record_q(now)).order_by("date", "start_time", "pk")


# --------------------------------------------------------------------------- coordinator


@dataclass(frozen=True)
class TodoItem:
    """One line of a to-do list: what, how many, where to resolve it."""

    key: str
    label: str
    count: int
    url: str
    detail: str = ""


def current_period(year: SchoolYear, today: dt.date) -> Period | None:
    return year.periods.filter(start_date__lte=today, end_date__gte=today).first()


def last_ended_period(year: SchoolYear, today: dt.date) -> Period | None:
    return year.periods.filter(end_date__lt=today).order_by("-end_date").first()


def levels_without_plan(levels: list[Level], period: Period | None) -> list[Level]:
    """The levels with no published plan for ``period`` (one query)."""
    if period is None or not levels:
        return []
    published = set(
        Plan.objects.filter(
            level__in=levels, period=period, status=Plan.Status.PUBLISHED
        ).values_list("level_id", flat=True)
    )
    return [level for level in levels if level.pk not in published]


def coordinator_todo(
    access, year: SchoolYear | None, now: dt.datetime | None = None
) -> list[TodoItem]:
    """The coordinator's to-do list over the levels they coordinate in ``year``.

    Queries: a constant number, whatever the levels, groups and sessions.
    """
    if year is None or not access.can_coordinate:
        return []
    now = timezone.localtime(now) if now is not None else local_now()
    today = now.date()
    levels = coordinated_levels(access, year)
    if not levels:
        return []
    items: list[TodoItem] = []
    period = current_period(year, today)

    missing = levels_without_plan(levels, period)
    if missing:
        items.append(
            TodoItem(
                "no_plan",
                ngettext(
                    "level with no published plan for the current period",
                    "levels with no published plan for the current period",
                    len(missing),
                ),
                len(missing),
                reverse("planning:plan-index"),
                ", ".join(level.name for level in missing),
            )
        )

    unrecorded = Session.objects.filter(to_record_q(now), group__plan__level__in=levels).count()
    if unrecorded:
        items.append(
            TodoItem(
                "to_record",
                ngettext("session without attendance", "sessions without attendance", unrecorded),
                unrecorded,
                reverse("followup:hours-index"),
            )
        )

    ended = last_ended_period(year, today)
    if ended is not None:
        students = Student.objects.filter(
            pk__in=Enrolment.objects.filter(
                year=year, division__level__in=levels, exit_date__isnull=True
            ).values("student_id")
        )
        reviewed = StageReview.objects.filter(period=ended, student__in=students)
        drafts = reviewed.filter(status=StageReview.Status.DRAFT)
        to_prepare = students.exclude(stage_reviews__period=ended)
        first = (
            Enrolment.objects.filter(year=year, student__in=to_prepare, division__isnull=False)
            .order_by("division__code", "division_id")
            .values_list("division_id", flat=True)
            .first()
        )
        n_prepare = to_prepare.count()
        if n_prepare and first:
            items.append(
                TodoItem(
                    "reviews_prepare",
                    ngettext("review to prepare", "reviews to prepare", n_prepare),
                    n_prepare,
                    reverse("followup:review-list", args=[first]) + f"?periode={ended.pk}",
                    str(ended),
                )
            )
        n_drafts = drafts.count()
        draft = drafts.select_related("student").first()
        if n_drafts and draft is not None:
            items.append(
                TodoItem(
                    "reviews_validate",
                    ngettext("review to validate", "reviews to validate", n_drafts),
                    n_drafts,
                    reverse("followup:review-detail", args=[draft.pk]),
                    str(ended),
                )
            )

    if period is not None:
        active = Tutorship.objects.filter(
            year=year,
            start_date__lte=today,
            student__enrolments__year=year,
            student__enrolments__division__level__in=levels,
        ).filter(Q(end_date__isnull=True) | Q(end_date__gte=period.start_date))
        met = TutorMeeting.objects.filter(date__gte=period.start_date, date__lte=today).values(
            "tutorship_id"
        )
        alone = active.exclude(pk__in=met).distinct().count()
        if alone:
            items.append(
                TodoItem(
                    "tutees",
                    ngettext(
                        "tutee without a meeting this period",
                        "tutees without a meeting this period",
                        alone,
                    ),
                    alone,
                    reverse("tutoring:index"),
                )
            )

    # A level with no published plan for the current period is already listed above, and
    # publishing its plan is what resolves it, so only the levels with a current plan are
    # checked; their summaries (the hours index's) take the same queries for any number.
    checked = [level for level in levels if level not in missing] if period else levels
    behind = [
        level
        for level, summary in kept_level_summaries(year, checked, today)
        if any(w.code == hours.WarningCode.UNREACHABLE for w in summary["warnings"])
    ]
    if behind:
        items.append(
            TodoItem(
                "hours",
                ngettext("level behind on hours", "levels behind on hours", len(behind)),
                len(behind),
                reverse("followup:hours-level", args=[behind[0].pk])
                if len(behind) == 1
                else reverse("followup:hours-index"),
                ", ".join(level.name for level in behind),
            )
        )
    return items


#: The home page's to-do list is worked out again at least this often (minutes): a session
#: that ends joins the count of sessions to record within that time.
TODO_MINUTES = 5


def kept_coordinator_todo(access, year: SchoolYear | None) -> list[TodoItem]:
    """:func:`coordinator_todo` as the home page shows it: worked out for the start of the
    current ``TODO_MINUTES`` and kept until the school's records change or the next one
    starts (``appui.schools.computed.kept``)."""
    if year is None or not access.can_coordinate:
        return []
    now = local_now()
    start = now.replace(minute=now.minute - now.minute % TODO_MINUTES, second=0, microsecond=0)
    levels = [level.pk for level in coordinated_levels(access, year)]
    return kept(
        year.school_id,
        "coordinator-todo",
        [year.pk, start.strftime("%H%M"), *levels],
        start.date(),
        lambda: coordinator_todo(access, year, now=start),
    )


# --------------------------------------------------------------------------- late publication


def past_sessions_on_publish(plan: Plan, today: dt.date | None = None) -> int:
    """How many sessions dated before ``today`` publishing ``plan`` would create, each then to
    record: a first publication of a period already started dates its groups' sessions from
    the period's start (``services.sessions_generate_for_plan``); a later one from today."""
    from .records import group_dates

    today = today or timezone.localdate()
    period = plan.period
    if period.start_date >= today:
        return 0
    earlier = Session.objects.filter(
        group__plan__level_id=plan.level_id, group__plan__period_id=period.pk
    ).exclude(group__plan=plan)
    if earlier.exists():
        return 0
    zone = plan.level.year.school.holiday_zone
    dates: dict[tuple[int, int | None], list[dt.date]] = {}
    total = 0
    for group in plan.groups.select_related("slot", "round"):
        slot, round = group.slot, group.round
        key = (slot.pk, group.round_id)
        if key not in dates:
            dates[key] = group_dates(
                zone,
                slot.weekday,
                period.start_date,
                period.end_date,
                round.starts_on if round else None,
                round.ends_on if round else None,
                since=period.start_date,
            )
        total += sum(1 for day in dates[key] if day < today)
    return total


# --------------------------------------------------------------------------- weekly digest


@dataclass(frozen=True)
class DigestSection:
    """The reminders of one person in one school."""

    school: str
    calls: list[Session]
    calls_count: int
    todo: list[TodoItem]


def digest_sections(user, now: dt.datetime | None = None, limit: int = 10) -> list[DigestSection]:
    """The reminders of ``user`` in each school they belong to; schools with none left out."""
    from appui.schools.access import SchoolAccess
    from appui.schools.models import Membership, School
    from appui.schools.selectors import current_year

    sections = []
    schools = School.objects.filter(
        pk__in=Membership.objects.filter(user=user).values("school_id")
    ).order_by("name")
    for school in schools:
        access = SchoolAccess.load(user, school)
        calls = (
            calls_to_make(user, now).filter(group__plan__level__year__school=school)
            if access.is_staff_member
            else Session.objects.none()
        )
        count = calls.count()
        todo = coordinator_todo(access, current_year(school), now)
        if count or todo:
            sections.append(DigestSection(school.name, list(calls[:limit]), count, todo))
    return sections
