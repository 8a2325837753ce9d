"""ENT sign-on pieces that need no ENT server: released values, axes' whitelist, the pages
when no ENT is configured, logout without an ENT session. The sign-ons themselves run
against real CAS and OpenID Connect servers in tests/sso/."""

import pytest
from django.urls import reverse

from appui.accounts.models import User
from appui.accounts.sso import accounts_for, is_sign_on_attempt, released_values


def test_released_values_keep_text_and_the_first_of_lists():
    values = released_values(
        {"mail": ["a@b.fr", "c@d.fr"], "uid": 42, "flag": True, "empty": "", "nested": {}},
        user="jdupont",
    )
    assert values == {"mail": "a@b.fr", "uid": "42", "user": "jdupont"}


def test_released_values_skip_overlong_values():
    assert released_values({"x": "a" * 151}) == {}


def test_a_ticket_or_a_code_is_not_a_password_guess():
    assert is_sign_on_attempt(None, {"ticket": "ST-1", "service": "x"})
    assert is_sign_on_attempt(None, {"nonce": "n", "code_verifier": None})
    assert not is_sign_on_attempt(None, {"username": "a", "password": "b"})
    assert not is_sign_on_attempt(None, None)


@pytest.mark.django_db
def test_no_account_answers_an_unlinked_identifier():
    User.objects.create_user("jdupont")
    # Same username as a local account: a username is not an ENT link.
    assert accounts_for("cas", {"user": "jdupont"}) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["ent-cas-login", "ent-oidc-login", "ent-oidc-callback"])
def test_the_sign_on_pages_do_not_exist_without_an_ent(client, settings, name):
    settings.CAS_SERVER_URL = ""
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = ""
    assert client.get(reverse(f"accounts:{name}")).status_code == 404


@pytest.mark.django_db
def test_the_login_page_has_no_ent_link_without_an_ent(client, settings):
    settings.CAS_SERVER_URL = ""
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = ""
    body = client.get(reverse("accounts:login")).content.decode()
    assert "/compte/ent/" not in body


@pytest.mark.django_db
def test_a_password_session_logs_out_to_the_login_page(client):
    user = User.objects.create_user("local", password="x-Very-long-1")
    client.force_login(user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:logout")).status_code == 405
