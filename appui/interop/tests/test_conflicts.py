"""The LSU settings form carries the version of the period's settings and class councils it
was opened on: two heads saving them at once never silently overwrite each other; the second
save is refused, nothing written, the typed values shown again."""

from datetime import date

import pytest
from django.urls import reverse

from appui.interop import services
from appui.interop.models import LsuCouncil, LsuSettings
from appui.interop.tests.test_lsu import college  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _data(world, college, version: str, **changes) -> dict:  # noqa: F811
    data = {
        "periode": college["period"].pk,
        "reglages-manager": college["head"].pk,
        "reglages-locked_on": "2026-10-20",
        "reglages-lsu_index": "1",
        "reglages-lsu_count": "3",
        f"conseil-{world.division.pk}": "2026-10-14",
        "reglages-version": version,
    }
    data.update(changes)
    return data


def test_the_form_carries_the_version(client, login, world, college):  # noqa: F811
    login(world.users["head"])
    period = college["period"]
    body = client.get(reverse("interop:lsu"), {"periode": period.pk}).content.decode()
    assert f'value="{services.lsu_settings_version(period)}"' in body


def test_a_stale_form_is_refused_nothing_written_typed_values_kept(
    client,
    login,
    world,
    college,  # noqa: F811
):
    login(world.users["head"])
    period = college["period"]
    url = reverse("interop:lsu")
    opened = services.lsu_settings_version(period)
    # Someone else saves first (the settings did not exist yet: they create them).
    assert client.post(url, _data(world, college, opened)).status_code == 302
    response = client.post(
        url,
        _data(
            world,
            college,
            opened,
            **{"reglages-lsu_index": "2", f"conseil-{world.division.pk}": "2026-10-21"},
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "pendant que vous les éditiez" in body
    assert 'value="2026-10-21"' in body and 'name="reglages-lsu_index" value="2"' in body
    assert LsuSettings.objects.get(period=period).lsu_index == 1
    assert LsuCouncil.objects.get(period=period).date == date(2026, 10, 14)
    # A council changed meanwhile makes the form stale too.
    current = services.lsu_settings_version(period)
    LsuCouncil.objects.filter(period=period).update(date=date(2026, 10, 15))
    response = client.post(url, _data(world, college, current, **{"reglages-lsu_index": "2"}))
    assert response.status_code == 200
    assert LsuSettings.objects.get(period=period).lsu_index == 1
    fresh = services.lsu_settings_version(period)
    response = client.post(url, _data(world, college, fresh, **{"reglages-lsu_index": "2"}))
    assert response.status_code == 302
    assert LsuSettings.objects.get(period=period).lsu_index == 2
