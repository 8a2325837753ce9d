"""A meeting's form (agenda, minutes…) carries the version it was opened on: two
coordinators writing the minutes at once never silently overwrite each other; the second
save is refused, nothing written, the typed minutes shown again."""

import pytest
from django.urls import reverse

from appui.schools.services import ChangedMeanwhile, row_version
from appui.steering import services
from appui.steering.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(meeting) -> Meeting:
    return meeting["meeting"]


def _fields(meeting: Meeting, **changes) -> dict:
    data = {
        "kind": meeting.kind,
        "date": meeting.date.isoformat(),
        "title": meeting.title,
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "other_attendees": meeting.other_attendees,
        "levels": [level.pk for level in meeting.levels.all()],
        "attendees": [staff.pk for staff in meeting.attendees.all()],
    }
    data.update(changes)
    return data


def _save(meeting: Meeting, version: str, minutes: str) -> Meeting:
    return services.meeting_save(
        year=meeting.year,
        kind=meeting.kind,
        date=meeting.date,
        title=meeting.title,
        agenda=meeting.agenda,
        minutes=minutes,
        meeting=Meeting.objects.get(pk=meeting.pk),
        version=version,
    )


def test_a_stale_update_is_refused_and_nothing_is_written(world, meeting):
    opened = row_version(meeting)
    _save(meeting, opened, "Compte rendu de A")
    with pytest.raises(ChangedMeanwhile):
        _save(meeting, opened, "Compte rendu de B")
    assert Meeting.objects.get(pk=meeting.pk).minutes == "Compte rendu de A"


def test_the_edit_form_carries_the_version(client, world, meeting):
    client.force_login(world.users["coordinator"])
    body = client.get(reverse("steering:meeting-edit", args=[meeting.pk])).content.decode()
    assert f'value="{row_version(meeting)}"' in body


def test_a_stale_form_shows_the_conflict_and_keeps_the_typed_minutes(client, world, meeting):
    opened = row_version(meeting)
    _save(meeting, opened, "Compte rendu de A")
    client.force_login(world.users["coordinator"])
    response = client.post(
        reverse("steering:meeting-edit", args=[meeting.pk]),
        _fields(meeting, minutes="Mes notes de réunion", version=opened),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Mes notes de réunion" in body and "Votre texte est conservé" in body
    assert Meeting.objects.get(pk=meeting.pk).minutes == "Compte rendu de A"


def test_a_current_form_saves(client, world, meeting):
    client.force_login(world.users["coordinator"])
    response = client.post(
        reverse("steering:meeting-edit", args=[meeting.pk]),
        _fields(meeting, minutes="Notes", version=row_version(meeting)),
    )
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).minutes == "Notes"
