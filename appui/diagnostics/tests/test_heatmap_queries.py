"""The need heatmaps of a level and of a division, and the results grid: their query count
does not grow with the pupils shown, and each cell still shows the pupil's need (read in SQL,
``need_levels``) or result."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appui.diagnostics.models import NeedProfile
from appui.diagnostics.selectors import need_levels
from appui.schools.models import Student
from appui.schools.tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def add_pupils(world, count: int) -> None:
    """``count`` pupils of division 2A: a marked reading need, a wish to deepen calculus, no
    known need in organisation (and a long profile, as real ones are)."""
    for index in range(count):
        NeedProfile.objects.create(
            student=StudentFactory(division=world.division, last_name=f"Élève{index:03}"),
            needs={
                "FR.LEC": {"level": 2, "kind": "remediation", "reason": "x" * 400},
                "MA.CAL": {"level": 1, "kind": "deepening", "evidence": [{"a": 1}] * 20},
            },
        )


def queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("name", ["diagnostics:level-needs", "diagnostics:division-needs"])
def test_heatmap_queries_do_not_grow_with_the_pupils(
    world, campaign, login, name, django_assert_max_num_queries
):
    client = login(world.users["coordinator"])
    target = world.level if name == "diagnostics:level-needs" else world.division
    url = reverse(name, args=[target.pk])
    add_pupils(world, 2)
    small, html = queries(client, url)
    assert html.count('<td class="need need-2" data-value="2" title="marqué — soutien">2</td>') == 2
    assert html.count('title="léger — approfondissement">1▲</td>') == 2
    add_pupils(world, 25)
    with django_assert_max_num_queries(small):
        _count, html = queries(client, url)
    assert html.count('title="marqué — soutien">2</td>') == 27


def test_need_levels_reads_the_level_and_kind_of_the_codes_asked(world):
    add_pupils(world, 1)
    student = NeedProfile.objects.get().student
    assert need_levels([student.pk], ["FR.LEC", "ME.ORG", "MA.CAL"]) == {
        student.pk: {
            "FR.LEC": {"level": 2, "kind": "remediation"},
            "MA.CAL": {"level": 1, "kind": "deepening"},
        }
    }
    assert need_levels([student.pk], []) == {}
    # No pupil, a queryset of pupils, a code no profile holds, a code with a comma (read as
    # one key, not as a path).
    assert need_levels([], ["FR.LEC"]) == {}
    assert need_levels(Student.objects.filter(pk=student.pk), ["FR.LEC", "X,Y"]) == {
        student.pk: {"FR.LEC": {"level": 2, "kind": "remediation"}}
    }
    assert need_levels(Student.objects.none(), ["FR.LEC"]) == {}


def test_the_results_grid_queries_do_not_grow_with_the_pupils(
    world, campaign, competency, login, django_assert_max_num_queries
):
    from appui.diagnostics import services

    client = login(world.users["coordinator"])
    url = reverse("diagnostics:result-grid", args=[campaign.pk, world.division.pk])
    services.result_set(
        campaign=campaign,
        student=world.student,
        competency=competency,
        text="3",
        user=world.users["coordinator"],
        expected_version=0,
    )
    small, html = queries(client, url)
    # An editable cell a pupil and competency (3 × 2 pupils), the saved value shown.
    assert html.count('<td class="cell "') == 6
    assert 'name="value" value="3"' in html
    add_pupils(world, 20)
    with django_assert_max_num_queries(small):
        _count, html = queries(client, url)
    assert html.count('<td class="cell "') == 66
