"""Who manages a student's tutoring: the whole-school rule and the level rule."""

import pytest

from appui.schools.access import SchoolAccess
from appui.tutoring.access import can_manage_student

pytestmark = pytest.mark.django_db


def _access(world, name):
    return SchoolAccess.load(world.users[name], world.school)


def test_a_student_without_a_division_is_managed_by_the_whole_school_only(world):
    world.student.division = None
    world.student.save()
    managers = {
        name
        for name in ("head", "coordinator", "level_coordinator", "teacher")
        if can_manage_student(_access(world, name), world.student)
    }
    assert managers == {"head", "coordinator"}


def test_a_level_coordinator_manages_the_students_of_their_levels_only(world):
    access = _access(world, "level_coordinator")
    assert can_manage_student(access, world.student_elsewhere)
    assert not can_manage_student(access, world.student)
