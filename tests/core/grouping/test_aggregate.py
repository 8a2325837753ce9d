"""The aggregated LP bound: never below the optimum, never below the model's LP, equal to it
where the aggregation is exact; computed beside the search in a child process."""

import dataclasses
import time

from hypothesis import HealthCheck, given, settings

from appui.core.grouping import aggregate, bounds, preset
from appui.core.grouping.aggregate import BoundTask, aggregated_bound, pupil_classes
from appui.core.grouping.feasibility import precheck
from appui.core.grouping.model import GroupingModel
from appui.core.grouping.prepare import Prepared
from tests.core.grouping.test_properties import instances

from .builders import instance, module, slot, students


def _symmetric(inst):
    """The instance with every slot given the first slot's staff and rooms, everyone
    available everywhere and no pair lists: slots and like pupils are interchangeable."""
    first = inst.slots[0]
    return inst.with_changes(
        slots=tuple(
            dataclasses.replace(t, staff=first.staff, rooms=first.rooms) for t in inst.slots
        ),
        students=tuple(
            dataclasses.replace(s, unavailable_slots=frozenset()) for s in inst.students
        ),
        together=(),
        apart=(),
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inst=instances())
def test_it_is_never_below_the_optimum_nor_the_models_lp(inst):
    prep = Prepared(inst)
    if precheck(prep):
        return  # no plan at all (e.g. a pair both together and apart)
    gm = GroupingModel(prep)
    bound = aggregated_bound(prep)
    outcome = gm.solve(time_limit=2.0, workers=1)
    if outcome.status == "infeasible":
        return
    assert bound is not None
    if outcome.status == "optimal":
        assert outcome.objective is not None and bound >= outcome.objective
    lp = bounds.lp_bound(gm.model)
    if lp is not None and not inst.apart:  # apart rows are plan-valid cuts (see aggregate)
        assert bound >= lp


def test_it_equals_the_models_lp_when_slots_and_pupils_are_interchangeable():
    prep = Prepared(_symmetric(preset("cap")))
    assert aggregated_bound(prep) == bounds.lp_bound(GroupingModel(prep).model)


def test_like_pupils_form_one_class_and_the_bound_is_unchanged():
    inst = instance(
        students(12, needs={"MATH": 3}) + students(6, prefix="F", needs={"FR": 2}),
        [
            slot(
                t, [(f"P{i}", ["MATH", "FR"]) for i in range(3)], [(f"R{i}", 14) for i in range(3)]
            )
            for t in ("t1", "t2")
        ],
        [module("MATH-s", "MATH", 4, 12), module("FR-s", "FR", 4, 12), module("CULT", None, 4, 12)],
    )
    prep = Prepared(inst)
    classes = pupil_classes(prep)
    assert sorted(c.count for c in classes) == [6, 12]
    assert aggregated_bound(prep) == bounds.lp_bound(GroupingModel(prep).model)


def test_together_pairs_share_their_placements_in_the_bound():
    # Two pupils kept together cannot each follow their own best module: the model's LP
    # knows it (they share literals) and so does the aggregated LP.
    inst = preset("cap")
    assert inst.together
    prep = Prepared(inst)
    full = bounds.lp_bound(GroupingModel(prep).model)
    apart_free = aggregated_bound(Prepared(inst.with_changes(together=())))
    assert aggregated_bound(prep) == full
    assert apart_free is not None and full is not None and apart_free > full


def test_a_start_plan_and_locks_keep_it_a_bound():
    from appui.core.grouping import Lock, greedy_plan, validation
    from appui.core.grouping import start as start_plan

    inst = preset("cap")
    plan = greedy_plan(inst)
    first = plan[0]
    locked = inst.with_changes(locked=(Lock(first.students[0], first.slot, first.module),))
    places = start_plan.placements(locked, plan)
    prep = Prepared(locked)
    bound = aggregated_bound(prep, start=places)
    assert bound is not None and bound >= validation.objective(locked, plan, start=plan)
    gm = GroupingModel(prep, start=places)
    assert bound >= bounds.lp_bound(gm.model)


def test_a_child_process_gives_the_same_bound(monkeypatch):
    monkeypatch.setattr(aggregate, "FORK_ABOVE", 0)
    prep = Prepared(preset("cap"))
    task = BoundTask(prep, time_limit=30.0)
    assert task._process is not None
    assert task.result(time.perf_counter() + 30.0) == aggregated_bound(prep)
    assert task._process is None  # ended and joined


def test_a_bound_not_ready_in_time_is_dropped_and_its_process_ended(monkeypatch):
    monkeypatch.setattr(aggregate, "FORK_ABOVE", 0)
    task = BoundTask(Prepared(preset("450")), time_limit=30.0)
    process = task._process
    assert task.result(time.perf_counter(), final=False) is None
    assert process.is_alive()
    assert task.result(time.perf_counter()) is None
    assert not process.is_alive()


def test_a_solve_out_of_time_returns_the_greedy_plan_not_unknown():
    # Far too little time for anything but the greedy plan (whose opening of groups stops
    # at the deadline, then seats everyone): still a valid plan, never "unknown".
    from appui.core.grouping import solve
    from appui.core.grouping.validation import violations

    inst = preset("300")
    lock = next(iter(pupil_classes(Prepared(inst))))  # any pupil, locked where it can go
    first = lock.members[0]
    t = inst.slots[0].id
    module_id = Prepared(inst).options[first, t][-1]
    from appui.core.grouping import Lock

    locked = inst.with_changes(locked=(Lock(first, t, module_id),))
    for case in (inst, locked):
        solution = solve(case, time_limit=0.05, workers=1)
        assert solution.status == "feasible"
        assert violations(case, list(solution.groups)) == []


def test_the_greedy_plan_seats_a_locked_pupil_before_the_module_fills():
    # The locked pupil gains least from MATH, so by need alone they would come last and
    # find its only group full (the 1,000-pupil bench answered "unknown" that way).
    from appui.core.grouping import Lock, greedy_plan
    from appui.core.grouping.validation import violations

    people = [(f"P{i}", ["MATH", "FR"]) for i in range(2)]
    inst = instance(
        students(4, needs={"MATH": 3}) + students(4, prefix="F", needs={"FR": 3, "MATH": 1}),
        [slot("t1", people, [("R1", 4), ("R2", 4)])],
        [module("MATH-s", "MATH", 2, 4, max_groups=1), module("FR-s", "FR", 2, 4)],
        locked=[{"student": "F1", "slot": "t1", "module": "MATH-s"}],
    )
    assert inst.locked == (Lock("F1", "t1", "MATH-s"),)
    plan = greedy_plan(inst)
    assert violations(inst, plan) == []
