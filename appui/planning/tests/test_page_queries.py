"""The plan page (proposed and published) and a group's page: their query count does not grow
with the pupils shown, and the board still shows each pupil's need level on the group's
competency (read from the profile in SQL, ``need_levels``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appui.diagnostics.models import NeedProfile
from appui.planning.models import Assignment, Group, Module, Plan, Room
from appui.schools.models import Staff
from appui.schools.tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world, planning):
    """A proposed plan: on each slot, LEC-S (FR.LEC) and CAL-S (MA.CAL); rooms and groups
    large enough for every pupil added (the same rules broken, small or large)."""
    Module.objects.filter(school=world.school).update(max_size=100)
    Room.objects.filter(school=world.school).update(capacity=100)
    plan = Plan.objects.create(
        level=world.level, period=planning["period"], status=Plan.Status.PROPOSED
    )
    other = Staff.objects.get(user=world.users["coordinator"])
    for slot in planning["slots"]:
        for module, room, staff in zip(
            planning["modules"], planning["rooms"], (planning["teacher"], other), strict=True
        ):
            group = Group.objects.create(plan=plan, slot=slot, module=module, room=room)
            group.staff.set([staff])
    return plan


def add_pupils(world, plan, count: int) -> None:
    """``count`` pupils of division 2A, each in the LEC-S group of every slot, with a marked
    reading need (and a long profile, as real ones are)."""
    groups = list(plan.groups.filter(module__code="LEC-S"))
    for index in range(count):
        student = StudentFactory(division=world.division, last_name=f"Élève{index:03}")
        NeedProfile.objects.create(
            student=student,
            needs={
                "FR.LEC": {"level": 2, "kind": "remediation", "reason": "x" * 400},
                "MA.CAL": {"level": 1, "kind": "remediation", "evidence": [{"a": 1}] * 20},
            },
        )
        for group in groups:
            Assignment.objects.create(group=group, student=student, locked=index % 2 == 0)


def queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("status", [Plan.Status.PROPOSED, Plan.Status.PUBLISHED])
def test_the_plan_page_queries_do_not_grow_with_the_pupils(
    world, plan, login, status, django_assert_max_num_queries
):
    Plan.objects.filter(pk=plan.pk).update(status=status)
    client = login(world.users["coordinator"])
    url = reverse("planning:plan-detail", args=[plan.pk])
    add_pupils(world, plan, 2)
    small, html = queries(client, url)
    assert html.count('<li class="chip') == 4
    # Their need on the group's competency (FR.LEC: 2), not on another one.
    assert html.count('<span class="need n2">') == 4
    assert html.count('<li class="chip pinned"') == 2
    add_pupils(world, plan, 25)
    with django_assert_max_num_queries(small):
        _count, html = queries(client, url)
    assert html.count('<li class="chip') == 54
    assert html.count('<span class="need n2">') == 54


def test_a_group_page_queries_do_not_grow_with_its_pupils(
    world, plan, login, django_assert_max_num_queries
):
    client = login(world.users["coordinator"])
    group = plan.groups.filter(module__code="LEC-S").first()
    url = reverse("planning:group-detail", args=[group.pk])
    add_pupils(world, plan, 2)
    small, _html = queries(client, url)
    add_pupils(world, plan, 20)
    with django_assert_max_num_queries(small):
        _count, html = queries(client, url)
    assert html.count("— 2A</li>") == 22


def test_the_plan_page_evaluates_the_plan_once_per_revision(
    world, plan, login, monkeypatch, time_machine
):
    """(The evaluation is kept for a day: the clock is held at today's noon, so a run that
    crosses midnight does not evaluate once more.)"""
    import datetime
    import zoneinfo

    from django.utils import timezone

    from appui.planning import grouping, services, versions

    noon = datetime.datetime.combine(
        timezone.localdate(), datetime.time(12), zoneinfo.ZoneInfo("Europe/Paris")
    )
    time_machine.move_to(noon, tick=True)
    add_pupils(world, plan, 3)
    calls = []
    evaluate = grouping.evaluate

    def counted(target, **kwargs):
        calls.append(target.revision)
        return evaluate(target, **kwargs)

    monkeypatch.setattr(grouping, "evaluate", counted)
    client = login(world.users["coordinator"])
    url = reverse("planning:plan-detail", args=[plan.pk])
    first = client.get(url).context["evaluation"]
    assert client.get(url).context["evaluation"] == first
    assert len(calls) == 1
    # A write to the groups bumps the revision: evaluated again.
    versions.bump_revision(plan)
    client.get(url)
    assert len(calls) == 2
    # So do new weights (the objective depends on them).
    plan.refresh_from_db()
    services.plan_set_weights(plan=plan, weights={"need": 7})
    client.get(url)
    client.get(url)
    assert len(calls) == 3
    # What the rules read outside the plan: a room's capacity, a module's size, a pupil who
    # arrives, a need profile recomputed — each is seen at the next view, not the next day
    # (saved as the app's forms and services save them: the school's data version moves).
    from appui.diagnostics.models import NeedProfile
    from appui.planning.models import Module, Room

    room = Room.objects.filter(school=world.school).first()
    room.capacity += 1
    room.save()
    client.get(url)
    assert len(calls) == 4
    client.get(url)
    assert len(calls) == 4
    module = Module.objects.filter(school=world.school, active=True).first()
    module.max_size += 1
    module.save()
    client.get(url)
    assert len(calls) == 5
    add_pupils(world, plan, 1)
    client.get(url)
    assert len(calls) == 6
    profile = NeedProfile.objects.filter(student__school=world.school).first()
    profile.save()  # computed_at moves on
    client.get(url)
    assert len(calls) == 7
    client.get(url)  # and nothing else changed: read back
    assert len(calls) == 7


def test_the_workspace_counts_first_needs_without_growing_queries(
    world, plan, login, django_assert_max_num_queries
):
    """The level's first needs (deepening ones apart) are counted from the profiles' levels
    read in SQL; the page's queries do not grow with the pupils."""
    from appui.planning import selectors

    client = login(world.users["coordinator"])
    url = reverse("planning:plan-workspace", args=[world.level.pk, plan.period_id])
    add_pupils(world, plan, 2)
    small, _html = queries(client, url)
    add_pupils(world, plan, 5)
    with django_assert_max_num_queries(small):
        _count, html = queries(client, url)
    demand = dict(selectors.plan_inputs(world.level, plan.period)["demand"])
    # Each added pupil's first need is FR.LEC (level 2 against 1).
    assert [count for label, count in demand.items() if label.startswith("FR.LEC")] == [7]
    assert "FR.LEC" in html
