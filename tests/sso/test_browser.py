"""ENT sign-on in Chromium through the real CAS server: the login page's ENT link, the ENT's
form, the refusal page of an unlinked ENT account and a linked teacher's arrival — at desktop
size and on a 375 px phone, without sideways scrolling, accessible (axe)."""

import pytest
from playwright.sync_api import expect

from appui.accounts.models import EntIdentity, User
from appui.schools.models import Membership
from appui.schools.tests.factories import MembershipFactory, SchoolFactory, UserFactory
from tests.e2e.screen import assert_accessible, assert_fits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}


@pytest.fixture(params=list(SIZES), ids=list(SIZES))
def size(request, page):
    page.set_viewport_size(SIZES[request.param])
    return SIZES[request.param]["width"]


@pytest.fixture
def cas(settings, ent_server):
    settings.CAS_SERVER_URL = ent_server.cas_url
    settings.ENT_NAME = "ENT de test"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "appui.accounts.sso.EntCasBackend",
    ]
    return ent_server


def _check(page) -> None:
    assert_fits(page)
    assert_accessible(page)


def _sign_on(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/compte/connexion/")
    page.get_by_role("button", name="Se connecter avec l'ENT").click()
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("ent-password")
    page.locator("#id_password").press("Enter")
    page.wait_for_url(f"{live_server.url}/**")


def test_an_unlinked_ent_account_sees_the_refusal_page(cas, live_server, page, size):
    cas.add_user("inconnu.navigateur")
    users_before = User.objects.count()
    page.goto(live_server.url + "/compte/connexion/")
    expect(page.get_by_role("heading", name="Avec votre compte ENT (ENT de test)")).to_be_visible()
    _check(page)
    _sign_on(page, live_server, "inconnu.navigateur")
    expect(
        page.get_by_role("heading", name="Votre compte ENT n'est pas relié à appui")
    ).to_be_visible()
    expect(page.get_by_text("inconnu.navigateur")).to_be_visible()
    _check(page)
    assert User.objects.count() == users_before


def test_a_linked_teacher_arrives_logged_in(cas, live_server, page, size):
    school = SchoolFactory()
    user = UserFactory(username="t.blanc", first_name="Théo", last_name="Blanc")
    MembershipFactory(user=user, school=school, role=Membership.Role.TEACHER)
    EntIdentity.objects.create(user=user, school=school, provider="cas", identifier="tblanc")
    cas.add_user("tblanc")
    _sign_on(page, live_server, "tblanc")
    expect(page.get_by_role("button", name="Se déconnecter (Théo Blanc)")).to_be_visible()
    _check(page)
