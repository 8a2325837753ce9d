from datetime import time

from appui.core.timetable import SlotRecord, find_conflicts, overlap


def slot(
    id, weekday=1, start=(10, 0), end=(11, 30), periods=(1,), staff=(), rooms=(), divisions=()
):
    return SlotRecord(
        id=id,
        label=f"S{id}",
        weekday=weekday,
        start=time(*start),
        end=time(*end),
        periods=frozenset(periods),
        staff=frozenset(staff),
        rooms=frozenset(rooms),
        divisions=frozenset(divisions),
    )


def test_slots_overlap_only_on_the_same_day_hours_and_period():
    assert overlap(slot(1), slot(2, start=(11, 0), end=(12, 0)))
    assert not overlap(slot(1), slot(2, start=(11, 30), end=(12, 30)))  # back to back
    assert not overlap(slot(1), slot(2, weekday=2))
    assert not overlap(slot(1, periods=(1,)), slot(2, periods=(2,)))


def test_a_teacher_in_two_overlapping_slots_is_a_conflict():
    conflicts = find_conflicts(
        [slot(1, staff=(7,)), slot(2, staff=(7, 8), start=(10, 30), end=(12, 0))],
        names={"staff": {7: "Mme Martin"}},
    )
    assert [(c.kind, c.item) for c in conflicts] == [("staff", 7)]
    assert "Mme Martin" in conflicts[0].message and "S1" in conflicts[0].message


def test_rooms_and_divisions_too():
    conflicts = find_conflicts(
        [slot(1, rooms=(3,), divisions=(5,)), slot(2, rooms=(3,), divisions=(5,))]
    )
    assert {c.kind for c in conflicts} == {"room", "division"}


def test_no_conflict_without_overlap():
    assert find_conflicts([slot(1, staff=(7,)), slot(2, staff=(7,), weekday=3)]) == []
