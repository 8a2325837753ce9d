"""The seeded generator: same seed, same instance; realistic sizes."""

import hashlib

from appui.core.grouping import preset


def test_same_seed_same_instance_and_sizes():
    a, b = preset("cap", seed=7), preset("cap", seed=7)
    assert (
        hashlib.sha256(a.to_json().encode()).digest()
        == hashlib.sha256(b.to_json().encode()).digest()
    )
    assert preset("cap", seed=8).to_json() != a.to_json()
    assert (len(a.students), len(a.slots)) == (120, 2)
    assert len({s.division for s in a.students}) == 5
    assert a.previous_groups and a.together and a.apart
    assert all(g.module for g in a.previous_groups)
