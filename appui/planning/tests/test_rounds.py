"""Rounds (séquences): a period cut into short sequences of 3 to 5 sessions, each with groups
of its own, formed together by the solver (seed 004).

The ``planning`` fixture: period 1 from Tuesday 1 September to Friday 16 October 2026 (seven
weeks, no public holiday), slots on Tuesdays and Thursdays, two support modules.
"""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from appui.core.grouping import validation
from appui.core.grouping.solver import solve
from appui.diagnostics.models import NeedProfile
from appui.planning import grouping, rounds, services
from appui.planning.models import Assignment, Group, Plan, Round
from appui.schools.models import Period

pytestmark = pytest.mark.django_db

D = datetime.date
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _profiles(world, lec: int = 3, cal: int = 2) -> None:
    """Both pupils need reading most, then calculation."""
    for student in (world.student, world.classmate):
        NeedProfile.objects.create(
            student=student,
            needs={"FR.LEC": {"level": lec}, "MA.CAL": {"level": cal}},
        )


def _short_modules(planning, sessions: int = 3) -> None:
    for module in planning["modules"]:
        module.sessions = sessions
        module.save()


def _one_slot(planning):
    """Keep the Tuesday slot only: a pupil then has one group per round."""
    planning["slots"][1].periods.clear()
    return planning["slots"][0]


def _solve(plan: Plan) -> Plan:
    solution = solve(grouping.build_instance(plan), time_limit=5, seed=0, workers=1)
    return grouping.store_solution(plan, solution)


def _plan(world, planning) -> Plan:
    return services.plan_for_editing(level=world.level, period=planning["period"], user=None)


