"""Rounds (séquences): a level's period cut into short sequences of 3 to 5 sessions.

Seed 004 (« construire des séquences courtes (3 à 5 séances) », « la phase de diagnostic doit
être reconduite à la suite de chaque période »): a period of seven weeks holds two short
modules rather than one long one. Each round has groups of its own; the solver forms the
groups of every round of the period together (see ``grouping.build_instance``), and a round
that has started keeps its groups when the later ones are formed again from updated profiles.

The one place for the rules on rounds: the dates a group of a round meets
(:func:`meeting_span`, :func:`round_dates`), the proposed cuts, their warnings, and the writes
(cut, edit, delete). Rounds tile the period: each starts the day after the previous one ends.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from appui.core.calendar import school_days
from appui.schools.models import Level, Period
from appui.schools.templatetags.french import french_date

from .models import Group, Plan, Round, Slot

#: Seed 004: short sequences of 3 to 5 sessions.
MIN_SESSIONS = 3
MAX_SESSIONS = 5


# --------------------------------------------------------------------------- dates


def meeting_span(
    period_start: dt.date,
    period_end: dt.date,
    round_start: dt.date | None = None,
    round_end: dt.date | None = None,
) -> tuple[dt.date, dt.date]:
    """The days a group may meet: its period, narrowed to its round when it has one."""
    if round_start is None or round_end is None:
        return period_start, period_end
    return max(period_start, round_start), min(period_end, round_end)


def _zone(level: Level) -> str:
    return level.year.school.holiday_zone


def round_dates(round: Round, slot: Slot) -> list[dt.date]:
    """The days ``slot`` meets in ``round``: school days on its weekday (holidays skipped)."""
    period = round.period
    start, end = meeting_span(period.start_date, period.end_date, round.starts_on, round.ends_on)
    return list(school_days(_zone(round.level), start, end, slot.weekday))


def level_slots(level: Level, period: Period) -> list[Slot]:
    """The level's slots running in ``period`` (the ones whose dates rounds are counted on)."""
    return list(
        Slot.objects.filter(level=level, periods=period)
        .distinct()
        .order_by("weekday", "start_time")
    )


def rounds_of(level: Level, period: Period) -> list[Round]:
    return list(
        Round.objects.filter(level=level, period=period)
        .select_related("level__year__school", "period")
        .order_by("number")
    )


def round_label(round: Round) -> str:
    """« Séquence 1, du 2 novembre au 27 novembre »: the round and its dates (the same words
    as the template ``planning/_round_dates.html``)."""
    return _("%(round)s, from %(start)s to %(end)s") % {
        "round": round,
        "start": french_date(round.starts_on, "j F"),
        "end": french_date(round.ends_on, "j F"),
    }


def is_started(round: Round, today: dt.date | None = None) -> bool:
    """A round whose first day has come: its groups are kept when the plan is formed again."""
    return round.starts_on <= (today or timezone.localdate())


# --------------------------------------------------------------------------- proposals


@dataclass
class RoundSpan:
    """A round as proposed or as stored: its dates, and the sessions each slot has in it."""

    number: int
    starts_on: dt.date
    ends_on: dt.date
    #: (slot, number of dates of the slot in the round), in slot order.
    sessions: list[tuple[Slot, int]] = field(default_factory=list)
    round: Round | None = None
    warnings: list[str] = field(default_factory=list)
    groups: int = 0
    started: bool = False


@dataclass
class Proposal:
    count: int
    rounds: list[RoundSpan]

    @property
    def warnings(self) -> list[str]:
        return [w for r in self.rounds for w in r.warnings]


