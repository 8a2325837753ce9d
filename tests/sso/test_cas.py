"""CAS sign-on through a real CAS server (django-cas-server, started by tests.sso.servers):
appui → the ENT's login form → ticket → appui session; unknown users refused; single
sign-out both ways."""

import pytest
import requests

from appui.accounts.models import EntIdentity, User
from appui.schools.models import Membership
from appui.schools.tests.factories import (
    MembershipFactory,
    SchoolFactory,
    StaffFactory,
    StudentFactory,
    UserFactory,
)
from tests.sso.servers import ent_login

pytestmark = pytest.mark.django_db(transaction=True)
CAS_BACKEND = "appui.accounts.sso.EntCasBackend"


@pytest.fixture
def cas(settings, ent_server):
    settings.CAS_SERVER_URL = ent_server.cas_url
    settings.CAS_VERSION = "3"
    # requests (unlike Chromium) sends no Secure cookie to http://localhost.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, CAS_BACKEND]
    return ent_server


def _teacher(school, username="m.durand", first_name="Marie", last_name="Durand"):
    user = UserFactory(username=username, first_name=first_name, last_name=last_name)
    MembershipFactory(user=user, school=school, role=Membership.Role.TEACHER)
    return user


def _home_user(session, live_server) -> str:
    """Who appui says is logged in on this session (the logout button's text)."""
    page = session.get(live_server.url + "/compte/securite/", allow_redirects=False, timeout=30)
    return page.text if page.status_code == 200 else ""


def test_it_offers_the_ent_link_when_cas_is_configured(cas, live_server):
    page = requests.get(live_server.url + "/compte/connexion/", timeout=30)
    assert "Se connecter avec l&#x27;ENT" in page.text or "Se connecter avec l'ENT" in page.text
    assert "/compte/ent/cas/" in page.text


def test_it_logs_a_linked_user_in_through_the_cas_server(cas, live_server):
    school = SchoolFactory()
    user = _teacher(school)
    EntIdentity.objects.create(user=user, school=school, provider="cas", identifier="mdurand42")
    cas.add_user("mdurand42")
    session = requests.Session()
    answer = ent_login(session, live_server.url + "/compte/ent/cas/", "mdurand42", "ent-password")
    assert answer.status_code == 200, answer.text[:500]
    assert answer.url.startswith(live_server.url), [r.url for r in answer.history]
    assert "Marie Durand" in _home_user(session, live_server)


def test_it_reads_the_identifier_from_the_attribute_the_school_chose(cas, live_server):
    school = SchoolFactory(ent_cas_attribute="email")
    user = _teacher(school, "p.martin", "Paul", "Martin")
    EntIdentity.objects.create(
        user=user, school=school, provider="cas", identifier="p.martin@ent.example.org"
    )
    # The CAS user is some other login: only the chosen attribute identifies the account.
    cas.manage("sso_user", "pm-9731", "ent-password")
    cas.manage("shell", "-c", _set_email("pm-9731", "p.martin@ent.example.org"))
    session = requests.Session()
    answer = ent_login(session, live_server.url + "/compte/ent/cas/", "pm-9731", "ent-password")
    assert answer.status_code == 200, answer.text[:500]
    assert "Durand" not in _home_user(session, live_server)
    assert user.get_full_name() in _home_user(session, live_server)


def _set_email(username: str, email: str) -> str:
    return (
        "from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.filter(username={username!r}).update(email={email!r})"
    )


def test_it_links_by_the_national_identifiers_the_ent_releases(cas, live_server):
    school = SchoolFactory(ent_national_id_attribute="ENTEleveINE")
    pupil_user = UserFactory(username="eleve.lucas", first_name="Lucas", last_name="Petit")
    StudentFactory(school=school, user=pupil_user, ine="1234567890A")
    staff_user = UserFactory(username="prof.sts", first_name="Anne", last_name="Roux")
    StaffFactory(school=school, user=staff_user, sts_id="4567")
    cas.add_user("lpetit", ENTEleveINE="1234567890a")
    cas.add_user("aroux", ENTEleveINE="4567")
    for login, name in (("lpetit", "Lucas Petit"), ("aroux", "Anne Roux")):
        session = requests.Session()
        answer = ent_login(session, live_server.url + "/compte/ent/cas/", login, "ent-password")
        assert answer.status_code == 200, answer.text[:500]
        assert name in _home_user(session, live_server)


