"""Logins in the browser: the login page, the lockout page after wrong passwords, a password
change, the two-step login set-up and the head's Logins page — at desktop size and on a
375 px phone, without sideways scrolling, accessible (axe)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.screen import assert_fits

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}


@pytest.fixture(params=list(SIZES), ids=list(SIZES))
def size(request, page):
    page.set_viewport_size(SIZES[request.param])
    return SIZES[request.param]["width"]


def test_wrong_passwords_lead_to_the_lockout_page(demo, app, page, size):
    app.open("/compte/connexion/")
    expect(page.get_by_role("link", name="Mot de passe oublié ?")).to_be_visible()
    assert_fits(page)
    app.assert_accessible()
    for n in range(10):
        app.login("coordination", password=f"faux-{n}")
    expect(page.get_by_role("heading", name="Compte bloqué pour le moment")).to_be_visible()
    assert_fits(page)
    app.assert_accessible()
    # The right password is refused too.
    app.login("coordination")
    expect(page.get_by_role("heading", name="Compte bloqué pour le moment")).to_be_visible()


def test_a_teacher_changes_their_password(demo, app, page, size):
    from appui.accounts.models import User

    app.login("professeur")
    page.get_by_role("link", name="Sécurité").click()
    expect(page.get_by_role("heading", name="Sécurité de mon compte", level=1)).to_be_visible()
    assert_fits(page)
    app.assert_accessible()
    page.get_by_role("link", name="Changer mon mot de passe").click()
    assert_fits(page)
    app.assert_accessible()
    page.get_by_label("Ancien mot de passe").fill("demo")
    page.get_by_label("Nouveau mot de passe", exact=True).fill("Cahier-de-textes-2026")
    page.get_by_label("Confirmation du nouveau mot de passe").fill("Cahier-de-textes-2026")
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.get_by_text("Votre mot de passe a été modifié.")).to_be_visible()
    assert User.objects.get(username="professeur").check_password("Cahier-de-textes-2026")


def test_the_head_sets_up_two_step_login_and_reads_the_logins_page(demo, app, page, size):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    app.login("direction")
    page.get_by_role("link", name="Sécurité").click()
    page.get_by_role("link", name="Activer la connexion en deux étapes").click()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    expect(page.locator("#totp-key")).to_have_text(re.compile(r"^[A-Z2-7]{4}( [A-Z2-7]{4})+$"))
    assert_fits(page)
    app.assert_accessible()
    device = TOTPDevice.objects.get(user__username="direction")
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.get_by_label("Code").fill(f"{code:06d}")
    page.get_by_role("button", name="Activer la connexion en deux étapes").click()
    expect(page.get_by_text("La connexion en deux étapes est activée.")).to_be_visible()
    expect(page.locator("#backup-codes li")).to_have_count(10)
    assert_fits(page)
    app.assert_accessible()

    app.open("/parametres/connexions/")
    expect(page.get_by_role("heading", name="Connexions", level=1)).to_be_visible()
    expect(page.get_by_label("Exiger la connexion en deux étapes")).to_be_visible()
    assert_fits(page)
    app.assert_accessible()
