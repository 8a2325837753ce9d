import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from appui.planning import grouping, services
from appui.planning.models import Assignment, Plan

pytestmark = pytest.mark.django_db(transaction=True)


def solved_plan(world, planning):
    plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
    services.plan_solve(plan=plan)  # immediate backend in tests: solved on commit
    plan.refresh_from_db()
    return plan


class TestSolving:
    def test_solving_places_every_student_once_per_slot(self, world, planning):
        plan = solved_plan(world, planning)
        assert plan.status == Plan.Status.PROPOSED
        for slot in planning["slots"]:
            placed = Assignment.objects.filter(group__plan=plan, group__slot=slot)
            assert sorted(a.student_id for a in placed) == sorted(
                [world.student.pk, world.classmate.pk]
            )
        assert grouping.evaluate(plan)["violations"] == []

    def test_the_instance_uses_need_profiles_and_slots(self, world, planning):
        plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
        instance = grouping.build_instance(plan)
        assert {s.id for s in instance.students} == {str(world.student.pk), str(world.classmate.pk)}
        assert len(instance.slots) == 2
        assert {m.id for m in instance.modules} == {"LEC-S", "CAL-S"}

    def test_a_locked_student_stays_after_solving_again(self, world, planning):
        plan = solved_plan(world, planning)
        assignment = Assignment.objects.filter(group__plan=plan, student=world.student).first()
        services.assignment_set_lock(
            assignment=assignment, locked=True, reason="Demande de la famille"
        )
        slot, module = assignment.group.slot_id, assignment.group.module_id
        services.plan_solve(plan=plan)
        again = Assignment.objects.get(group__plan=plan, student=world.student, group__slot_id=slot)
        assert again.group.module_id == module
        assert again.locked and again.lock_reason == "Demande de la famille"

    def test_a_move_breaking_a_size_rule_is_reported(self, world, planning):
        for module in planning["modules"]:
            module.max_size = 1  # two students: two groups of one in each slot
            module.save()
        plan = solved_plan(world, planning)
        a = Assignment.objects.filter(group__plan=plan).select_related("group").first()
        other = plan.groups.filter(slot=a.group.slot).exclude(pk=a.group_id).get()
        result = services.assignment_move(assignment=a, group=other)
        assert any("taille" in v or "effectif" in v or "élèves" in v for v in result["violations"])
        assert Assignment.objects.get(pk=a.pk).locked

    def test_a_published_plan_is_never_changed(self, world, planning):
        plan = solved_plan(world, planning)
        services.plan_publish(plan=plan, user=None)
        with pytest.raises(ValidationError):
            services.plan_solve(plan=plan)
        new = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
        assert new.version == 2 and new.groups.count() == plan.groups.count()
        services.plan_publish(plan=new, user=None)
        plan.refresh_from_db()
        assert plan.status == Plan.Status.SUPERSEDED


class TestPages:
    def test_coordinator_forms_and_publishes_groups(self, world, planning, login):
        client = login(world.users["coordinator"])
        response = client.post(
            reverse("planning:plan-workspace", args=[world.level.pk, planning["period"].pk]),
            {"action": "solve"},
        )
        plan = Plan.objects.get()
        assert response["Location"] == reverse("planning:plan-detail", args=[plan.pk])
        page = client.get(response["Location"]).content.decode()
        assert "Couverture des besoins" in page
        # « Publier » asks for confirmation first; the old one-click action publishes nothing.
        client.post(reverse("planning:plan-action", args=[plan.pk]), {"action": "publish"})
        plan.refresh_from_db()
        assert plan.status == Plan.Status.PROPOSED
        publish = reverse("planning:plan-publish", args=[plan.pk])
        assert "Confirmer la publication" in client.get(publish).content.decode()
        client.post(publish, {"revision": plan.revision})
        plan.refresh_from_db()
        assert plan.status == Plan.Status.PUBLISHED

    def test_teacher_cannot_open_the_planning(self, world, planning, login):
        client = login(world.users["teacher"])
        assert client.get(reverse("planning:plan-index")).status_code == 403
        url = reverse("planning:plan-workspace", args=[world.level.pk, planning["period"].pk])
        assert client.get(url).status_code == 403

    def test_outsider_gets_404_on_a_plan(self, world, planning, login):
        plan = solved_plan(world, planning)
        response = login(world.users["outsider"]).get(
            reverse("planning:plan-detail", args=[plan.pk])
        )
        assert response.status_code == 404

    def test_anonymous_is_redirected(self, client, world, planning):
        assert client.get(reverse("planning:plan-index")).status_code == 302

    def test_published_groups_show_on_student_and_teacher_pages(self, world, planning, login):
        plan = solved_plan(world, planning)
        services.plan_publish(plan=plan, user=None)
        student_page = (
            login(world.users["student"])
            .get(reverse("schools:student-detail", args=[world.student.pk]))
            .content.decode()
        )
        assert "Groupes d'AP" in student_page and "Module " in student_page
        group = plan.groups.filter(staff=planning["teacher"]).first()
        if group:
            home = login(world.users["teacher"]).get(reverse("home")).content.decode()
            assert group.module.title in home
            assert (
                login(world.users["teacher"])
                .get(reverse("planning:group-detail", args=[group.pk]))
                .status_code
                == 200
            )

    def test_a_proposed_group_is_hidden_from_teachers(self, world, planning, login):
        plan = solved_plan(world, planning)
        group = plan.groups.first()
        response = login(world.users["teacher"]).get(
            reverse("planning:group-detail", args=[group.pk])
        )
        assert response.status_code == 403