class TestCutting:
    def test_two_rounds_tile_the_period_with_about_equal_sessions(self, world, planning):
        period = planning["period"]
        first, second = rounds.rounds_cut(level=world.level, period=period, count=2)
        assert (first.number, second.number) == (1, 2)
        assert first.starts_on == period.start_date and second.ends_on == period.end_date
        assert second.starts_on == first.ends_on + datetime.timedelta(days=1)
        assert second.starts_on.weekday() == 0  # a round starts on a Monday
        counts = [len(rounds.round_dates(r, s)) for r in (first, second) for s in planning["slots"]]
        assert sorted(counts) == [3, 3, 4, 4]  # 7 Tuesdays and 7 Thursdays shared out

    def test_proposals_offer_two_rounds_and_more_when_the_period_is_long_enough(
        self, world, planning
    ):
        offered = rounds.proposals(world.level, planning["period"])
        assert [p.count for p in offered] == [2]  # 7 weeks: a third round would be too short
        assert offered[0].warnings == []
        long = Period.objects.create(
            year=world.year,
            number=5,
            name="Période 5",
            start_date=D(2027, 4, 19),
            end_date=D(2027, 6, 30),
        )
        for slot in planning["slots"]:
            slot.periods.add(long)
        assert [p.count for p in rounds.proposals(world.level, long)][:2] == [2, 3]

    def test_a_short_round_is_warned_in_french(self, world, planning):
        rounds.rounds_cut(
            level=world.level,
            period=planning["period"],
            spans=[(D(2026, 9, 1), D(2026, 9, 11)), (D(2026, 9, 12), D(2026, 10, 16))],
        )
        # Round 1: two Tuesdays, two Thursdays; round 2: five of each.
        overview = rounds.round_overview(world.level, planning["period"])
        assert overview["warnings"] == ["La séquence 1 n'a que 2 séances."]

    def test_a_long_round_is_warned_per_slot_when_slots_differ(self, world, planning):
        rounds.rounds_cut(
            level=world.level,
            period=planning["period"],
            spans=[(D(2026, 9, 1), D(2026, 10, 13)), (D(2026, 10, 14), D(2026, 10, 16))],
        )
        # Round 1: seven Tuesdays, six Thursdays; round 2: one Thursday, no Tuesday.
        warnings = rounds.round_overview(world.level, planning["period"])["warnings"]
        assert warnings == [
            "La séquence 1 a 7 séances, plus de 5 (mardi 10:00–11:30).",
            "La séquence 1 a 6 séances, plus de 5 (jeudi 10:00–11:30).",
            "La séquence 2 n'a aucune séance (mardi 10:00–11:30).",
            "La séquence 2 n'a que 1 séance (jeudi 10:00–11:30).",
        ]

    def test_public_holidays_are_no_session(self, world, planning):
        period = Period.objects.create(
            year=world.year,
            number=2,
            name="Période 2",
            start_date=D(2026, 11, 2),
            end_date=D(2026, 12, 18),
        )
        wednesday = planning["slots"][0]
        wednesday.weekday = 2
        wednesday.save()
        wednesday.periods.set([period])
        planning["slots"][1].periods.clear()
        first = Round.objects.create(
            level=world.level,
            period=period,
            number=1,
            starts_on=D(2026, 11, 2),
            ends_on=D(2026, 11, 20),
        )
        # 11 November (a Wednesday) is a public holiday.
        assert rounds.round_dates(first, wednesday) == [D(2026, 11, 4), D(2026, 11, 18)]
        assert (
            "La séquence 1 n'a que 2 séances."
            in rounds.round_overview(world.level, period)["warnings"]
        )

    def test_uncovered_slot_dates_are_warned(self, world, planning):
        rounds.rounds_cut(
            level=world.level,
            period=planning["period"],
            spans=[(D(2026, 9, 1), D(2026, 9, 18)), (D(2026, 9, 28), D(2026, 10, 16))],
        )
        warnings = rounds.round_overview(world.level, planning["period"])["warnings"]
        assert any("dans aucune séquence" in w for w in warnings)

    def test_overlapping_or_outside_dates_are_refused(self, world, planning):
        with pytest.raises(ValidationError) as error:
            rounds.rounds_cut(
                level=world.level,
                period=planning["period"],
                spans=[(D(2026, 8, 25), D(2026, 9, 20)), (D(2026, 9, 15), D(2026, 10, 16))],
            )
        text = " ".join(error.value.messages)
        assert "dépasse la période" in text and "commence avant la fin" in text
        assert not Round.objects.exists()

    def test_editing_a_round_checks_its_neighbours(self, world, planning):
        first, second = rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
        rounds.round_update(
            round=first, starts_on=first.starts_on, ends_on=D(2026, 9, 18), label="Lecture"
        )
        first.refresh_from_db()
        assert first.ends_on == D(2026, 9, 18) and str(first) == "Lecture"
        with pytest.raises(ValidationError):
            rounds.round_update(
                round=first, starts_on=first.starts_on, ends_on=second.starts_on, label=""
            )

    def test_deleting_a_round_numbers_the_later_ones_again(self, world, planning):
        long = Period.objects.create(
            year=world.year,
            number=5,
            name="Période 5",
            start_date=D(2027, 4, 19),
            end_date=D(2027, 6, 30),
        )
        planning["slots"][0].periods.add(long)
        made = rounds.rounds_cut(level=world.level, period=long, count=3)
        rounds.round_delete(round=made[0])
        assert list(
            Round.objects.filter(period=long).order_by("number").values_list("number", "pk")
        ) == [(1, made[1].pk), (2, made[2].pk)]


