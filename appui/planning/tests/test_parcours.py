"""Terminale parcours in the grouping instance: each pupil's choice of the plan's year and
the level's switch (off by default)."""

import pytest

from appui.planning import grouping, services
from appui.schools.models import Enrolment

pytestmark = pytest.mark.django_db


def test_the_instance_carries_the_year_parcours_and_the_level_switch(world, planning):
    year = world.level.year
    Enrolment.objects.update_or_create(
        student=world.student,
        year=year,
        defaults={"division": world.student.division, "parcours": "insertion"},
    )
    plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
    instance = grouping.build_instance(plan)
    assert not instance.separate_parcours  # the default
    assert instance.student(str(world.student.pk)).parcours == "insertion"
    assert instance.student(str(world.classmate.pk)).parcours == ""

    world.level.group_by_parcours = True
    world.level.save()
    plan.refresh_from_db()
    assert grouping.build_instance(plan).separate_parcours
