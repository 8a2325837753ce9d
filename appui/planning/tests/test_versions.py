"""Versions of a plan (snapshots): recorded by solves, batches of moves, restores and
publications; compared; restored; publication confirmed; stale pages refused."""

import pytest
from django.test import override_settings
from django.urls import reverse

from appui.diagnostics.models import NeedProfile
from appui.planning import services, versions
from appui.planning.models import Assignment, Module, Plan, PlanSnapshot

pytestmark = pytest.mark.django_db(transaction=True)

Origin = PlanSnapshot.Origin


@pytest.fixture
def needs(world, planning):
    """Léa needs reading, Zoé needs calculation: each is best served by one module."""
    NeedProfile.objects.create(
        student=world.student, needs={"FR.LEC": {"level": 3, "kind": "soutien"}}
    )
    NeedProfile.objects.create(
        student=world.classmate, needs={"MA.CAL": {"level": 3, "kind": "soutien"}}
    )


def solved(world, planning, user=None) -> Plan:
    plan = services.plan_for_editing(level=world.level, period=planning["period"], user=user)
    with override_settings(GROUPING_TIME_LIMIT=1.0):
        services.plan_solve(plan=plan, user=user)  # immediate backend: solved on commit
    plan.refresh_from_db()
    return plan


def other_group(assignment: Assignment):
    """Another group of the same slot (the solver opens one per module here), or None."""
    return (
        assignment.group.plan.groups.filter(slot=assignment.group.slot)
        .exclude(pk=assignment.group_id)
        .first()
    )


def move_someone(plan: Plan, user) -> Assignment:
    for assignment in Assignment.objects.filter(group__plan=plan).select_related("group"):
        target = other_group(assignment)
        if target is not None:
            services.assignment_move(assignment=assignment, group=target, user=user)
            return Assignment.objects.get(pk=assignment.pk)
    raise AssertionError("no group to move to")


def snapshots(plan: Plan) -> list[PlanSnapshot]:
    return list(
        PlanSnapshot.objects.filter(level=plan.level, period=plan.period).order_by("number")
    )


class TestRecording:
    def test_a_solve_records_version_1_with_the_groups_and_metrics(self, world, planning, needs):
        plan = solved(world, planning, world.users["coordinator"])
        [first] = snapshots(plan)
        assert (first.number, first.origin, first.plan_id) == (1, Origin.SOLVE, plan.pk)
        assert first.created_by == world.users["coordinator"]
        assert first.objective == plan.objective
        assert first.metrics["need_coverage"] == plan.metrics["need_coverage"]
        assert first.groups == versions.snapshot_groups(plan)
        placed = sorted(m["id"] for g in first.groups for m in g["students"])
        assert placed == sorted([world.student.pk, world.classmate.pk] * 2)
        assert all("round" in g for g in first.groups)
        assert plan.progress["after"] == first.pk and plan.revision == 1

    def test_a_batch_of_moves_by_one_user_is_one_version(self, world, planning, needs):
        coordinator = world.users["coordinator"]
        plan = solved(world, planning, coordinator)
        move_someone(plan, coordinator)
        move_someone(plan, coordinator)
        recorded = snapshots(plan)
        assert [s.origin for s in recorded] == [Origin.SOLVE, Origin.MOVES]
        assert recorded[1].groups == versions.snapshot_groups(plan)
        assert recorded[1].based_on == recorded[0]

    def test_a_move_by_someone_else_or_after_another_event_starts_a_new_version(
        self, world, planning, needs
    ):
        plan = solved(world, planning, world.users["coordinator"])
        move_someone(plan, world.users["coordinator"])
        move_someone(plan, world.users["head"])
        services.plan_publish(plan=plan, user=world.users["head"])
        origins = [(s.origin, s.created_by) for s in snapshots(plan)]
        assert origins == [
            (Origin.SOLVE, world.users["coordinator"]),
            (Origin.MOVES, world.users["coordinator"]),
            (Origin.MOVES, world.users["head"]),
            (Origin.PUBLISH, world.users["head"]),
        ]
        new = services.plan_for_editing(
            level=world.level, period=planning["period"], user=world.users["head"]
        )
        move_someone(new, world.users["head"])
        last = snapshots(plan)[-1]
        assert (last.number, last.origin, last.plan_id) == (5, Origin.MOVES, new.pk)

    def test_a_publication_records_a_version_and_bumps_the_revision(self, world, planning, needs):
        plan = solved(world, planning)
        revision = plan.revision
        services.plan_publish(plan=plan, user=None, revision=revision)
        plan.refresh_from_db()
        assert plan.status == Plan.Status.PUBLISHED and plan.revision == revision + 1
        assert snapshots(plan)[-1].origin == Origin.PUBLISH

    def test_a_plan_formed_before_versions_gets_a_first_one_before_it_changes(
        self, world, planning, needs
    ):
        plan = solved(world, planning)
        PlanSnapshot.objects.all().delete()  # as a plan formed by the demo or before
        baseline = versions.ensure_baseline(plan)
        assert baseline is not None and baseline.number == 1
        assert versions.ensure_baseline(plan) == baseline


