import datetime
import zoneinfo

import pytest
from django.utils import timezone

from appui.planning.models import Assignment, Group, Plan
from appui.schools.models import Membership, Period
from appui.schools.tests import factories as f
from appui.steering import services
from appui.steering.models import Survey


@pytest.fixture(autouse=True)
def clock(time_machine):
    """Steering tests run on Tuesday 24 November 2026, 10:00 in Paris (period 2 of the world's
    year), whatever the machine's date and hour: surveys, milestones and the dashboard's
    "today" are relative to it."""
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    time_machine.move_to(datetime.datetime(2026, 11, 24, 10, tzinfo=paris), tick=True)
    return time_machine


@pytest.fixture
def groups(world, planning):
    """Level L: published plans for periods 1 and 2; Léa and Zoé together in every group,
    so the period-2 group is frozen. Tom (level M) is in no group."""
    period2 = Period.objects.create(
        year=world.year,
        number=2,
        name="Période 2",
        start_date=datetime.date(2026, 11, 2),
        end_date=datetime.date(2026, 12, 18),
    )
    plans, made = {}, {}
    for period in (planning["period"], period2):
        planning["slots"][0].periods.add(period)
        plan = Plan.objects.create(
            level=world.level,
            period=period,
            status=Plan.Status.PUBLISHED,
            metrics={"top_need_served": 0.5},
        )
        plans[period.number] = plan
        group = Group.objects.create(
            plan=plan,
            slot=planning["slots"][0],
            module=planning["modules"][0],
            label=f"G{period.number}",
        )
        group.staff.set([planning["teacher"]])
        for student in (world.student, world.classmate):
            Assignment.objects.create(group=group, student=student)
        made[period.number] = group
    return {"plans": plans, "groups": made, "period2": period2, **planning}


@pytest.fixture
def outsider_head(world):
    f.MembershipFactory(
        user=world.users["outsider"], school=world.other_school, role=Membership.Role.HEAD
    )
    return world.users["outsider"]


@pytest.fixture
def outsider_academy(world):
    f.MembershipFactory(
        user=world.users["outsider"], school=world.other_school, role=Membership.Role.ACADEMY
    )
    return world.users["outsider"]


@pytest.fixture
def survey(world):
    """An open survey for the students and guardians of school A."""
    today = timezone.localdate()
    survey = services.survey_create(
        year=world.year,
        template=Survey.Template.STUDENTS,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30),
        for_students=True,
        for_guardians=True,
    )
    services.survey_publish(survey=survey)
    return survey


@pytest.fixture
def meeting(world):
    from appui.schools.models import Staff

    teacher = Staff.objects.get(user=world.users["teacher"])
    meeting = services.meeting_save(
        year=world.year,
        kind="regulation",
        date=datetime.date(2026, 10, 12),
        title="Régulation P1",
        agenda="Bilan de la période",
        attendees=[teacher],
        levels=[world.level],
    )
    decision = services.decision_add(meeting=meeting, text="Renouveler les groupes")
    action = services.action_add(
        meeting=meeting,
        description="Préparer le re-diagnostic",
        owner=teacher,
        due_date=datetime.date(2026, 10, 30),
        decision=decision,
    )
    return {"meeting": meeting, "decision": decision, "action": action, "teacher": teacher}
