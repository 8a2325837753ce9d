"""Suggested tutors: plain records in, proposals out (no database here).

Rules, in order (seed 003, « Le tutorat au lycée »):

1. never beyond a tutor's maximum — a tutor with no room left is never proposed;
2. the same tutor throughout — a student whose tutor of an earlier year volunteers again gets
   that tutor back while they have room;
3. a teacher of the student — otherwise, among the tutors who teach the student's division,
   the least loaded;
4. balance the load — otherwise the least loaded tutor of all.

Students are handled most constrained first: those going back to their former tutor, then
those with the fewest teachers among the tutors with room, then those with none, then by id. Ties between tutors go
to the lowest load, then the lowest id. The same input always gives the same proposals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

Ref = int | str
S = TypeVar("S", bound=Ref)
"""A student's id (primary keys in the app, short codes in the tests)."""
T = TypeVar("T", bound=Ref)
"""A tutor's id."""


class Reason(StrEnum):
    PREVIOUS = "previous"
    TEACHER = "teacher"
    LOAD = "load"


@dataclass(frozen=True)
class Pupil(Generic[S, T]):
    """A student without a tutor: their former tutor (a tutor id) and their teachers' ids."""

    id: S
    previous_tutor: T | None = None
    teachers: frozenset[T] = frozenset()


@dataclass(frozen=True)
class Seat:
    """A tutor's current load and maximum."""

    load: int
    maximum: int


@dataclass(frozen=True)
class Proposal(Generic[S, T]):
    student: S
    tutor: T
    reason: Reason


def _key(value: Ref) -> tuple[int, int, str]:
    return (0, value, "") if isinstance(value, int) else (1, 0, value)


def suggest(
    pupils: Iterable[Pupil[S, T]], seats: Mapping[T, Seat]
) -> tuple[list[Proposal[S, T]], list[S]]:
    """Proposals, and the students left without one (every tutor full)."""
    load = {tutor: seat.load for tutor, seat in seats.items()}

    def has_room(tutor: T) -> bool:
        return tutor in seats and load[tutor] < seats[tutor].maximum

    def least_loaded(candidates: Iterable[T]) -> T | None:
        open_ = [t for t in candidates if has_room(t)]
        if not open_:
            return None
        return min(open_, key=lambda t: (load[t], _key(t)))

    def urgency(pupil: Pupil[S, T]) -> tuple[int, int, tuple[int, int, str]]:
        if pupil.previous_tutor is not None and has_room(pupil.previous_tutor):
            return (0, 0, _key(pupil.id))
        teachers = sum(1 for t in pupil.teachers if has_room(t))
        # Few teacher-tutors with room: served early, before others fill them. None at all:
        # any tutor will do, so last.
        return (1, teachers, _key(pupil.id)) if teachers else (2, 0, _key(pupil.id))

    items = sorted(pupils, key=urgency)
    proposals: list[Proposal[S, T]] = []
    unplaced: list[S] = []
    for pupil in items:
        choice: T | None
        if pupil.previous_tutor is not None and has_room(pupil.previous_tutor):
            choice, reason = pupil.previous_tutor, Reason.PREVIOUS
        else:
            choice, reason = least_loaded(pupil.teachers), Reason.TEACHER
            if choice is None:
                choice, reason = least_loaded(seats), Reason.LOAD
        if choice is None:
            unplaced.append(pupil.id)
            continue
        load[choice] += 1
        proposals.append(Proposal(pupil.id, choice, reason))
    return proposals, unplaced
