"""Pupils' wishes for modules: the window a coordinator opens for a level and a period, the
pupils' ranked choices, and what the pages and the solver read from them.

One feature, one module: the reads (``window_answers``, ``wishes_by_student``,
``wishes_served``…) and the writes (``window_save``, ``window_close``, ``wishes_save``, each
``@transaction.atomic`` and version-checked) live together here, beside ``services`` and
``selectors`` which they only call.

Rules:
- a window is *open* from ``opens_on`` to ``closes_on`` included, in the school's local date
  (``timezone.localdate()``); a pupil changes their own wishes only while it is open, a
  coordinator of the level at any time (to enter them for a pupil or correct them);
- a pupil ranks 1 to ``max_wishes`` of the modules offered, each at most once;
- two people never overwrite each other silently: every form carries the version of what it
  showed (``window_version``, ``wishes_version``) and a save over a newer state is refused;
- the solver reads the wishes of the plan's level and period on modules still offered
  (active) in the school, in rank order (``wishes_by_student``).
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appui.schools.models import Level, Period, Staff, Student

from . import grouping
from .models import Assignment, Module, Plan, Wish, WishWindow

UPCOMING, OPEN, CLOSED = "upcoming", "open", "closed"


class WishConflict(Exception):
    """Someone saved these wishes (or this window) after the form was opened."""

    message = gettext_lazy(
        "Someone else changed this after you opened the page: nothing was saved. "
        "The page now shows what is recorded; make your change again if it is still needed."
    )

    def __init__(self, current: Sequence[Wish] = ()) -> None:
        super().__init__(str(self.message))
        self.current = list(current)

    def __str__(self) -> str:
        return str(self.message)


# Windows ------------------------------------------------------------------------------------


def today() -> datetime.date:
    return timezone.localdate()


def window_state(window: WishWindow, on: datetime.date | None = None) -> str:
    """``upcoming``, ``open`` or ``closed`` on a date (the local today by default)."""
    on = on or today()
    if on < window.opens_on:
        return UPCOMING
    if on > window.closes_on:
        return CLOSED
    return OPEN


def window_for(level: Level, period: Period) -> WishWindow | None:
    return (
        WishWindow.objects.filter(level=level, period=period)
        .select_related("level__year__school", "period")
        .prefetch_related("modules")
        .first()
    )


def default_modules(level: Level, period: Period) -> QuerySet[Module]:
    """The modules a new window offers: active ones that a staff member available in one of
    the level's slots of the period is able to run."""
    available = Staff.objects.filter(slots__level=level, slots__periods=period).values("pk")
    return (
        Module.objects.filter(school=level.year.school, active=True, staff__in=available)
        .distinct()
        .order_by("code")
    )


def offerable_modules(level: Level, window: WishWindow | None = None) -> QuerySet[Module]:
    """What a window may offer: the school's active modules, plus those it already offers."""
    modules = Module.objects.filter(school=level.year.school, active=True)
    if window is not None and window.pk:
        modules = modules | Module.objects.filter(wish_windows=window)
    return modules.distinct().order_by("code")


def window_version(window: WishWindow | None) -> str:
    """The version a window form carries: a digest of what it holds ("" before it exists)."""
    if window is None or window.pk is None:
        return ""
    modules = sorted(m.pk for m in window.modules.all())
    text = f"{window.opens_on}|{window.closes_on}|{window.max_wishes}|{modules}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@transaction.atomic
