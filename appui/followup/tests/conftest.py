import datetime
import zoneinfo
from dataclasses import dataclass

import pytest
from django.utils import timezone

from appui.diagnostics import services as diagnostics
from appui.followup import services
from appui.followup.models import Session
from appui.planning.models import Assignment, Group, Module, Plan, Room, Slot
from appui.schools.models import Period, Staff

# Dates are fixed (the `world` year is 2026-2027, zone B) and services get `today` explicitly.
TODAY = datetime.date(2026, 11, 24)
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def clock(time_machine):
    """Every follow-up test runs on TODAY (a Tuesday of period 2) at 10:00 in Paris, whatever
    the machine's date and hour: pages showing "today" or "this week" depend on it. A test
    moves it with ``time_machine.move_to`` (see ``tests/test_clock.py``)."""
    time_machine.move_to(datetime.datetime.combine(TODAY, datetime.time(10), PARIS), tick=True)
    return time_machine


@dataclass
class AP:
    period: Period
    period2: Period
    teacher: Staff
    module: Module
    room: Room
    slot: Slot
    plan: Plan
    group: Group
    sessions: list


@pytest.fixture
def ap(world) -> AP:
    """A published plan of level L for period 1 (1 Sept – 16 Oct 2026): one group on
    Tuesdays 10:00–11:30 run by « teacher », with the student and their classmate, and
    its seven sessions."""
    framework = diagnostics.framework_install_default(school=world.school)
    period = Period.objects.create(
        year=world.year,
        number=1,
        name="Période 1",
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 10, 16),
    )
    period2 = Period.objects.create(
        year=world.year,
        number=2,
        name="Période 2",
        start_date=datetime.date(2026, 11, 2),
        end_date=datetime.date(2026, 12, 18),
    )
    teacher = Staff.objects.get(user=world.users["teacher"])
    room = Room.objects.create(school=world.school, name="B101", capacity=20)
    module = Module.objects.create(
        school=world.school,
        code="LEC-S",
        title="Lire pour comprendre",
        objective="Repérer les informations essentielles d'un texte",
        competency=framework.competencies.get(code="FR.LEC"),
        kind=Module.Kind.SUPPORT,
        sessions=4,
        min_size=1,
        max_size=12,
    )
    module.staff.set([teacher])
    slot = Slot.objects.create(
        year=world.year,
        level=world.level,
        weekday=1,
        start_time=datetime.time(10),
        end_time=datetime.time(11, 30),
    )
    slot.periods.set([period, period2])
    slot.divisions.set([world.division])
    slot.staff.set([teacher])
    slot.rooms.set([room])
    plan = Plan.objects.create(
        level=world.level, period=period, status=Plan.Status.PUBLISHED, published_at=timezone.now()
    )
    group = Group.objects.create(plan=plan, slot=slot, module=module, room=room)
    group.staff.set([teacher])
    for student in (world.student, world.classmate):
        Assignment.objects.create(group=group, student=student)
    sessions = services.sessions_generate_for_plan(plan=plan, today=TODAY)
    return AP(period, period2, teacher, module, room, slot, plan, group, sessions)


@pytest.fixture
def today_session(ap) -> Session:
    """A session of the group dated today (TODAY, see ``clock``), for the views."""
    today = timezone.localdate()
    session = Session.objects.filter(group=ap.group, date=today).first()
    return session or Session.objects.create(
        group=ap.group, date=today, start_time=datetime.time(10), end_time=datetime.time(11, 30)
    )
