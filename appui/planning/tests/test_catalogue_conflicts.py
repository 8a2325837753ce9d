"""A module's and a slot's edit forms carry the version they were opened on: two coordinators
editing one at once never silently overwrite each other; the second save is refused, nothing
written, the typed values shown again."""

import pytest
from django.urls import reverse

from appui.planning.models import Module, Slot
from appui.planning.services import catalogue_version

pytestmark = pytest.mark.django_db

CONFLICT = "pendant que vous les éditiez"


def _module_data(module: Module, **changes) -> dict:
    data = {
        "code": module.code,
        "title": module.title,
        "objective": module.objective,
        "competency": module.competency_id,
        "kind": module.kind,
        "sessions": module.sessions,
        "success_indicators": module.success_indicators,
        "min_size": module.min_size,
        "max_size": module.max_size,
        "staff": [staff.pk for staff in module.staff.all()],
        "room_needs": module.room_needs,
        "active": "on",
        "version": catalogue_version(module),
    }
    data.update(changes)
    return data


def _slot_data(slot: Slot, **changes) -> dict:
    data = {
        "weekday": slot.weekday,
        "start_time": f"{slot.start_time:%H:%M}",
        "end_time": f"{slot.end_time:%H:%M}",
        "periods": [p.pk for p in slot.periods.all()],
        "divisions": [d.pk for d in slot.divisions.all()],
        "staff": [s.pk for s in slot.staff.all()],
        "rooms": [r.pk for r in slot.rooms.all()],
        "version": catalogue_version(slot),
    }
    data.update(changes)
    return data


class TestModule:
    def test_the_edit_form_carries_the_version(self, world, planning, login):
        module = planning["modules"][0]
        client = login(world.users["coordinator"])
        body = client.get(reverse("planning:module-edit", args=[module.pk])).content.decode()
        assert f'value="{catalogue_version(module)}"' in body

    def test_a_stale_form_is_refused_nothing_written_typed_values_kept(
        self, world, planning, login
    ):
        module = planning["modules"][0]
        client = login(world.users["coordinator"])
        url = reverse("planning:module-edit", args=[module.pk])
        opened = _module_data(module)
        # Someone else saves first.
        assert client.post(url, _module_data(module, title="Titre de A")).status_code == 302
        response = client.post(url, {**opened, "title": "Titre de B", "objective": "Mon objectif"})
        body = response.content.decode()
        assert response.status_code == 200
        assert CONFLICT in body
        assert "Titre de B" in body and "Mon objectif" in body
        module.refresh_from_db()
        assert module.title == "Titre de A" and module.objective == "Un objectif précis"

    def test_a_changed_link_makes_the_form_stale(self, world, planning, login):
        module = planning["modules"][0]
        opened = _module_data(module)
        module.staff.remove(planning["teacher"])
        response = login(world.users["coordinator"]).post(
            reverse("planning:module-edit", args=[module.pk]), {**opened, "title": "Autre"}
        )
        assert response.status_code == 200 and CONFLICT in response.content.decode()
        assert Module.objects.get(pk=module.pk).title == "Module LEC-S"

    def test_a_current_form_saves_and_a_missing_version_is_stale(self, world, planning, login):
        module = planning["modules"][0]
        client = login(world.users["coordinator"])
        url = reverse("planning:module-edit", args=[module.pk])
        missing = {k: v for k, v in _module_data(module, title="Sans version").items()}
        del missing["version"]
        assert client.post(url, missing).status_code == 200
        assert client.post(url, _module_data(module, title="Nouveau")).status_code == 302
        assert Module.objects.get(pk=module.pk).title == "Nouveau"


class TestSlot:
    def test_a_stale_form_is_refused_nothing_written_typed_values_kept(
        self, world, planning, login
    ):
        slot = planning["slots"][0]
        client = login(world.users["coordinator"])
        url = reverse("planning:slot-edit", args=[world.level.pk, slot.pk])
        assert f'value="{catalogue_version(slot)}"' in client.get(url).content.decode()
        opened = _slot_data(slot)
        assert client.post(url, _slot_data(slot, end_time="12:00")).status_code == 302
        response = client.post(url, {**opened, "start_time": "09:15", "rooms": []})
        body = response.content.decode()
        assert response.status_code == 200
        assert CONFLICT in body and 'value="09:15"' in body
        slot.refresh_from_db()
        assert f"{slot.start_time:%H:%M}-{slot.end_time:%H:%M}" == "10:00-12:00"
        assert slot.rooms.count() == 2

    def test_a_current_form_saves(self, world, planning, login):
        slot = planning["slots"][0]
        response = login(world.users["coordinator"]).post(
            reverse("planning:slot-edit", args=[world.level.pk, slot.pk]),
            _slot_data(slot, start_time="09:00"),
        )
        assert response.status_code == 302
        assert f"{Slot.objects.get(pk=slot.pk).start_time:%H:%M}" == "09:00"
