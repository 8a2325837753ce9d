"""Fixtures shared by every test: a small school with one user per role, and an outsider."""

import os
from dataclasses import dataclass

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by tests
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _forget_kept_results():
    """Each test starts with an empty cache: the results appui.schools.computed keeps are
    keyed by a school's data version, which starts again with each test's database."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@dataclass
class World:
    school: object
    other_school: object
    year: object
    level: object
    other_level: object
    division: object
    other_division: object
    student: object
    classmate: object
    student_elsewhere: object
    foreign_student: object
    users: dict


@pytest.fixture
def world(db) -> World:
    """School A: level L (division D) and level M (division E); school B with one student.

    Users: head, coordinator (whole school), level_coordinator (level M only), teacher
    (teaches D), student (in D), guardian (of the student), academy, and outsider (a
    teacher of school B).
    """
    from appui.schools.models import Membership, StudentGuardian, Teaching
    from appui.schools.tests import factories as f

    Role = Membership.Role
    school = f.SchoolFactory(name="Lycée A")
    year = f.SchoolYearFactory(school=school)
    level = f.LevelFactory(year=year, name="2nde pro", short_name="2PRO")
    other_level = f.LevelFactory(year=year, name="1re pro", short_name="1PRO", year_in_cycle=2)
    division = f.DivisionFactory(level=level, code="2A")
    other_division = f.DivisionFactory(level=other_level, code="1B")
    student = f.StudentFactory(division=division, last_name="Martin", first_name="Léa")
    classmate = f.StudentFactory(division=division, last_name="Hélène", first_name="Zoé")
    student_elsewhere = f.StudentFactory(
        division=other_division, last_name="Durand", first_name="Tom"
    )

    other_school = f.SchoolFactory(name="Lycée B")
    other_year = f.SchoolYearFactory(school=other_school)
    foreign_division = f.DivisionFactory(level=f.LevelFactory(year=other_year), code="2Z")
    foreign_student = f.StudentFactory(division=foreign_division, last_name="Secret")

    users = {}

    def member(name, role, target=school, **extra):
        user = users.get(name) or f.UserFactory(username=name)
        users[name] = user
        return f.MembershipFactory(user=user, school=target, role=role, **extra)

    member("head", Role.HEAD)
    member("coordinator", Role.COORDINATOR)
    member("level_coordinator", Role.COORDINATOR).levels.set([other_level])
    member("teacher", Role.TEACHER)
    teacher_staff = f.StaffFactory(school=school, user=users["teacher"])
    Teaching.objects.create(staff=teacher_staff, division=division)
    member("student", Role.STUDENT)
    student.user = users["student"]
    student.save()
    member("guardian", Role.GUARDIAN)
    guardian = f.GuardianFactory(school=school, user=users["guardian"])
    StudentGuardian.objects.create(student=student, guardian=guardian)
    member("academy", Role.ACADEMY)
    member("outsider", Role.TEACHER, target=other_school)
    return World(
        school=school,
        other_school=other_school,
        year=year,
        level=level,
        other_level=other_level,
        division=division,
        other_division=other_division,
        student=student,
        classmate=classmate,
        student_elsewhere=student_elsewhere,
        foreign_student=foreign_student,
        users=users,
    )


@pytest.fixture
def planning(world):
    """Level L of school A with one period, two slots, two rooms, a teacher and two modules."""
    import datetime

    from appui.diagnostics import services as diagnostics
    from appui.planning.models import Module, Room, Slot
    from appui.schools.models import Period, Staff

    framework = diagnostics.framework_install_default(school=world.school)
    period = Period.objects.create(
        year=world.year,
        number=1,
        name="Période 1",
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 10, 16),
    )
    teacher = Staff.objects.get(user=world.users["teacher"])
    other = Staff.objects.create(
        school=world.school, user=world.users["coordinator"], last_name="Coord", first_name="Anne"
    )
    rooms = [
        Room.objects.create(school=world.school, name="B101", capacity=20),
        Room.objects.create(school=world.school, name="B102", capacity=20),
    ]
    modules = []
    for code, competency in [("LEC-S", "FR.LEC"), ("CAL-S", "MA.CAL")]:
        module = Module.objects.create(
            school=world.school,
            code=code,
            title=f"Module {code}",
            objective="Un objectif précis",
            competency=framework.competencies.get(code=competency),
            kind="soutien",
            min_size=1,
            max_size=10,
        )
        module.staff.set([teacher, other])
        modules.append(module)
    slots = []
    for weekday in (1, 3):
        slot = Slot.objects.create(
            year=world.year,
            level=world.level,
            weekday=weekday,
            start_time=datetime.time(10),
            end_time=datetime.time(11, 30),
        )
        slot.periods.set([period])
        slot.divisions.set([world.division])
        slot.staff.set([teacher, other])
        slot.rooms.set(rooms)
        slots.append(slot)
    return {
        "period": period,
        "modules": modules,
        "slots": slots,
        "rooms": rooms,
        "teacher": teacher,
    }


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


# Hypothesis profiles. Property tests run on loaded two-core machines: no per-example deadline.
# ``default`` keeps the everyday run fast; ``thorough`` (HYPOTHESIS_PROFILE=thorough, as .ci/run
# sets) tries ten times more examples. A test whose examples are expensive caps its own count with
# ``max_examples=min(N, settings.default.max_examples)``.
from hypothesis import settings as hypothesis_settings  # noqa: E402

hypothesis_settings.register_profile("default", max_examples=20, deadline=None)
hypothesis_settings.register_profile("thorough", max_examples=200, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