def window_save(
    *,
    level: Level,
    period: Period,
    opens_on: datetime.date,
    closes_on: datetime.date,
    modules: Iterable[Module],
    max_wishes: int,
    user: Any,
    version: str,
) -> tuple[WishWindow, int]:
    """Open or change the window of a level and period.

    Wishes on a module no longer offered, or ranked beyond a lowered ``max_wishes``, are
    removed and the pupil's other wishes move up; returns the window and how many wishes
    were removed.
    """
    if period.year_id != level.year_id:
        raise ValidationError(_("This period is not in the level's school year."))
    modules = list(modules)
    if any(m.school_id != level.year.school_id for m in modules):
        raise ValidationError(_("A module of another school cannot be offered."))
    if len(modules) < max_wishes:
        raise ValidationError(
            _("Offer at least as many modules as wishes asked of each pupil (%(n)s).")
            % {"n": max_wishes}
        )
    window = (
        WishWindow.objects.select_for_update()
        .filter(level=level, period=period)
        .prefetch_related("modules")
        .first()
    )
    if window_version(window) != version:
        raise WishConflict
    if window is None:
        window = WishWindow(level=level, period=period, created_by=_user_or_none(user))
    window.opens_on, window.closes_on, window.max_wishes = opens_on, closes_on, max_wishes
    # ``created_by`` may be empty (a demo or a deleted account); the model says null only.
    window.full_clean(exclude=["created_by"])
    window.save()
    window.modules.set(modules)
    return window, _drop_unoffered(window)


def _drop_unoffered(window: WishWindow) -> int:
    """Remove wishes the window no longer allows and close the gaps in each pupil's ranks."""
    offered = set(window.modules.values_list("pk", flat=True))
    by_student: dict[int, list[Wish]] = defaultdict(list)
    for wish in window.wishes.order_by("student_id", "rank"):
        by_student[wish.student_id].append(wish)
    removed = 0
    rewritten: list[Wish] = []
    touched: list[int] = []
    for student_id, wishes in by_student.items():
        kept = [w for w in wishes if w.module_id in offered][: window.max_wishes]
        if [w.pk for w in kept] == [w.pk for w in wishes] and all(
            w.rank == rank for rank, w in enumerate(kept, start=1)
        ):
            continue
        removed += len(wishes) - len(kept)
        touched.append(student_id)
        rewritten += [
            Wish(
                window=window,
                student_id=student_id,
                module_id=w.module_id,
                rank=rank,
                entered_by_id=w.entered_by_id,
            )
            for rank, w in enumerate(kept, start=1)
        ]
    if touched:
        window.wishes.filter(student_id__in=touched).delete()
        Wish.objects.bulk_create(rewritten)
    return removed


@transaction.atomic
def window_close(*, window: WishWindow, user: Any) -> WishWindow:
    """Close an open window now: from today on, pupils see their wishes read-only."""
    window = WishWindow.objects.select_for_update().get(pk=window.pk)
    now = today()
    if window_state(window, now) != OPEN:
        raise ValidationError(_("This window is not open."))
    window.closes_on = now - datetime.timedelta(days=1)
    # A window opened today and closed at once: it was open for no full day.
    window.opens_on = min(window.opens_on, window.closes_on)
    window.full_clean(exclude=["created_by"])
    window.save(update_fields=["opens_on", "closes_on"])
    return window