class TestSolving:
    def test_each_slot_and_round_is_a_solver_slot(self, world, planning):
        _short_modules(planning)
        first, second = rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
        instance = grouping.build_instance(_plan(world, planning))
        assert {t.id for t in instance.slots} == {
            grouping.slot_key(s.pk, r.pk) for s in planning["slots"] for r in (first, second)
        }
        assert all(m.slots is None for m in instance.modules)  # 3 sessions fit everywhere

    def test_a_module_opens_only_in_rounds_with_dates_for_its_sessions(self, world, planning):
        _short_modules(planning, sessions=4)
        made = rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
        instance = grouping.build_instance(_plan(world, planning))
        fitting = {
            grouping.slot_key(s.pk, r.pk)
            for s in planning["slots"]
            for r in made
            if len(rounds.round_dates(r, s)) >= 4
        }
        assert all(m.slots == fitting for m in instance.modules)
        assert 0 < len(fitting) < 4

    def test_a_plan_without_rounds_is_unchanged(self, world, planning):
        instance = grouping.build_instance(_plan(world, planning))
        assert {t.id for t in instance.slots} == {f"s{s.pk}" for s in planning["slots"]}
        assert all(m.slots is None for m in instance.modules)

    def test_a_pupil_follows_two_different_needs_in_two_rounds(self, world, planning):
        _profiles(world)
        _short_modules(planning)
        slot = _one_slot(planning)
        first, second = rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
        plan = _solve(_plan(world, planning))
        assert plan.status == Plan.Status.PROPOSED
        for student in (world.student, world.classmate):
            modules = {
                a.group.round_id: a.group.module.code
                for a in Assignment.objects.filter(group__plan=plan, student=student)
            }
            assert set(modules) == {first.pk, second.pk}
            assert set(modules.values()) == {"LEC-S", "CAL-S"}
        assert set(plan.groups.values_list("slot", flat=True)) == {slot.pk}
        assert grouping.evaluate(plan)["violations"] == []

    def test_a_second_group_on_the_same_need_counts_once(self, world, planning):
        _profiles(world)
        _short_modules(planning)
        _one_slot(planning)
        rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
        plan = _solve(_plan(world, planning))
        instance = grouping.build_instance(plan)
        groups = grouping.current_groups(plan)
        same = [g.__class__(**{**g.__dict__, "module": "LEC-S"}) for g in groups]
        assert (
            validation.objective_terms(instance, same)["need"]
            < validation.objective_terms(instance, groups)["need"]
        )

    def test_explanations_name_the_round(self, world, planning):
        _profiles(world)
        _short_modules(planning)
        _one_slot(planning)
        rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
        plan = _solve(_plan(world, planning))
        for assignment in Assignment.objects.filter(group__plan=plan).select_related(
            "group__round"
        ):
            assert f"({assignment.group.round})" in assignment.explanation

    def test_a_started_round_is_kept_when_forming_again(self, world, planning, time_machine):
        _profiles(world)
        _short_modules(planning)
        _one_slot(planning)
        first, second = rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
        time_machine.move_to(datetime.datetime(2026, 8, 28, 10, tzinfo=PARIS), tick=False)
        plan = _solve(_plan(world, planning))
        before = {
            (g.module.code, tuple(sorted(g.assignments.values_list("student_id", flat=True))))
            for g in plan.groups.filter(round=first)
        }
        kept_ids = set(plan.groups.filter(round=first).values_list("pk", flat=True))
        # Re-diagnosis after round 1 has started: calculation is now the strongest need.
        NeedProfile.objects.update(needs={"FR.LEC": {"level": 1}, "MA.CAL": {"level": 3}})
        time_machine.move_to(datetime.datetime(2026, 9, 16, 10, tzinfo=PARIS), tick=False)
        instance = grouping.build_instance(plan)
        assert {g.slot for g in instance.locked_groups} == {
            grouping.slot_key(planning["slots"][0].pk, first.pk)
        }
        _solve(plan)
        assert set(plan.groups.filter(round=first).values_list("pk", flat=True)) == kept_ids
        after = {
            (g.module.code, tuple(sorted(g.assignments.values_list("student_id", flat=True))))
            for g in plan.groups.filter(round=first)
        }
        assert after == before
        # Round 2 serves what round 1 does not, from the new profiles.
        first_modules = {m for m, _students in before}
        second_modules = set(
            plan.groups.filter(round=second).values_list("module__code", flat=True)
        )
        assert second_modules and not second_modules & first_modules

    def test_a_new_version_of_a_published_plan_keeps_the_started_round(
        self, world, planning, time_machine
    ):
        _profiles(world)
        _short_modules(planning)
        _one_slot(planning)
        first, second = rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
        time_machine.move_to(datetime.datetime(2026, 8, 28, 10, tzinfo=PARIS), tick=False)
        published = _solve(_plan(world, planning))
        services.plan_publish(plan=published, user=None)

        def members(plan, round):
            return {
                (g.module.code, frozenset(g.assignments.values_list("student_id", flat=True)))
                for g in plan.groups.filter(round=round)
            }

        time_machine.move_to(datetime.datetime(2026, 9, 16, 10, tzinfo=PARIS), tick=False)
        NeedProfile.objects.update(needs={"FR.LEC": {"level": 1}, "MA.CAL": {"level": 3}})
        draft = _plan(world, planning)
        assert draft.pk != published.pk
        _solve(draft)
        assert members(draft, first) == members(published, first)
        assert not rounds.is_started(second)  # round 2 is formed again
        assert grouping.evaluate(draft)["violations"] == []

    def test_a_pupil_arrived_after_a_round_started_joins_the_later_rounds_only(
        self, world, planning, time_machine
    ):
        from appui.schools.tests import factories as f

        _short_modules(planning)
        _one_slot(planning)
        first, second = rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
        time_machine.move_to(datetime.datetime(2026, 8, 28, 10, tzinfo=PARIS), tick=False)
        plan = _solve(_plan(world, planning))
        newcomer = f.StudentFactory(division=world.division, last_name="Neuf", first_name="Ali")
        time_machine.move_to(datetime.datetime(2026, 9, 16, 10, tzinfo=PARIS), tick=False)
        _solve(plan)
        rounds_of_newcomer = set(
            Assignment.objects.filter(group__plan=plan, student=newcomer).values_list(
                "group__round", flat=True
            )
        )
        assert rounds_of_newcomer == {second.pk}
        assert grouping.evaluate(plan)["violations"] == []

    def test_a_move_stays_in_its_round(self, world, planning):
        _profiles(world)
        _short_modules(planning)
        _one_slot(planning)
        rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
        plan = _solve(_plan(world, planning))
        assignment = Assignment.objects.filter(group__plan=plan).select_related("group").first()
        other_round = plan.groups.exclude(round=assignment.group.round).first()
        with pytest.raises(ValidationError):
            services.assignment_move(assignment=assignment, group=other_round)
        assert Assignment.objects.get(pk=assignment.pk).group_id == assignment.group_id


