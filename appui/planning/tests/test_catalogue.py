import pytest
from django.urls import reverse

from appui.planning.models import Module, Slot

pytestmark = pytest.mark.django_db


class TestSlots:
    def test_staff_read_the_slots_and_see_conflicts(self, world, planning, login):
        teacher = planning["teacher"]
        # Both slots on Tuesday at the same time with the same teacher: a conflict.
        Slot.objects.update(weekday=1)
        body = login(world.users["teacher"]).get(reverse("planning:slot-list")).content.decode()
        assert "mardi 10:00" in body
        assert "deux barrettes en même temps" in body
        assert str(teacher.last_name).upper() in body.upper()

    def test_coordinator_creates_a_slot(self, world, planning, login):
        url = reverse("planning:slot-create", args=[world.level.pk])
        response = login(world.users["coordinator"]).post(
            url,
            {
                "weekday": 4,
                "start_time": "14:00",
                "end_time": "15:30",
                "periods": [planning["period"].pk],
                "divisions": [world.division.pk],
                "rooms": [planning["rooms"][0].pk],
            },
        )
        assert response.status_code == 302
        assert Slot.objects.filter(level=world.level, weekday=4).exists()

    def test_a_slot_ending_before_it_starts_is_refused(self, world, planning, login):
        url = reverse("planning:slot-create", args=[world.level.pk])
        response = login(world.users["coordinator"]).post(
            url,
            {
                "weekday": 4,
                "start_time": "15:00",
                "end_time": "14:00",
                "divisions": [world.division.pk],
            },
        )
        assert response.status_code == 200
        assert not Slot.objects.filter(weekday=4).exists()

    def test_teacher_cannot_edit_slots(self, world, planning, login):
        url = reverse("planning:slot-create", args=[world.level.pk])
        assert login(world.users["teacher"]).get(url).status_code == 403

    def test_outsider_and_students(self, world, planning, login):
        assert login(world.users["student"]).get(reverse("planning:slot-list")).status_code == 403
        url = reverse("planning:slot-create", args=[world.level.pk])
        assert login(world.users["outsider"]).get(url).status_code == 404


class TestModules:
    def test_coordinator_duplicates_a_module(self, world, planning, login):
        source = planning["modules"][0]
        client = login(world.users["coordinator"])
        page = client.get(reverse("planning:module-copy", args=[source.pk])).content.decode()
        assert f"{source.code}-2" in page

    def test_a_long_module_is_saved_with_a_warning(self, world, planning, login):
        source = planning["modules"][0]
        response = login(world.users["coordinator"]).post(
            reverse("planning:module-create"),
            {
                "code": "long",
                "title": "Long module",
                "objective": "Objectif",
                "competency": source.competency.pk,
                "kind": "soutien",
                "sessions": 8,
                "min_size": 4,
                "max_size": 12,
                "active": "on",
            },
            follow=True,
        )
        assert Module.objects.filter(code="LONG").exists()
        assert "3 à 5 séances" in response.content.decode()

    def test_sizes_must_be_ordered(self, world, planning, login):
        source = planning["modules"][0]
        login(world.users["coordinator"]).post(
            reverse("planning:module-create"),
            {
                "code": "X",
                "title": "X",
                "objective": "X",
                "competency": source.competency.pk,
                "kind": "soutien",
                "sessions": 4,
                "min_size": 10,
                "max_size": 5,
            },
        )
        assert not Module.objects.filter(code="X").exists()

    def test_teachers_read_the_catalogue_but_cannot_edit(self, world, planning, login):
        client = login(world.users["teacher"])
        assert client.get(reverse("planning:module-list")).status_code == 200
        assert client.get(reverse("planning:module-create")).status_code == 403