class TestResolve:
    def test_a_resolve_starts_from_the_current_plan_and_never_lowers_the_objective(
        self, world, planning, needs
    ):
        coordinator = world.users["coordinator"]
        plan = solved(world, planning, coordinator)
        moved = move_someone(plan, coordinator)
        slot, module = moved.group.slot_id, moved.group.module_id
        plan.refresh_from_db()
        after_move = plan.objective
        with override_settings(GROUPING_TIME_LIMIT=0.05):
            services.plan_solve(plan=plan, user=coordinator, revision=plan.revision)
        plan.refresh_from_db()
        assert plan.status == Plan.Status.PROPOSED
        assert plan.progress["mode"] == "start"
        assert plan.objective >= after_move
        kept = Assignment.objects.get(group__plan=plan, student=moved.student, group__slot=slot)
        assert kept.locked and kept.group.module_id == module

    def test_a_resolve_that_finds_nothing_better_leaves_the_plan_and_says_so(
        self, world, planning, needs, login
    ):
        coordinator = world.users["coordinator"]
        plan = solved(world, planning, coordinator)
        before = (plan.revision, versions.snapshot_groups(plan), len(snapshots(plan)))
        services.plan_solve(plan=plan, user=coordinator, minimal_change=True)
        plan.refresh_from_db()
        assert plan.progress["mode"] == "minimal" and plan.progress["unchanged"]
        assert (plan.revision, versions.snapshot_groups(plan), len(snapshots(plan))) == before
        page = login(coordinator).get(reverse("planning:plan-detail", args=[plan.pk]))
        assert "le plan est inchangé" in page.content.decode()

    def test_a_resolve_after_a_worse_move_shows_before_and_after(
        self, world, planning, needs, login
    ):
        coordinator = world.users["coordinator"]
        plan = solved(world, planning, coordinator)
        move_someone(plan, coordinator)
        # Unlock the moved pupil so the solver may put them back.
        Assignment.objects.filter(group__plan=plan).update(locked=False)
        plan.refresh_from_db()
        services.plan_solve(plan=plan, user=coordinator, revision=plan.revision)
        plan.refresh_from_db()
        recorded = snapshots(plan)
        assert [s.origin for s in recorded][-1] == Origin.SOLVE
        assert recorded[-1].based_on.number == recorded[-2].number
        assert recorded[-1].objective > recorded[-2].objective
        page = login(coordinator).get(reverse("planning:plan-detail", args=[plan.pk]))
        text = page.content.decode()
        assert "Avant et après le dernier calcul" in text
        assert "Élèves déplacés" in text

    def test_a_stale_resolve_is_refused(self, world, planning, needs):
        plan = solved(world, planning)
        with pytest.raises(versions.PlanChanged):
            services.plan_solve(plan=plan, revision=plan.revision - 1)
        plan.refresh_from_db()
        assert plan.status == Plan.Status.PROPOSED


class TestCompare:
    def test_compare_lists_metrics_and_the_pupils_moved(self, world, planning, needs):
        coordinator = world.users["coordinator"]
        plan = solved(world, planning, coordinator)
        moved = move_someone(plan, coordinator)
        first, second = snapshots(plan)
        comparison = versions.compare(first, second)
        assert comparison["moved"] == 1 and comparison["placements_changed"] == 1
        [move] = comparison["moves"]
        assert move.student == moved.student
        assert move.after.startswith(moved.group.module.code)
        assert move.before and move.before != move.after
        rows = {row["key"]: row for row in comparison["metrics"]}
        assert list(rows)[:2] == ["objective", "need_coverage"]
        # Léa leaves her reading group in one slot: the plan scores lower.
        assert rows["objective"]["trend"] == "worse"
        assert rows["objective"]["difference"].startswith("-")

    def test_a_version_compared_with_itself_moves_nobody(self, world, planning, needs):
        plan = solved(world, planning)
        [first] = snapshots(plan)
        comparison = versions.compare(first, first)
        assert comparison["moved"] == 0
        assert all(row["difference"] is None for row in comparison["metrics"])


