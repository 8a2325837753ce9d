"""The plan workspace's inputs (selectors.plan_inputs): the counts it shows and the warnings a
coordinator reads before forming the groups."""

import pytest
from django.urls import reverse

from appui.diagnostics.models import NeedProfile
from appui.planning import selectors

pytestmark = pytest.mark.django_db


def inputs(world, planning) -> dict:
    return selectors.plan_inputs(world.level, planning["period"])


def test_counts_and_no_warning_on_sound_inputs(world, planning):
    for student in (world.student, world.classmate):
        NeedProfile.objects.create(
            student=student, needs={"FR.LEC": {"level": 2, "kind": "remediation"}}
        )
    found = inputs(world, planning)
    assert found["students"] == 2
    assert found["profiled"] == 2
    assert [(s.staff_count, s.room_count) for s in found["slots"]] == [(2, 2), (2, 2)]
    assert [m.code for m in found["modules"]] == ["CAL-S", "LEC-S"]
    assert found["warnings"] == []
    assert [count for _label, count in found["demand"]] == [2]
    assert found["demand"][0][0].startswith("FR.LEC")


def test_each_missing_input_is_named(world, planning):
    framework_codes = set(world.school.frameworks.values_list("competencies__code", flat=True)) - {
        "FR.LEC",
        "MA.CAL",
    }
    unserved = sorted(framework_codes)[0]
    NeedProfile.objects.create(
        student=world.student, needs={unserved: {"level": 3, "kind": "remediation"}}
    )
    first, second = planning["slots"]
    second.staff.clear()
    first.rooms.set([planning["rooms"][0]])
    planning["rooms"][0].capacity = 1
    planning["rooms"][0].save()
    lec, cal = planning["modules"]
    cal.staff.clear()
    found = inputs(world, planning)
    warnings = found["warnings"]
    assert [(s.staff_count, s.room_count) for s in found["slots"]] == [(2, 1), (0, 2)]
    assert any("1 élève sans profil de besoins" in w for w in warnings)
    assert any(f"Barrette {first}" in w and "capacité des salles 1" in w for w in warnings)
    assert not any(f"Barrette {second}" in w and "capacité" in w for w in warnings)
    assert any(f"Barrette {second} : aucun personnel disponible" in w for w in warnings)
    assert not any(f"Barrette {first} : aucun personnel" in w for w in warnings)
    assert "Module CAL-S : personne ne peut l'animer." in warnings
    assert "Module LEC-S : personne ne peut l'animer." not in warnings
    assert any("1 élève a pour premier besoin" in w and unserved in w for w in warnings)


def test_the_workspace_page_shows_them(world, planning, login):
    planning["slots"][1].staff.clear()
    client = login(world.users["coordinator"])
    url = reverse("planning:plan-workspace", args=[world.level.pk, planning["period"].pk])
    html = client.get(url).content.decode()
    assert '<p class="figure">2</p>' in html
    assert "aucun personnel disponible" in html