def _user_or_none(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


# One pupil's wishes -------------------------------------------------------------------------


def wishes_version(wishes: Iterable[Wish]) -> str:
    """The version a pupil's row carries: their wishes' rows (every save writes new ones)."""
    return "|".join(f"{w.pk}:{w.rank}:{w.module_id}" for w in wishes)


def pupil_wishes(window: WishWindow, student: Student) -> list[Wish]:
    return list(window.wishes.filter(student=student).select_related("module").order_by("rank"))


def window_pupil(window: WishWindow, student_pk: int) -> Student | None:
    """A pupil of the window's level roster (its school year's), with their division that
    year (``year_division_code``); None for anyone else."""
    roster = grouping.plan_students(Plan(level=window.level, period=window.period))
    return roster.filter(pk=student_pk).first()


def check_ranking(window: WishWindow, modules: Sequence[Module]) -> None:
    """The one rule of a ranking: modules offered by the window, each once, at most
    ``max_wishes``. Raises a French ``ValidationError``."""
    offered = {m.pk for m in window.modules.all()}
    errors = []
    if len(modules) > window.max_wishes:
        errors.append(_("At most %(n)s wishes for this period.") % {"n": window.max_wishes})
    if len({m.pk for m in modules}) < len(modules):
        errors.append(_("The same module is chosen twice: choose a different module each time."))
    if any(m.pk not in offered for m in modules):
        errors.append(_("This module is not offered for this period."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def wishes_save(
    *,
    window: WishWindow,
    student: Student,
    modules: Sequence[Module],
    user: Any,
    version: str,
    by_coordinator: bool,
) -> list[Wish]:
    """Record a pupil's ranking (first module = first wish); an empty list removes them.

    The pupil may do so only while the window is open; a coordinator at any time. Raises
    ``WishConflict`` (with what is recorded) when the row changed since ``version``.
    """
    # Saves of one window queue here, so the version check and the write see the same rows.
    window = WishWindow.objects.select_for_update().get(pk=window.pk)
    if not by_coordinator and window_state(window) != OPEN:
        raise ValidationError(_("Wishes are closed for this period: they can no longer change."))
    if window_pupil(window, student.pk) is None:
        raise ValidationError(_("This pupil is not in the level of these wishes."))
    current = pupil_wishes(window, student)
    if wishes_version(current) != version:
        raise WishConflict(current)
    check_ranking(window, modules)
    if [w.module_id for w in current] == [m.pk for m in modules]:
        return current
    window.wishes.filter(student=student).delete()
    entered_by = _user_or_none(user)
    Wish.objects.bulk_create(
        Wish(window=window, student=student, module=m, rank=rank, entered_by=entered_by)
        for rank, m in enumerate(modules, start=1)
    )
    return pupil_wishes(window, student)


# Answers and what the plan made of them ------------------------------------------------------


@dataclass
class Answers:
    """Who answered a window: the level's pupils (with ``year_division_code``) and their
    wishes, and the pupils without any, by division."""

    pupils: list[Student]
    wishes: dict[int, list[Wish]]
    missing_by_division: list[tuple[str, list[Student]]] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(1 for p in self.pupils if self.wishes.get(p.pk))

    @property
    def total(self) -> int:
        return len(self.pupils)


def window_roster(window: WishWindow, division_id: int | None = None) -> QuerySet[Any]:
    """The level's pupils of the window's year (of one division), by division (none first)
    and name, each with ``year_division_id`` and ``year_division_code``: a query, so that a
    page of the entry table loads its own rows only."""
    pupils = grouping.plan_students(Plan(level=window.level, period=window.period))
    if division_id is not None:
        pupils = pupils.filter(year_division_id=division_id)
    return pupils.order_by(
        F("year_division_code").asc(nulls_first=True), "last_name", "first_name", "pk"
    )


def window_pupils(window: WishWindow, division_id: int | None = None) -> list[Any]:
    """:func:`window_roster` as a list."""
    return list(window_roster(window, division_id))


def wishes_of_pupils(
    window: WishWindow, students: Iterable[int] | None = None
) -> dict[int, list[Wish]]:
    """The wishes of the window by pupil in rank order (of ``students`` only when given)."""
    rows = window.wishes.select_related("module", "entered_by").order_by("rank")
    if students is not None:
        rows = rows.filter(student_id__in=list(students))
    wishes: dict[int, list[Wish]] = defaultdict(list)
    for wish in rows:
        wishes[wish.student_id].append(wish)
    return dict(wishes)


def window_answers(window: WishWindow, division_id: int | None = None) -> Answers:
    """The level's pupils of the window's year and their wishes (two queries)."""
    pupils = window_pupils(window, division_id)
    wishes = wishes_of_pupils(window)
    missing: dict[str, list[Student]] = {}
    for pupil in pupils:
        if not wishes.get(pupil.pk):
            missing.setdefault(pupil.year_division_code or "", []).append(pupil)
    return Answers(pupils=pupils, wishes=wishes, missing_by_division=list(missing.items()))


def wishes_by_student(plan: Plan, codes: Iterable[str] | None = None) -> dict[int, tuple[str, ...]]:
    """Each pupil's wished module codes in rank order, for the solver (one query).

    Only modules still offered (active) count, and only ``codes`` when given (the modules
    of the instance)."""
    allowed = set(codes) if codes is not None else None
    rows = (
        Wish.objects.filter(
            window__level_id=plan.level_id, window__period_id=plan.period_id, module__active=True
        )
        .order_by("student_id", "rank")
        .values_list("student_id", "module__code")
    )
    wishes: dict[int, list[str]] = defaultdict(list)
    for student_id, code in rows:
        if allowed is None or code in allowed:
            wishes[student_id].append(code)
    return {student_id: tuple(codes) for student_id, codes in wishes.items()}


@dataclass
class Served:
    """What the newest proposed or published plan made of the wishes."""

    plan: Plan
    wishers: int
    #: (best wish honoured: 1, 2, 3, or None for none, count of pupils)
    counts: list[tuple[int | None, int]]

    def share(self, count: int) -> float:
        return count / self.wishers if self.wishers else 0.0


def wishes_served(window: WishWindow) -> Served | None:
    """Among pupils with wishes placed by the newest proposed or published plan of the
    window's level and period: how many got their 1st, 2nd, 3rd wish (their best one), or
    none. None without such a plan."""
    plan = (
        Plan.objects.filter(
            level=window.level,
            period=window.period,
            status__in=[Plan.Status.PROPOSED, Plan.Status.PUBLISHED],
        )
        .order_by("-version")
        .first()
    )
    if plan is None:
        return None
    attended: dict[int, set[int]] = defaultdict(set)
    for student_id, module_id in Assignment.objects.filter(group__plan=plan).values_list(
        "student_id", "group__module_id"
    ):
        attended[student_id].add(module_id)
    best: Counter[int | None] = Counter()
    ranks: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for student_id, rank, module_id in window.wishes.values_list("student_id", "rank", "module_id"):
        ranks[student_id].append((rank, module_id))
    wishers = 0
    for student_id, wished in ranks.items():
        if student_id not in attended:
            continue  # not placed by this plan (left the level, or arrived after it)
        wishers += 1
        honoured = [rank for rank, module_id in wished if module_id in attended[student_id]]
        best[min(honoured) if honoured else None] += 1
    counts: list[tuple[int | None, int]] = [
        (rank, best.get(rank, 0)) for rank in range(1, window.max_wishes + 1)
    ]
    counts.append((None, best.get(None, 0)))
    return Served(plan=plan, wishers=wishers, counts=counts)


# A pupil's windows --------------------------------------------------------------------------


def pupil_of_user(user: Any, school: Any) -> Student | None:
    """The pupil record of a logged-in pupil in a school."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Student.objects.filter(user=user, school=school).select_related("division__level").first()
    )


def student_windows(student: Student, *, only_open: bool = False) -> list[WishWindow]:
    """The windows of the pupil's level (this year) that have opened, newest period first;
    with ``only_open``, those open today."""
    if student.division is None or student.exit_date is not None:
        return []
    now = today()
    windows = WishWindow.objects.filter(
        level_id=student.division.level_id, opens_on__lte=now
    ).select_related("period", "level")
    if only_open:
        windows = windows.filter(closes_on__gte=now)
    return list(windows.prefetch_related("modules").order_by("-period__number"))


def wishes_of(student: Student, windows: Sequence[WishWindow]) -> dict[int, list[Wish]]:
    """The pupil's wishes in each window, by window pk (one query)."""
    result: dict[int, list[Wish]] = defaultdict(list)
    for wish in (
        Wish.objects.filter(student=student, window__in=windows)
        .select_related("module")
        .order_by("rank")
    ):
        result[wish.window_id].append(wish)
    return result
