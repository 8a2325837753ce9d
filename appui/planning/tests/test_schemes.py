"""Special schemes kept apart in a level's need groups (SEGPA, ULIS, UPE2A pupils)."""

import pytest
from django.test import override_settings

from appui.planning import grouping, services
from appui.planning.models import Assignment, Plan

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ulis_classmate(world):
    world.classmate.scheme = "ulis"
    world.classmate.save()
    return world.classmate


def solved_plan(world, planning):
    plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
    with override_settings(GROUPING_TIME_LIMIT=1.0):
        services.plan_solve(plan=plan)  # immediate backend in tests: solved on commit
    plan.refresh_from_db()
    return plan


def test_the_solved_plan_never_puts_a_ulis_pupil_with_ordinary_pupils(
    world, planning, ulis_classmate
):
    assert world.level.separate_schemes  # the default
    plan = solved_plan(world, planning)
    assert plan.status == Plan.Status.PROPOSED
    for group in plan.groups.all():
        schemes = {a.student.scheme for a in group.assignments.select_related("student")}
        assert len(schemes) == 1, (group, schemes)
    assert grouping.evaluate(plan)["violations"] == []


def test_the_instance_carries_schemes_and_the_level_switch(world, planning, ulis_classmate):
    plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
    instance = grouping.build_instance(plan)
    assert instance.separate_schemes
    assert instance.student(str(ulis_classmate.pk)).scheme == "ulis"
    assert instance.student(str(world.student.pk)).scheme == ""

    world.level.separate_schemes = False
    world.level.save()
    plan.refresh_from_db()
    assert not grouping.build_instance(plan).separate_schemes


def test_moving_a_ulis_pupil_into_an_ordinary_group_is_reported(world, planning, ulis_classmate):
    plan = solved_plan(world, planning)
    moved = Assignment.objects.filter(group__plan=plan, student=ulis_classmate).first()
    target = Assignment.objects.get(
        group__plan=plan, student=world.student, group__slot=moved.group.slot
    ).group
    result = services.assignment_move(assignment=moved, group=target)
    assert any("dispositifs mélangés" in v and "ULIS" in v for v in result["violations"])
