"""OpenID Connect sign-on through a real provider (django-oauth-toolkit with OIDC on, RS256
key generated for the run): appui → the ENT's login form → code → tokens checked against the
provider's keys → appui session; unknown users refused; logout ends the provider's session."""

import pytest
import requests

from appui.accounts.models import EntIdentity, User
from appui.schools.models import Membership
from appui.schools.tests.factories import MembershipFactory, SchoolFactory, UserFactory
from tests.sso.servers import ent_login

pytestmark = pytest.mark.django_db(transaction=True)
OIDC_BACKEND = "appui.accounts.sso.EntOidcBackend"
START = "/compte/ent/oidc/"


@pytest.fixture
def oidc(settings, ent_server):
    for name, value in ent_server.oidc_settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, OIDC_BACKEND]
    # requests (unlike Chromium) sends no Secure cookie to http://localhost.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    return ent_server


def _coordinator(school, username="c.leroy"):
    user = UserFactory(username=username, first_name="Claire", last_name="Leroy")
    MembershipFactory(user=user, school=school, role=Membership.Role.COORDINATOR)
    return user


def _logged_in_page(session, live_server) -> str:
    page = session.get(live_server.url + "/compte/securite/", allow_redirects=False, timeout=30)
    return page.text if page.status_code == 200 else ""


def test_it_offers_the_ent_link_when_oidc_is_configured(oidc, live_server):
    page = requests.get(live_server.url + "/compte/connexion/", timeout=30)
    assert START in page.text


def test_it_logs_a_linked_user_in_through_the_provider(oidc, live_server):
    school = SchoolFactory(ent_oidc_claim="preferred_username")
    user = _coordinator(school)
    EntIdentity.objects.create(user=user, school=school, provider="oidc", identifier="cleroy")
    oidc.add_user("cleroy")
    session = requests.Session()
    answer = ent_login(session, live_server.url + START, "cleroy", "ent-password")
    assert answer.status_code == 200, answer.text[:500]
    assert answer.url == live_server.url + "/"
    assert "Claire Leroy" in _logged_in_page(session, live_server)


def test_a_cas_identity_does_not_open_an_oidc_login(oidc, live_server):
    school = SchoolFactory(ent_oidc_claim="preferred_username")
    user = _coordinator(school)
    EntIdentity.objects.create(user=user, school=school, provider="cas", identifier="cleroy")
    oidc.add_user("cleroy")
    session = requests.Session()
    answer = ent_login(session, live_server.url + START, "cleroy", "ent-password")
    assert answer.status_code == 403
    assert _logged_in_page(session, live_server) == ""


def test_it_refuses_an_unknown_ent_user_and_creates_no_account(oidc, live_server):
    SchoolFactory(ent_oidc_claim="preferred_username")
    oidc.add_user("nouvelle.personne")
    users_before = User.objects.count()
    session = requests.Session()
    answer = ent_login(session, live_server.url + START, "nouvelle.personne", "ent-password")
    assert answer.status_code == 403
    assert "Votre compte ENT n'est pas relié à appui" in answer.text.replace("&#x27;", "'")
    assert "nouvelle.personne" in answer.text
    assert User.objects.count() == users_before
    assert _logged_in_page(session, live_server) == ""


def test_logging_out_of_appui_logs_out_of_the_provider(oidc, live_server):
    school = SchoolFactory(ent_oidc_claim="preferred_username")
    user = _coordinator(school)
    EntIdentity.objects.create(user=user, school=school, provider="oidc", identifier="cleroy")
    oidc.add_user("cleroy")
    session = requests.Session()
    ent_login(session, live_server.url + START, "cleroy", "ent-password")
    answer = session.post(
        live_server.url + "/compte/deconnexion/",
        data={"csrfmiddlewaretoken": session.cookies.get("csrftoken")},
        headers={"Referer": live_server.url + "/compte/securite/"},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(oidc.url + "/o/logout/")
    assert "id_token_hint=" in location
    back = session.get(location, timeout=30)
    assert back.url.startswith(live_server.url + "/compte/connexion/")
    assert _logged_in_page(session, live_server) == ""
    # The provider's session is over too: signing on again shows its login form.
    again = session.get(live_server.url + START, timeout=30)
    assert again.url.startswith(oidc.url + "/login/")