class TestRoundsAndGroups:
    def test_cutting_again_drops_a_proposal_but_not_a_publication(self, world, planning):
        _short_modules(planning)
        rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
        plan = _solve(_plan(world, planning))
        assert plan.groups.exclude(round=None).exists()
        rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
        plan.refresh_from_db()
        assert plan.status == Plan.Status.DRAFT and not plan.groups.exists()
        plan = _solve(plan)
        services.plan_publish(plan=plan, user=None)
        with pytest.raises(ValidationError) as error:
            rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
        assert "plan publié" in error.value.messages[0]

    def test_deleting_a_round_is_refused_while_published_groups_use_it(self, world, planning):
        _short_modules(planning)
        first, _second = rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
        plan = _solve(_plan(world, planning))
        services.plan_publish(plan=plan, user=None)
        with pytest.raises(ValidationError) as error:
            rounds.round_delete(round=first)
        assert "Séquence 1" in error.value.messages[0]
        with pytest.raises(ValidationError):
            rounds.rounds_clear(level=world.level, period=planning["period"])
        with pytest.raises(ValidationError):
            rounds.round_update(
                round=first, starts_on=first.starts_on, ends_on=D(2026, 9, 18), label=""
            )
        assert Round.objects.count() == 2

    def test_store_solution_writes_the_round_of_every_group(self, world, planning):
        _short_modules(planning)
        made = rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
        plan = _solve(_plan(world, planning))
        assert set(plan.groups.values_list("round", flat=True)) == {r.pk for r in made}
        for r in made:
            for slot in planning["slots"]:
                placed = Assignment.objects.filter(
                    group__plan=plan, group__round=r, group__slot=slot
                )
                assert sorted(placed.values_list("student_id", flat=True)) == sorted(
                    [world.student.pk, world.classmate.pk]
                )

    def test_groups_made_before_the_cut_are_replaced(self, world, planning):
        _short_modules(planning)
        plan = _solve(_plan(world, planning))
        services.plan_publish(plan=plan, user=None)
        rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
        new = _plan(world, planning)  # a new version, from the published groups (no round)
        assert new.groups.filter(round=None).exists()
        assert grouping.evaluate(new)["violations"]  # not a plan of the rounds
        _solve(new)
        assert not new.groups.filter(round=None).exists()
        assert grouping.evaluate(new)["violations"] == []