def test_it_refuses_an_unknown_ent_user_and_creates_no_account(cas, live_server):
    school = SchoolFactory()
    _teacher(school)
    cas.add_user("inconnu.ent")
    users_before = User.objects.count()
    session = requests.Session()
    answer = ent_login(session, live_server.url + "/compte/ent/cas/", "inconnu.ent", "ent-password")
    assert answer.status_code == 403
    assert "Votre compte ENT n’est pas relié à appui" in answer.text or (
        "Votre compte ENT n'est pas relié à appui" in answer.text
    )
    assert "inconnu.ent" in answer.text
    assert User.objects.count() == users_before
    assert _home_user(session, live_server) == ""


def test_it_refuses_an_identifier_that_leads_to_two_accounts(cas, live_server):
    first, second = SchoolFactory(), SchoolFactory()
    EntIdentity.objects.create(
        user=_teacher(first, "a1"), school=first, provider="cas", identifier="double"
    )
    EntIdentity.objects.create(
        user=_teacher(second, "a2"), school=second, provider="cas", identifier="double"
    )
    cas.add_user("double")
    session = requests.Session()
    answer = ent_login(session, live_server.url + "/compte/ent/cas/", "double", "ent-password")
    assert answer.status_code == 403
    assert "plusieurs comptes" in answer.text


def test_logging_out_of_appui_logs_out_of_the_ent(cas, live_server):
    school = SchoolFactory()
    user = _teacher(school)
    EntIdentity.objects.create(user=user, school=school, provider="cas", identifier="mdurand42")
    cas.add_user("mdurand42")
    session = requests.Session()
    ent_login(session, live_server.url + "/compte/ent/cas/", "mdurand42", "ent-password")
    security = session.get(live_server.url + "/compte/securite/", timeout=30)
    token = session.cookies.get("csrftoken", domain="localhost.local") or _csrf(security.text)
    answer = session.post(
        live_server.url + "/compte/deconnexion/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": live_server.url + "/compte/securite/"},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(cas.cas_url + "logout")
    assert _home_user(session, live_server) == ""
    back = session.get(answer.headers["Location"], timeout=30)
    assert back.url.startswith(live_server.url + "/compte/connexion/")
    # The ENT session is over too: signing on again asks for the password.
    again = session.get(live_server.url + "/compte/ent/cas/", timeout=30)
    assert again.url.startswith(cas.url)
    assert 'name="password"' in again.text


def test_logging_out_of_the_ent_ends_the_appui_session(cas, live_server):
    """CAS single logout: the server posts a logoutRequest to appui, which ends the session."""
    school = SchoolFactory()
    user = _teacher(school)
    EntIdentity.objects.create(user=user, school=school, provider="cas", identifier="mdurand42")
    cas.add_user("mdurand42")
    session = requests.Session()
    ent_login(session, live_server.url + "/compte/ent/cas/", "mdurand42", "ent-password")
    assert "Marie Durand" in _home_user(session, live_server)
    session.get(cas.cas_url + "logout", timeout=30)
    for _ in range(50):  # the server sends its logout requests in the background
        if _home_user(session, live_server) == "":
            break
        import time

        time.sleep(0.1)
    assert _home_user(session, live_server) == ""


def _csrf(html: str) -> str:
    import re

    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_the_second_login_step_still_applies_after_the_ent(cas, live_server):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    school = SchoolFactory()
    user = _teacher(school)
    TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    EntIdentity.objects.create(user=user, school=school, provider="cas", identifier="mdurand42")
    cas.add_user("mdurand42")
    session = requests.Session()
    answer = ent_login(session, live_server.url + "/compte/ent/cas/", "mdurand42", "ent-password")
    assert answer.url.startswith(live_server.url + "/compte/verification/")
    assert _home_user(session, live_server) == ""  # held at the code until it is given
