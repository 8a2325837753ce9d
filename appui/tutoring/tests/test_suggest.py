"""Suggested tutors on plain records: each rule on a tiny case."""

from appui.tutoring.suggest import Proposal, Pupil, Reason, Seat, suggest


def test_the_former_tutor_comes_first():
    proposals, unplaced = suggest(
        [Pupil("s1", previous_tutor="t2", teachers=frozenset({"t1"}))],
        {"t1": Seat(0, 3), "t2": Seat(2, 3)},
    )
    assert proposals == [Proposal("s1", "t2", Reason.PREVIOUS)]
    assert unplaced == []


def test_a_teacher_of_the_student_comes_next():
    proposals, _ = suggest(
        [Pupil("s1", teachers=frozenset({"t2"}))], {"t1": Seat(0, 3), "t2": Seat(2, 3)}
    )
    assert proposals == [Proposal("s1", "t2", Reason.TEACHER)]


def test_otherwise_the_load_is_balanced():
    proposals, _ = suggest(
        [Pupil("s1"), Pupil("s2"), Pupil("s3")], {"t1": Seat(1, 3), "t2": Seat(0, 3)}
    )
    # t2 (0) takes s1, then both at 1: t1 by id takes s2, then t2 (1 < 2) takes s3.
    assert [(p.student, p.tutor) for p in proposals] == [("s1", "t2"), ("s2", "t1"), ("s3", "t2")]
    assert {p.reason for p in proposals} == {Reason.LOAD}


def test_a_full_former_tutor_is_not_proposed():
    proposals, _ = suggest([Pupil("s1", previous_tutor="t1")], {"t1": Seat(2, 2), "t2": Seat(0, 2)})
    assert proposals == [Proposal("s1", "t2", Reason.LOAD)]


def test_no_tutor_ever_exceeds_the_maximum():
    pupils = [Pupil(f"s{i}", teachers=frozenset({"t1"})) for i in range(7)]
    proposals, unplaced = suggest(pupils, {"t1": Seat(1, 3), "t2": Seat(0, 2)})
    load = {"t1": 1, "t2": 0}
    for p in proposals:
        load[p.tutor] += 1
    assert load == {"t1": 3, "t2": 2}
    assert len(unplaced) == 3


def test_the_most_constrained_students_are_served_first():
    # s2 has one teacher-tutor with one seat left; s1 could go anywhere.
    proposals, _ = suggest(
        [Pupil("s1", teachers=frozenset({"t1"})), Pupil("s0")],
        {"t1": Seat(1, 2), "t2": Seat(0, 2)},
    )
    assert proposals[0] == Proposal("s1", "t1", Reason.TEACHER)


def test_it_is_deterministic():
    pupils = [Pupil(i, teachers=frozenset({1, 2})) for i in range(10)]
    seats = {1: Seat(0, 5), 2: Seat(0, 5)}
    assert suggest(pupils, seats) == suggest(list(reversed(pupils)), seats)