class TestPages:
    def _url(self, world, planning):
        return reverse("planning:round-plan", args=[world.level.pk, planning["period"].pk])

    def test_the_coordinator_cuts_the_period_and_sees_the_sessions(self, world, planning, login):
        client = login(world.users["coordinator"])
        page = client.get(self._url(world, planning)).content.decode()
        assert "Découper la période en séquences" in page
        response = client.post(self._url(world, planning), {"action": "cut", "count": "2"})
        assert response.status_code == 302
        assert Round.objects.filter(level=world.level).count() == 2
        page = client.get(self._url(world, planning)).content.decode()
        assert "Séquence 2" in page and "séances" in page

    def test_the_coordinator_edits_and_removes_a_round(self, world, planning, login):
        first, second = rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
        client = login(world.users["head"])
        url = reverse("planning:round-edit", args=[first.pk])
        assert client.get(url).status_code == 200
        response = client.post(
            url, {"starts_on": "2026-09-01", "ends_on": "2026-09-18", "label": "Lecture"}
        )
        assert response.status_code == 302
        first.refresh_from_db()
        assert first.ends_on == D(2026, 9, 18)
        client.post(reverse("planning:round-delete", args=[second.pk]))
        assert list(Round.objects.values_list("pk", flat=True)) == [first.pk]

    def test_a_refused_deletion_says_why(self, world, planning, login):
        _short_modules(planning)
        first, _second = rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
        services.plan_publish(plan=_solve(_plan(world, planning)), user=None)
        client = login(world.users["coordinator"])
        response = client.post(reverse("planning:round-delete", args=[first.pk]), follow=True)
        assert "ne peut pas être supprimée" in response.content.decode()
        assert Round.objects.filter(pk=first.pk).exists()

    def test_the_workspace_links_to_the_rounds(self, world, planning, login):
        page = (
            login(world.users["coordinator"])
            .get(reverse("planning:plan-workspace", args=[world.level.pk, planning["period"].pk]))
            .content.decode()
        )
        assert self._url(world, planning) in page

    @pytest.mark.parametrize("user", ["teacher", "student", "guardian", "level_coordinator"])
    def test_other_roles_are_refused(self, world, planning, login, user):
        first, _second = rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
        client = login(world.users[user])
        assert client.get(self._url(world, planning)).status_code == 403
        assert client.post(self._url(world, planning), {"action": "clear"}).status_code == 403
        assert client.get(reverse("planning:round-edit", args=[first.pk])).status_code == 403
        assert client.post(reverse("planning:round-delete", args=[first.pk])).status_code == 403
        assert Round.objects.count() == 2

    def test_an_outsider_sees_nothing(self, world, planning, login):
        first, _second = rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
        client = login(world.users["outsider"])
        assert client.get(self._url(world, planning)).status_code in (403, 404)
        assert client.get(reverse("planning:round-edit", args=[first.pk])).status_code == 404

    def test_anonymous_is_redirected(self, client, world, planning):
        assert client.get(self._url(world, planning)).status_code == 302


def test_groups_of_a_round_show_its_dates(world, planning, login):
    _short_modules(planning)
    first, _second = rounds.rounds_cut(level=world.level, period=planning["period"], count=2)
    plan = _solve(_plan(world, planning))
    services.plan_publish(plan=plan, user=None)
    group = Group.objects.filter(round=first, staff=planning["teacher"]).first() or (
        Group.objects.filter(round=first).first()
    )
    detail = login(world.users["coordinator"]).get(
        reverse("planning:group-detail", args=[group.pk])
    )
    assert "Séquence 1" in detail.content.decode() and "1er septembre" in detail.content.decode()
    plan_page = (
        login(world.users["coordinator"])
        .get(reverse("planning:plan-detail", args=[plan.pk]))
        .content.decode()
    )
    assert "Séquence 1" in plan_page and "Séquence 2" in plan_page
    student_page = (
        login(world.users["student"])
        .get(reverse("schools:student-detail", args=[world.student.pk]))
        .content.decode()
    )
    assert "Séquence 1" in student_page and "Séquence 2" in student_page
