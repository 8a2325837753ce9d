"""Metrics, on a plan small enough to compute by hand."""

from appui.core.grouping import Group
from appui.core.grouping.metrics import compute, format_metrics

from .builders import instance, module, slot, student


def test_every_metric_on_a_hand_made_plan():
    inst = instance(
        [
            student("A", "2A", {"MATH": 3, "FR": 1}, wishes=("F",)),
            student("B", "2A", {"MATH": 1, "FR": 2}),
            student("C", "2B", {"MATH": 2}, wishes=("M", "F")),
            student("D", "2B", {}),
        ],
        slots=[slot("lun"), slot("mar")],
        modules=[module("M", "MATH", 1, 4), module("F", "FR", 1, 4)],
        previous_groups=[["A", "B"], ["C", "D"]],
    )
    plan = [
        Group("lun", "M", ("P1",), "R1", ("A", "B")),
        Group("lun", "F", ("P2",), "R2", ("C", "D")),
        Group("mar", "M", ("P1",), "R1", ("C", "D")),
        Group("mar", "F", ("P2",), "R2", ("A", "B")),
    ]
    m = compute(inst, plan, gap=0.02)
    # Served levels: A 3+1, B 1+2, C 2+0, D 0; top needs over 2 slots: A 3+1, B 2+1, C 2, D none.
    assert m["need_coverage"] == 9 / 9
    assert m["top_need_served"] == 1.0
    # Spreads: lun M {3,1}=2, lun F {0,0}=0, mar M {2,0}=2, mar F {1,2}=1.
    assert m["mean_spread"] == 5 / 4
    assert m["wishes_honoured"] == 3 / 3
    assert m["students_with_wish_honoured"] == 1.0
    assert m["divisions_per_group"] == 1.0
    assert m["single_division_groups"] == 4
    # Everyone is with the same partner as last period.
    assert m["changed_share"] == 0.0
    assert m["gap"] == 0.02
    assert "Couverture des besoins : 100,0 %" in format_metrics(m)
