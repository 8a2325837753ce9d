"""Sessions of a period cut into rounds (séquences): each group meets only on the dates of its
round, and the hour pages count them the same way before and after they are generated.

The ``planning`` fixture's period 1 runs from 1 September to 16 October 2026: seven
Tuesdays. Only the Tuesday slot is kept, cut into two rounds; follow-up's clock is pinned on
24 November 2026 (``conftest.clock``).
"""

import datetime

import pytest

from appui.core.grouping.solver import solve
from appui.core.hours import WarningCode
from appui.followup import selectors
from appui.followup.models import Session
from appui.planning import grouping, rounds, services
from appui.planning.models import Plan, Round
from appui.schools.models import Period

from .conftest import TODAY

pytestmark = pytest.mark.django_db

D = datetime.date
TUESDAYS = [D(2026, 9, 1) + datetime.timedelta(weeks=n) for n in range(7)]


def _published(world, planning) -> tuple[Plan, list[Round]]:
    for module in planning["modules"]:
        module.sessions = 3
        module.save()
    planning["slots"][1].periods.clear()
    made = rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
    plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
    grouping.store_solution(plan, solve(grouping.build_instance(plan), time_limit=5, workers=1))
    services.plan_publish(plan=plan, user=None)  # follow-up dates the sessions
    return plan, made


def _dates(group) -> list[datetime.date]:
    return sorted(group.sessions.values_list("date", flat=True))


class TestGeneration:
    def test_each_group_meets_only_on_its_rounds_dates(self, world, planning):
        plan, made = _published(world, planning)
        slot = planning["slots"][0]
        assert {g.round_id for g in plan.groups.all()} == {r.pk for r in made}
        for group in plan.groups.select_related("round"):
            assert _dates(group) == rounds.round_dates(group.round, slot)
            assert all(group.round.starts_on <= d <= group.round.ends_on for d in _dates(group))

    def test_every_pupil_has_each_date_of_the_period_once(self, world, planning):
        plan, _made = _published(world, planning)
        for student in (world.student, world.classmate):
            dates = sorted(
                Session.objects.filter(
                    group__plan=plan, group__assignments__student=student
                ).values_list("date", flat=True)
            )
            assert dates == TUESDAYS

    def test_generating_again_adds_nothing(self, world, planning):
        from appui.followup import services as followup

        plan, _made = _published(world, planning)
        count = Session.objects.count()
        assert followup.sessions_generate_for_plan(plan=plan, today=TODAY) == []
        slot = planning["slots"][0]
        expected = sum(len(rounds.round_dates(g.round, slot)) for g in plan.groups.all())
        assert Session.objects.count() == count == expected


class TestAccounting:
    def test_planned_dates_of_ungenerated_groups_are_the_generated_ones(self, world, planning):
        plan, _made = _published(world, planning)
        generated = {g.pk: _dates(g) for g in plan.groups.all()}
        Session.objects.all().delete()
        planned: dict[int, list[datetime.date]] = {}
        for record in selectors.session_records(plan.groups.all()).planned:
            planned.setdefault(record.group, []).append(record.date)
        assert {pk: sorted(days) for pk, days in planned.items()} == generated

    def test_every_pupil_gets_the_same_hours_over_the_rounds(self, world, planning):
        _published(world, planning)
        context = selectors.level_hours(world.level, TODAY)
        for pk in (world.student.pk, world.classmate.pk):
            assert context["report"].students[pk].planned.total == 7 * 90
        assert not any(w.code == WarningCode.UNEQUAL for w in context["warnings"])

    def test_remaining_weeks_follow_the_rounds(self, world, planning):
        period2 = Period.objects.create(
            year=world.year,
            number=2,
            name="Période 2",
            start_date=D(2026, 11, 2),
            end_date=D(2026, 12, 18),
        )
        tuesday = planning["slots"][0]
        tuesday.periods.add(period2)
        # After Tuesday 24 November: 1, 8 and 15 December.
        assert selectors.remaining_slot_weeks(world.level, TODAY) == (3, 90)
        rounds.rounds_cut(
            level=world.level,
            period=period2,
            spans=[(D(2026, 11, 2), D(2026, 11, 27)), (D(2026, 12, 7), D(2026, 12, 18))],
        )
        # The week of 30 November is in no round: no session then.
        assert selectors.remaining_slot_weeks(world.level, TODAY) == (2, 90)