class TestRestore:
    def test_restore_round_trip_keeps_groups_and_locks(self, world, planning, needs):
        coordinator = world.users["coordinator"]
        plan = solved(world, planning, coordinator)
        move_someone(plan, coordinator)
        plan.refresh_from_db()
        first, with_move = snapshots(plan)

        restored = versions.restore(first, coordinator, plan.revision, plan=plan)
        plan.refresh_from_db()
        assert (restored.number, restored.origin, restored.based_on) == (3, Origin.RESTORE, first)
        assert versions.snapshot_groups(plan) == first.groups
        assert not Assignment.objects.filter(group__plan=plan, locked=True).exists()
        assert plan.objective == first.objective
        assert all(a.explanation for a in Assignment.objects.filter(group__plan=plan))

        versions.restore(with_move, coordinator, plan.revision, plan=plan)
        plan.refresh_from_db()
        assert versions.snapshot_groups(plan) == with_move.groups
        locked = Assignment.objects.get(group__plan=plan, locked=True)
        assert locked.lock_reason  # "moved by hand", back with the lock

    def test_restore_refuses_a_stale_revision_and_changes_nothing(self, world, planning, needs):
        plan = solved(world, planning)
        move_someone(plan, None)
        plan.refresh_from_db()
        first = snapshots(plan)[0]
        groups = versions.snapshot_groups(plan)
        with pytest.raises(versions.PlanChanged):
            versions.restore(first, None, plan.revision - 1, plan=plan)
        assert versions.snapshot_groups(plan) == groups

    def test_restore_refuses_a_module_that_is_no_longer_active_and_names_it(
        self, world, planning, needs
    ):
        from django.core.exceptions import ValidationError

        plan = solved(world, planning)
        first = snapshots(plan)[0]
        code = first.groups[0]["module_code"]
        Module.objects.filter(code=code).update(active=False)
        with pytest.raises(ValidationError) as refused:
            versions.restore(first, None, plan.revision, plan=plan)
        assert any(code in message for message in refused.value.messages)
        plan.refresh_from_db()
        assert versions.snapshot_groups(plan) == first.groups

    def test_restore_refuses_a_pupil_who_left_the_level(self, world, planning, needs):
        from django.core.exceptions import ValidationError

        plan = solved(world, planning)
        first = snapshots(plan)[0]
        world.classmate.division = world.other_division
        world.classmate.save()
        with pytest.raises(ValidationError) as refused:
            versions.restore(first, None, plan.revision, plan=plan)
        assert any("Zoé Hélène" in message for message in refused.value.messages)

    def test_a_published_plan_is_not_restored_into(self, world, planning, needs):
        from django.core.exceptions import ValidationError

        plan = solved(world, planning)
        services.plan_publish(plan=plan, user=None)
        plan.refresh_from_db()
        with pytest.raises(ValidationError):
            versions.restore(snapshots(plan)[0], None, plan.revision, plan=plan)


