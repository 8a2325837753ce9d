"""The baselines: a careful coordinator's greedy plan, and groups = divisions."""

from collections import Counter

from appui.core.grouping import division_plan, greedy_plan, preset
from appui.core.grouping.validation import objective, violations


def test_the_greedy_plan_meets_every_hard_rule_on_a_realistic_level():
    inst = preset("cap", seed=5)
    plan = greedy_plan(inst, seed=5)
    assert violations(inst, plan) == []
    assert objective(inst, plan) >= objective(inst, greedy_plan(inst, seed=5, polish=False))


def test_the_division_plan_breaks_the_size_rules():
    inst = preset("cap", seed=5)
    plan = division_plan(inst)
    assert len(plan) == len(inst.slots) * len({s.division for s in inst.students})
    broken = Counter(v.rule for v in violations(inst, plan))
    assert broken["size"] >= len(plan) // 2


def test_a_plan_breaking_rules_is_scored_but_marked_invalid():
    from appui.core.grouping import finish

    inst = preset("cap", seed=5)
    solution = finish(inst, division_plan(inst), bound=10_000)
    assert solution.status == "invalid"
    assert solution.gap is None
    assert solution.messages and all(isinstance(m, str) for m in solution.messages)
    assert str(violations(inst, list(solution.groups))[0]) == solution.messages[0]