def _slot_dates(level: Level, period: Period, slots: list[Slot]) -> dict[int, list[dt.date]]:
    zone = _zone(level)
    return {
        slot.pk: list(school_days(zone, period.start_date, period.end_date, slot.weekday))
        for slot in slots
    }


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def cut_spans(level: Level, period: Period, count: int) -> list[tuple[dt.date, dt.date]]:
    """``count`` consecutive spans tiling the period, with about as many slot sessions each.

    The period's weeks in which a slot meets are shared out so that each round holds about
    the same number of sessions of the level's slots (a public holiday counts for nothing);
    a round starts on the Monday of its first week, the first one on the period's first day.
    """
    slots = level_slots(level, period)
    if not slots:
        raise ValidationError(_("No slot of this level runs in this period."))
    if count < 1:
        raise ValidationError(_("A period is cut into one round at least."))
    per_week: dict[dt.date, int] = {}
    for dates in _slot_dates(level, period, slots).values():
        for day in dates:
            per_week[_monday(day)] = per_week.get(_monday(day), 0) + 1
    weeks = sorted(per_week)
    if count > len(weeks):
        raise ValidationError(
            ngettext(
                "The period has only %(weeks)d week with a slot: it cannot be cut into "
                "%(count)d rounds.",
                "The period has only %(weeks)d weeks with a slot: it cannot be cut into "
                "%(count)d rounds.",
                len(weeks),
            )
            % {"weeks": len(weeks), "count": count}
        )
    total = sum(per_week.values())
    cumulative, running = [], 0
    for week in weeks:
        running += per_week[week]
        cumulative.append(running)
    # Boundary k (1..count-1): the first week of round k+1, where the sessions so far come
    # closest to k/count of the total, leaving at least one week to each round.
    starts = [0]
    for k in range(1, count):
        target = total * k / count
        low, high = starts[-1] + 1, len(weeks) - (count - k)
        best = min(range(low, high + 1), key=lambda i: (abs(cumulative[i - 1] - target), i))
        starts.append(best)
    spans = []
    for k, first in enumerate(starts):
        start = period.start_date if k == 0 else weeks[first]
        spans.append(start)
    return [
        (start, spans[k + 1] - dt.timedelta(days=1) if k + 1 < len(spans) else period.end_date)
        for k, start in enumerate(spans)
    ]


def _describe(
    level: Level, period: Period, slots: list[Slot], number: int, start: dt.date, end: dt.date
) -> RoundSpan:
    zone = _zone(level)
    first, last = meeting_span(period.start_date, period.end_date, start, end)
    sessions = [(slot, len(list(school_days(zone, first, last, slot.weekday)))) for slot in slots]
    span = RoundSpan(number=number, starts_on=start, ends_on=end, sessions=sessions)
    span.warnings = _session_warnings(number, sessions)
    return span


def _session_warnings(number: int, sessions: list[tuple[Slot, int]]) -> list[str]:
    """« La séquence 2 n'a que 2 séances » (seed 004: 3 to 5), per slot when they differ."""
    counts = {n for _slot, n in sessions}
    if not counts:
        return []
    same = len(counts) == 1
    warnings = []
    # The same count for every slot: one sentence for the round, else one per slot.
    for slot, n in sessions[:1] if same else sessions:
        where = "" if same else str(slot)
        if n == 0:
            text = _("Round %(number)d has no session") % {"number": number}
        elif n < MIN_SESSIONS:
            text = ngettext(
                "Round %(number)d has only %(n)d session",
                "Round %(number)d has only %(n)d sessions",
                n,
            ) % {"number": number, "n": n}
        elif n > MAX_SESSIONS:
            text = _("Round %(number)d has %(n)d sessions, more than %(max)d") % {
                "number": number,
                "n": n,
                "max": MAX_SESSIONS,
            }
        else:
            continue
        warnings.append(
            _("%(text)s (%(slot)s).") % {"text": text, "slot": where} if where else f"{text}."
        )
    return warnings


