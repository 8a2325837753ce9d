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


# Targets and outcomes: their forms replace a row of a set (a target per indicator and level,
# outcomes per level and year), so they carry a fingerprint of the set when the page was opened.


def _target_data(world, **changes) -> dict:
    data = {
        "indicator": "attendance",
        "direction": "at_least",
        "value": "90",
        "note": "",
        "version": services.targets_version(world.year),
    }
    data.update(changes)
    return data


def test_a_stale_target_form_is_refused_nothing_written_typed_values_kept(client, world):
    from appui.steering.models import Target

    opened = services.targets_version(world.year)
    services.target_set(year=world.year, indicator="attendance", value=80, version=opened)
    client.force_login(world.users["coordinator"])
    response = client.post(
        reverse("steering:targets"),
        _target_data(world, value="95", note="Objectif ambitieux", version=opened),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "pendant que vous les éditiez" in body
    assert 'value="95"' in body and "Objectif ambitieux" in body
    assert [t.value for t in Target.objects.all()] == [80]
    with pytest.raises(ChangedMeanwhile):
        services.target_set(year=world.year, indicator="attendance", value=70, version=opened)
    assert client.post(reverse("steering:targets"), _target_data(world)).status_code == 302
    assert [t.value for t in Target.objects.all()] == [90]


def _outcome_data(world, **changes) -> dict:
    data = {
        "level": world.level.pk,
        "start_year": 2025,
        "enrolled": 30,
        "repeating": 2,
        "candidates": 0,
        "passed": 0,
        "leavers": 0,
        "further_studies": 0,
        "version": services.outcomes_version(world.school),
    }
    data.update(changes)
    return data


def test_a_stale_outcome_form_is_refused_nothing_written_typed_values_kept(client, world):
    from appui.steering.models import Outcome

    opened = services.outcomes_version(world.school)
    services.outcome_set(
        school=world.school, start_year=2025, level=world.level, enrolled=28, version=opened
    )
    client.force_login(world.users["head"])
    response = client.post(
        reverse("steering:outcomes"), _outcome_data(world, enrolled=31, repeating=3, version=opened)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "pendant que vous les éditiez" in body
    assert 'value="31"' in body and 'value="3"' in body
    assert [(o.enrolled, o.repeating) for o in Outcome.objects.all()] == [(28, 0)]
    assert client.post(reverse("steering:outcomes"), _outcome_data(world)).status_code == 302
    assert [(o.enrolled, o.repeating) for o in Outcome.objects.all()] == [(30, 2)]