class TestPublish:
    def test_a_stale_publication_is_refused(self, world, planning, needs):
        plan = solved(world, planning)
        with pytest.raises(versions.PlanChanged):
            services.plan_publish(plan=plan, user=None, revision=plan.revision - 1)
        plan.refresh_from_db()
        assert plan.status == Plan.Status.PROPOSED

    def test_the_publish_button_goes_to_the_confirmation(self, world, planning, needs, login):
        plan = solved(world, planning)
        client = login(world.users["coordinator"])
        response = client.post(
            reverse("planning:plan-action", args=[plan.pk]), {"action": "publish"}
        )
        assert response["Location"] == reverse("planning:plan-publish", args=[plan.pk])
        plan.refresh_from_db()
        assert plan.status == Plan.Status.PROPOSED

    def test_the_confirmation_shows_the_first_publication_then_publishes(
        self, world, planning, needs, login
    ):
        plan = solved(world, planning)
        client = login(world.users["coordinator"])
        url = reverse("planning:plan-publish", args=[plan.pk])
        page = client.get(url).content.decode()
        assert "Première publication" in page and "Confirmer la publication" in page
        client.post(url, {"revision": plan.revision})
        plan.refresh_from_db()
        assert plan.status == Plan.Status.PUBLISHED

    def test_the_confirmation_compares_with_the_published_plan(self, world, planning, needs, login):
        coordinator = world.users["coordinator"]
        plan = solved(world, planning, coordinator)
        services.plan_publish(plan=plan, user=coordinator)
        draft = services.plan_for_editing(
            level=world.level, period=planning["period"], user=coordinator
        )
        moved = move_someone(draft, coordinator)
        client = login(coordinator)
        page = client.get(reverse("planning:plan-publish", args=[draft.pk])).content.decode()
        assert "Publié jusqu'ici" in page and "1 élève déplacé" in page
        assert moved.student.first_name in page

    def test_a_stale_confirmation_page_publishes_nothing(self, world, planning, needs, login):
        plan = solved(world, planning)
        client = login(world.users["coordinator"])
        response = client.post(
            reverse("planning:plan-publish", args=[plan.pk]),
            {"revision": plan.revision - 1},
            follow=True,
        )
        assert "a été modifié par quelqu" in response.content.decode()
        plan.refresh_from_db()
        assert plan.status == Plan.Status.PROPOSED


class TestPages:
    def test_the_versions_page_lists_and_compares(self, world, planning, needs, login):
        coordinator = world.users["coordinator"]
        plan = solved(world, planning, coordinator)
        move_someone(plan, coordinator)
        client = login(coordinator)
        url = reverse("planning:plan-versions", args=[plan.pk])
        listing = client.get(url).content.decode()
        assert "Version 1" in listing and "Version 2" in listing
        assert "modifiée à la main" in listing
        compared = client.get(url, {"a": 1, "b": 2}).content.decode()
        assert "Couverture des besoins" in compared and "1 élève déplacé" in compared
        assert client.get(url, {"a": 1, "b": 9}).status_code == 404

    def test_restoring_from_the_page_asks_then_restores(self, world, planning, needs, login):
        coordinator = world.users["coordinator"]
        plan = solved(world, planning, coordinator)
        move_someone(plan, coordinator)
        plan.refresh_from_db()
        client = login(coordinator)
        url = reverse("planning:plan-restore", args=[plan.pk, 1])
        page = client.get(url).content.decode()
        assert "Restaurer la version 1" in page and 'name="revision"' in page
        stale = client.post(url, {"revision": plan.revision - 1}, follow=True)
        assert "a été modifié par quelqu" in stale.content.decode()
        assert len(snapshots(plan)) == 2
        response = client.post(url, {"revision": plan.revision})
        assert response["Location"] == reverse("planning:plan-detail", args=[plan.pk])
        assert snapshots(plan)[-1].origin == Origin.RESTORE

    @pytest.mark.parametrize("role", ["teacher", "student", "guardian", "level_coordinator"])
    def test_other_roles_are_refused(self, world, planning, needs, login, role):
        plan = solved(world, planning)
        client = login(world.users[role])
        for url in _urls(plan):
            assert client.get(url).status_code == 403, url
        assert client.post(_urls(plan)[2], {"revision": plan.revision}).status_code == 403
        assert client.post(_urls(plan)[3], {"revision": plan.revision}).status_code == 403
        plan.refresh_from_db()
        assert plan.status == Plan.Status.PROPOSED

    def test_another_school_gets_404(self, world, planning, needs, login):
        plan = solved(world, planning)
        client = login(world.users["outsider"])
        for url in _urls(plan):
            assert client.get(url).status_code == 404, url

    def test_anonymous_is_sent_to_log_in(self, client, world, planning, needs):
        plan = solved(world, planning)
        for url in _urls(plan):
            assert client.get(url).status_code == 302, url


def _urls(plan: Plan) -> list[str]:
    return [
        reverse("planning:plan-versions", args=[plan.pk]),
        reverse("planning:plan-versions", args=[plan.pk]) + "?a=1&b=1",
        reverse("planning:plan-restore", args=[plan.pk, 1]),
        reverse("planning:plan-publish", args=[plan.pk]),
    ]
