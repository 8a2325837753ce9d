import pytest
from django.urls import reverse

from appui.planning import services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def plan(world, planning):
    plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
    services.plan_solve(plan=plan)
    plan.refresh_from_db()
    return plan


def content(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_plan_exports_one_row_per_student_and_group(world, planning, plan, login):
    response = login(world.users["coordinator"]).get(
        reverse("interop:plan-export", args=[plan.pk]), {"format": "csv"}
    )
    lines = content(response).strip().splitlines()
    assert lines[0].startswith("Barrette;Séquence;Module;Intitulé")
    # Two students, each in one group in each of the two slots.
    assert len(lines) == 1 + 4
    assert sum("MARTIN" in line or "Martin" in line for line in lines) == 2


def test_teachers_and_outsiders_cannot_export_a_plan(world, planning, plan, login):
    url = reverse("interop:plan-export", args=[plan.pk])
    assert login(world.users["teacher"]).get(url, {"format": "csv"}).status_code == 403
    assert login(world.users["outsider"]).get(url, {"format": "csv"}).status_code == 404


def test_the_plan_page_links_to_the_downloads(world, planning, plan, login):
    body = (
        login(world.users["coordinator"])
        .get(reverse("planning:plan-detail", args=[plan.pk]))
        .content.decode()
    )
    assert reverse("interop:plan-export", args=[plan.pk]) in body
