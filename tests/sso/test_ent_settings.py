"""The school's ENT sign-on settings (Paramètres) and the demo's ENT identifiers."""

import pytest
from django.urls import reverse

from appui.accounts.models import EntIdentity
from appui.schools import services

pytestmark = pytest.mark.django_db
URL = reverse("schools:settings-home")


def _post(client, school, **fields):
    data = {
        "ent_settings": "1",
        "version": services.row_version(school),
        "cas_attribute": "",
        "oidc_claim": "",
        "national_id_attribute": "",
        **fields,
    }
    return client.post(URL, data)


def test_the_head_chooses_the_identifier_attributes(world, login):
    client = login(world.users["head"])
    assert "ENTPersonLogin" not in client.get(URL).content.decode()
    response = _post(
        client, world.school, cas_attribute="ENTPersonLogin", national_id_attribute="ENTEleveINE"
    )
    assert response.status_code == 302
    world.school.refresh_from_db()
    assert world.school.ent_cas_attribute == "ENTPersonLogin"
    assert world.school.ent_oidc_claim == "sub"  # empty: the default
    assert world.school.ent_national_id_attribute == "ENTEleveINE"
    assert world.school.updated_by == world.users["head"]


def test_a_stale_form_changes_nothing(world, login):
    client = login(world.users["head"])
    data_version = services.row_version(world.school)
    _post(client, world.school, cas_attribute="mail")
    world.school.refresh_from_db()
    response = client.post(
        URL,
        {"ent_settings": "1", "version": data_version, "cas_attribute": "other", "oidc_claim": ""},
    )
    assert response.status_code == 302
    world.school.refresh_from_db()
    assert world.school.ent_cas_attribute == "mail"


def test_a_coordinator_reads_but_cannot_change_them(world, login):
    client = login(world.users["coordinator"])
    body = client.get(URL).content.decode()
    assert 'name="ent_settings"' not in body and "user" in body
    assert _post(client, world.school, cas_attribute="mail").status_code == 403


@pytest.mark.parametrize("role", ["teacher", "student", "guardian", "outsider"])
def test_other_roles_are_refused(world, login, role):
    assert login(world.users[role]).get(URL).status_code == 403


def test_the_demo_links_each_account_to_an_ent_identifier_equal_to_its_username(db):
    from appui.schools.demo import build_demo

    result = build_demo(students=60)
    links = EntIdentity.objects.filter(school=result.school)
    assert {(link.user.username, link.provider) for link in links} == {
        (username, provider) for username in result.accounts for provider in ("cas", "oidc")
    }
    assert all(link.identifier == link.user.username for link in links)