def proposals(level: Level, period: Period) -> list[Proposal]:
    """The cuts into 2, 3, … rounds worth offering: each round at least ``MIN_SESSIONS``
    weeks long where the period allows it (always the cut into two)."""
    slots = level_slots(level, period)
    if not slots:
        return []
    weeks = {_monday(d) for dates in _slot_dates(level, period, slots).values() for d in dates}
    most = max(2, len(weeks) // MIN_SESSIONS)
    out = []
    for count in range(2, min(most, len(weeks)) + 1):
        spans = cut_spans(level, period, count)
        out.append(
            Proposal(
                count=count,
                rounds=[
                    _describe(level, period, slots, number, start, end)
                    for number, (start, end) in enumerate(spans, start=1)
                ],
            )
        )
    return out


def round_overview(level: Level, period: Period, today: dt.date | None = None) -> dict:
    """The stored rounds of a level's period with their sessions per slot, groups and
    warnings, and the period's slot dates that no round covers."""
    today = today or timezone.localdate()
    slots = level_slots(level, period)
    rounds = rounds_of(level, period)
    used: dict[int, int] = {}
    for round_id in Group.objects.filter(round__in=rounds).values_list("round_id", flat=True):
        used[round_id] = used.get(round_id, 0) + 1
    spans = []
    for r in rounds:
        span = _describe(level, period, slots, r.number, r.starts_on, r.ends_on)
        span.round = r
        span.groups = used.get(r.pk, 0)
        span.started = is_started(r, today)
        spans.append(span)
    warnings = [w for span in spans for w in span.warnings]
    if rounds:
        uncovered = sorted(
            day
            for dates in _slot_dates(level, period, slots).values()
            for day in dates
            if not any(r.starts_on <= day <= r.ends_on for r in rounds)
        )
        if uncovered:
            warnings.append(
                ngettext(
                    "%(n)d slot date of the period is in no round (%(dates)s): no AP "
                    "session that day.",
                    "%(n)d slot dates of the period are in no round (%(dates)s): no AP "
                    "session those days.",
                    len(uncovered),
                )
                % {
                    "n": len(uncovered),
                    "dates": ", ".join(french_date(d, "j F") for d in uncovered[:6])
                    + ("…" if len(uncovered) > 6 else ""),
                }
            )
    return {"slots": slots, "rounds": spans, "warnings": warnings}


# --------------------------------------------------------------------------- writes


def _check_spans(period: Period, spans: list[tuple[dt.date, dt.date]]) -> None:
    """Within the period, in order, without overlap (French messages)."""
    errors = []
    previous_end = None
    for number, (start, end) in enumerate(spans, start=1):
        if end < start:
            errors.append(_("Round %(number)d ends before it starts.") % {"number": number})
        if start < period.start_date or end > period.end_date:
            errors.append(
                _("Round %(number)d goes beyond the period (%(start)s – %(end)s).")
                % {
                    "number": number,
                    "start": french_date(period.start_date, "j F"),
                    "end": french_date(period.end_date, "j F Y"),
                }
            )
        if previous_end is not None and start <= previous_end:
            errors.append(
                _("Round %(number)d starts before round %(previous)d ends.")
                % {"number": number, "previous": number - 1}
            )
        previous_end = end
    if errors:
        raise ValidationError(errors)


EDITABLE = (Plan.Status.DRAFT, Plan.Status.PROPOSED)


def _release(groups, message: str) -> None:
    """Make way for a new cut: groups of a published (or superseded) plan, or of a plan being
    solved, forbid it (``message``); the groups of a proposal are removed, and its plan goes
    back to draft (it is formed again on the new rounds)."""
    if groups.exclude(plan__status__in=EDITABLE).exists():
        raise ValidationError(message)
    plan_ids = set(groups.values_list("plan_id", flat=True))
    if not plan_ids:
        return
    Group.objects.filter(pk__in=groups.values("pk")).delete()
    Plan.objects.filter(pk__in=plan_ids).update(
        status=Plan.Status.DRAFT,
        objective=None,
        bound=None,
        gap=None,
        metrics={},
        revision=F("revision") + 1,
    )


def _require_not_solving(level: Level, period: Period) -> None:
    if Plan.objects.filter(level=level, period=period, status=Plan.Status.SOLVING).exists():
        raise ValidationError(_("A plan of this period is being solved: wait for it to finish."))


def _period_groups(level: Level, period: Period):
    return Group.objects.filter(plan__level=level, plan__period=period)


@transaction.atomic
def rounds_cut(
    *,
    level: Level,
    period: Period,
    count: int | None = None,
    spans: list[tuple[dt.date, dt.date]] | None = None,
) -> list[Round]:
    """Cut a level's period into rounds: ``count`` rounds of about equal sessions, or the
    explicit ``spans``. The previous cut is replaced, which is refused while groups use it."""
    if period.year_id != level.year_id:
        raise ValidationError(_("This period is not of the level's year."))
    existing = Round.objects.select_for_update().filter(level=level, period=period)
    if spans is None:
        if count is None:
            raise ValidationError(_("Say how many rounds, or give their dates."))
        spans = cut_spans(level, period, count)
    _check_spans(period, spans)
    # The proposals of the period were formed on the old cut (or on none): they are formed
    # again; a published plan keeps its groups and rounds.
    _require_not_solving(level, period)
    _release(_period_groups(level, period).filter(plan__status__in=EDITABLE), "")
    _release(
        Group.objects.filter(round__in=existing),
        _("A published plan uses the rounds of this period: they cannot be cut again."),
    )
    existing.delete()
    return [
        Round.objects.create(level=level, period=period, number=n, starts_on=start, ends_on=end)
        for n, (start, end) in enumerate(spans, start=1)
    ]


@transaction.atomic
def round_update(*, round: Round, starts_on: dt.date, ends_on: dt.date, label: str = "") -> Round:
    """New dates (and label) for a round; its neighbours must not overlap it. Refused once
    a published plan uses it: its sessions are dated already."""
    round = Round.objects.select_for_update().select_related("period").get(pk=round.pk)
    dates_change = (starts_on, ends_on) != (round.starts_on, round.ends_on)
    if (
        dates_change
        and Group.objects.filter(
            round=round, plan__status__in=[Plan.Status.PUBLISHED, Plan.Status.SUPERSEDED]
        ).exists()
    ):
        raise ValidationError(
            _("%(round)s is published: its sessions are dated, its dates can no longer change.")
            % {"round": round}
        )
    others = list(Round.objects.filter(level=round.level_id, period=round.period_id))
    spans = sorted(
        ((r.number, (starts_on, ends_on) if r.pk == round.pk else (r.starts_on, r.ends_on)))
        for r in others
    )
    _check_spans(round.period, [span for _number, span in spans])
    round.starts_on, round.ends_on, round.label = starts_on, ends_on, label.strip()
    round.full_clean()
    round.save()
    return round


@transaction.atomic
def round_delete(*, round: Round) -> None:
    """Delete a round no published plan uses (a proposal's groups in it are removed, the
    proposal goes back to draft); the later rounds are numbered again."""
    _require_not_solving(round.level, round.period)
    _release(
        Group.objects.filter(round=round),
        _("%(round)s holds published groups: it cannot be removed.") % {"round": round},
    )
    later = list(
        Round.objects.select_for_update()
        .filter(level=round.level_id, period=round.period_id, number__gt=round.number)
        .order_by("number")
    )
    round.delete()
    for r in later:  # ascending: each number is free when it is taken
        r.number -= 1
        r.save(update_fields=["number"])


@transaction.atomic
def rounds_clear(*, level: Level, period: Period) -> int:
    """Remove the cut of a level's period (refused while a published plan uses its rounds;
    a proposal's groups are removed, the proposal goes back to draft)."""
    rounds = Round.objects.select_for_update().filter(level=level, period=period)
    _require_not_solving(level, period)
    _release(
        Group.objects.filter(round__in=rounds),
        _("A published plan uses the rounds of this period: the cut cannot be removed."),
    )
    count, _detail = rounds.delete()
    return count
