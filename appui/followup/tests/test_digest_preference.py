"""The weekly e-mail digest page: a staff member opts in or out, sees the address it goes to,
and ``send_digests`` follows the choice."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from appui.followup.models import DigestPreference

pytestmark = pytest.mark.django_db

URL = reverse("followup:digest-preference")


def body(response):
    return response.content.decode()


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_it_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/connexion/" in response["Location"]


@pytest.mark.parametrize("role", ["student", "guardian"])
def test_it_is_for_staff_only(world, login, role):
    assert login(world.users[role]).get(URL).status_code == 403
    assert login(world.users[role]).post(URL, {"weekly": "on"}).status_code == 403
    assert not DigestPreference.objects.exists()


def test_it_shows_the_address_the_digest_goes_to(world, login):
    teacher = world.users["teacher"]
    teacher.email = "prof@example.org"
    teacher.save()
    text = body(login(teacher).get(URL))
    assert "prof@example.org" in text
    assert 'id="address-link"' in text


def test_it_warns_when_no_address_is_known(world, login):
    teacher = world.users["teacher"]
    teacher.email = ""
    teacher.save()
    assert "Aucune adresse" in body(login(teacher).get(URL))


def test_the_head_gets_a_link_to_where_addresses_are_shown(world, login):
    text = body(login(world.users["head"]).get(URL))
    assert reverse("schools:settings-logins") in text


def test_the_coordinator_todo_panel_links_to_it(world, login):
    assert URL in body(login(world.users["coordinator"]).get(reverse("home")))


def test_toggling_changes_what_send_digests_sends(world, ap, login, locmem):
    teacher = world.users["teacher"]
    teacher.email = "prof@example.org"
    teacher.save()
    client = login(teacher)

    call_command("send_digests")
    assert mail.outbox == []  # nobody asked yet

    response = client.post(URL, {"weekly": "on"})
    assert response.status_code == 302
    assert DigestPreference.objects.get(user=teacher).weekly
    call_command("send_digests")
    assert [m.to for m in mail.outbox] == [["prof@example.org"]]

    mail.outbox.clear()
    client.post(URL, {})  # the box unticked
    assert not DigestPreference.objects.get(user=teacher).weekly
    call_command("send_digests")
    assert mail.outbox == []
    assert 'id="id_weekly"' in body(client.get(URL))
    assert "checked" not in body(client.get(URL)).split('id="id_weekly"')[0].rsplit("<input", 1)[1]
