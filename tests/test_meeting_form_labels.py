"""The meeting form's group choices read differently from one another."""

from types import SimpleNamespace

from appui.steering.forms import distinct_group_labels


def group(pk, module="M1", slot="lundi 10 h", level="2PRO", label="", staff=()):
    return SimpleNamespace(
        pk=pk,
        plan=SimpleNamespace(period=SimpleNamespace(name="P1"), level=SimpleNamespace(name=level)),
        module=SimpleNamespace(code=module),
        slot=slot,
        label=label,
        staff=SimpleNamespace(all=lambda: list(staff)),
    )


def test_labels_tell_groups_apart():
    groups = [
        group(1, level="2PRO"),
        group(2, level="1PRO"),
        group(3, staff=["M. Durand"]),
        group(4, staff=["Mme Petit"]),
        group(5),
        group(6, module="M2"),
    ]
    labels = distinct_group_labels(groups)
    assert len(set(labels.values())) == len(groups)
    assert labels[2] == "P1 — 1PRO — M1 — lundi 10 h"
    assert labels[6] == "P1 — 2PRO — M2 — lundi 10 h"
    assert labels[3] == "P1 — 2PRO — M1 — lundi 10 h — M. Durand"
    # Two groups with nothing else to tell them apart get a rank.
    assert labels[1] == "P1 — 2PRO — M1 — lundi 10 h (1)"
    assert labels[5] == "P1 — 2PRO — M1 — lundi 10 h (2)"
