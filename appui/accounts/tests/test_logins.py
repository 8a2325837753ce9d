"""Logins: lockout after wrong passwords, idle timeout, password change and reset, and the
second login step with an authenticator app (issue "trust", items 1 and 2)."""

import datetime
import html
import logging
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core import mail
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from appui.accounts import services
from appui.accounts.middleware import LAST_SEEN_KEY
from appui.accounts.models import User

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
HOME = reverse("home")
SECURITY = reverse("accounts:security")


@pytest.fixture
def direction(db) -> User:
    return User.objects.create_user(
        "direction", email="direction@lycee.example.org", password="bon-mot-de-passe-42"
    )


def log_in(client, username="direction", password="bon-mot-de-passe-42", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def text(response) -> str:
    """The page as a reader sees it (entities such as &#x27; decoded)."""
    return html.unescape(response.content.decode())


def code_for(device: TOTPDevice) -> str:
    """The code the app shows now, computed by django-otp's own function."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


class TestLockout:
    def test_twenty_wrong_passwords_lock_the_account_and_the_right_one_is_refused(
        self, client, direction
    ):
        answers = [log_in(client, password=f"faux-{n}").status_code for n in range(20)]
        # The first nine are the login page again; from the tenth, the lockout page.
        assert answers[:9] == [200] * 9
        assert set(answers[9:]) == {429}
        response = log_in(client)
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session
        page = text(response)
        assert "Compte bloqué pour le moment" in page
        assert "Réessayez dans 30 minutes" in page

    def test_the_lockout_is_logged(self, client, direction, caplog):
        with caplog.at_level(logging.WARNING, logger="axes"):
            for n in range(10):
                log_in(client, password=f"faux-{n}")
        failures = AccessFailureLog.objects.filter(username="direction")
        assert failures.count() == 10
        assert failures.filter(locked_out=True).count() == 1
        assert any("Locking out" in record.getMessage() for record in caplog.records)
        # The password never reaches the logs.
        attempt = AccessAttempt.objects.get(username="direction")
        assert "faux-" not in attempt.post_data

    def test_the_lock_holds_per_username_and_address(self, client, direction):
        for n in range(10):
            log_in(client, password=f"faux-{n}")
        assert log_in(client).status_code == 429
        # The same account from another computer of the school is not locked out.
        assert log_in(client, REMOTE_ADDR="10.0.0.8").status_code == 302

    def test_the_lock_ends_after_the_cool_off(self, client, direction, time_machine):
        time_machine.move_to(datetime.datetime(2026, 11, 24, 9, tzinfo=datetime.UTC), tick=False)
        for n in range(10):
            log_in(client, password=f"faux-{n}")
        time_machine.move_to(datetime.datetime(2026, 11, 24, 9, 31, tzinfo=datetime.UTC))
        assert log_in(client).status_code == 302

    def test_unlocking_lets_the_right_password_in(self, client, direction):
        for n in range(12):
            log_in(client, password=f"faux-{n}")
        assert services.account_unlock(username="direction") >= 1
        response = log_in(client)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(direction.pk)

    def test_a_successful_login_forgets_earlier_mistakes(self, client, direction):
        for n in range(9):
            log_in(client, password=f"faux-{n}")
        assert log_in(client).status_code == 302
        client.logout()
        for n in range(9):
            assert log_in(client, password=f"faux-{n}").status_code == 200

    def test_behind_a_proxy_the_client_address_counts(self, client, direction, settings):
        settings.LOGIN_PROXY_COUNT = 1
        for n in range(10):
            log_in(client, password=f"faux-{n}", HTTP_X_FORWARDED_FOR="203.0.113.9")
        assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
        assert log_in(client, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
        # A colleague behind another address, through the same proxy, logs in.
        assert log_in(client, HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 302


class TestIdleTimeout:
    def test_two_hours_without_a_request_log_out_with_a_french_message(
        self, client, direction, time_machine
    ):
        start = datetime.datetime(2026, 11, 24, 8, tzinfo=datetime.UTC)
        time_machine.move_to(start, tick=False)
        assert log_in(client).status_code == 302
        time_machine.move_to(start + datetime.timedelta(hours=1, minutes=59))
        assert client.get(SECURITY).status_code == 200
        time_machine.move_to(start + datetime.timedelta(hours=3, minutes=58))
        assert client.get(SECURITY).status_code == 200  # 1 h 59 after the last request
        time_machine.move_to(start + datetime.timedelta(hours=6))
        response = client.get(SECURITY, follow=True)
        assert response.redirect_chain[-1][0].startswith(LOGIN)
        assert "_auth_user_id" not in client.session
        assert "Vous avez été déconnecté après 2 heures d'inactivité." in text(response)

    def test_activity_is_written_at_most_once_a_minute(self, client, direction, time_machine):
        start = datetime.datetime(2026, 11, 24, 8, tzinfo=datetime.UTC)
        time_machine.move_to(start, tick=False)
        log_in(client)
        first = client.session[LAST_SEEN_KEY]
        time_machine.move_to(start + datetime.timedelta(seconds=30))
        client.get(SECURITY)
        assert client.session[LAST_SEEN_KEY] == first
        time_machine.move_to(start + datetime.timedelta(seconds=61))
        client.get(SECURITY)
        assert client.session[LAST_SEEN_KEY] == first + 61

    def test_the_timeout_is_a_setting(self, client, direction, settings, time_machine):
        settings.SESSION_IDLE_TIMEOUT = 600
        start = datetime.datetime(2026, 11, 24, 8, tzinfo=datetime.UTC)
        time_machine.move_to(start, tick=False)
        log_in(client)
        time_machine.move_to(start + datetime.timedelta(minutes=11))
        response = client.get(SECURITY, follow=True)
        assert "après 10 minutes d'inactivité" in text(response)

    def test_an_htmx_request_is_sent_to_the_login_page(self, client, direction, time_machine):
        start = datetime.datetime(2026, 11, 24, 8, tzinfo=datetime.UTC)
        time_machine.move_to(start, tick=False)
        log_in(client)
        time_machine.move_to(start + datetime.timedelta(hours=3))
        response = client.get(SECURITY, HTTP_HX_REQUEST="true")
        assert response["HX-Redirect"] == LOGIN


class TestPasswordChange:
    def test_it_changes_the_password(self, client, direction):
        log_in(client)
        response = client.post(
            reverse("accounts:password-change"),
            {
                "old_password": "bon-mot-de-passe-42",
                "new_password1": "Nouveau-secret-2026",
                "new_password2": "Nouveau-secret-2026",
            },
            follow=True,
        )
        assert "Votre mot de passe a été modifié." in text(response)
        direction.refresh_from_db()
        assert direction.check_password("Nouveau-secret-2026")
        # Still logged in after the change.
        assert client.get(SECURITY).status_code == 200

    def test_a_wrong_old_password_changes_nothing(self, client, direction):
        log_in(client)
        response = client.post(
            reverse("accounts:password-change"),
            {
                "old_password": "faux",
                "new_password1": "Nouveau-secret-2026",
                "new_password2": "Nouveau-secret-2026",
            },
        )
        assert response.status_code == 200
        direction.refresh_from_db()
        assert direction.check_password("bon-mot-de-passe-42")

    def test_an_account_without_a_password_chooses_its_first(self, client):
        user = User.objects.create_user("prof", email="prof@lycee.example.org")
        user.set_unusable_password()
        user.save()
        client.force_login(user)
        page = text(client.get(reverse("accounts:password-change")))
        assert "Choisir un mot de passe" in page and "old_password" not in page
        client.post(
            reverse("accounts:password-change"),
            {"new_password1": "Nouveau-secret-2026", "new_password2": "Nouveau-secret-2026"},
        )
        user.refresh_from_db()
        assert user.check_password("Nouveau-secret-2026")

    def test_anonymous_users_are_sent_to_the_login_page(self, client):
        for name in ("password-change", "security", "totp-setup"):
            response = client.get(reverse(f"accounts:{name}"))
            assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def reset_link(message) -> str:
    return re.search(r"https?://\S+/compte/reinitialisation/\S+/", message.body).group(0)


class TestPasswordReset:
    def test_the_e_mail_link_sets_a_new_password(self, client, direction):
        response = client.post(
            reverse("accounts:password-reset"), {"email": "DIRECTION@lycee.example.org"}
        )
        assert response.status_code == 302
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["direction@lycee.example.org"]
        assert message.subject == "appui : choisir un nouveau mot de passe"
        assert "Votre identifiant est direction." in message.body
        link = reset_link(message)
        form_page = client.get(link, follow=True)
        assert "Choisir un nouveau mot de passe" in text(form_page)
        done = client.post(
            form_page.redirect_chain[-1][0],
            {"new_password1": "Nouveau-secret-2026", "new_password2": "Nouveau-secret-2026"},
            follow=True,
        )
        assert "Mot de passe enregistré" in text(done)
        assert log_in(client, password="Nouveau-secret-2026").status_code == 302
        # The link works once.
        client.logout()
        again = client.get(link, follow=True)
        assert "Ce lien ne fonctionne plus" in text(again)

    def test_an_unknown_address_gets_the_same_answer_and_no_mail(self, client, direction):
        response = client.post(reverse("accounts:password-reset"), {"email": "x@y.example.org"})
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:password-reset-done")
        assert mail.outbox == []

    def test_an_imported_account_without_password_can_set_one(self, client):
        user = User.objects.create_user("prof", email="prof@lycee.example.org")
        user.set_unusable_password()
        user.save()
        client.post(reverse("accounts:password-reset"), {"email": "prof@lycee.example.org"})
        assert len(mail.outbox) == 1
        form_page = client.get(reset_link(mail.outbox[0]), follow=True)
        client.post(
            form_page.redirect_chain[-1][0],
            {"new_password1": "Nouveau-secret-2026", "new_password2": "Nouveau-secret-2026"},
        )
        assert log_in(client, "prof", "Nouveau-secret-2026").status_code == 302

    def test_a_new_password_ends_a_lockout(self, client, direction):
        for n in range(10):
            log_in(client, password=f"faux-{n}")
        client.post(reverse("accounts:password-reset"), {"email": direction.email})
        form_page = client.get(reset_link(mail.outbox[0]), follow=True)
        client.post(
            form_page.redirect_chain[-1][0],
            {"new_password1": "Nouveau-secret-2026", "new_password2": "Nouveau-secret-2026"},
        )
        assert log_in(client, password="Nouveau-secret-2026").status_code == 302


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 24, 9, tzinfo=datetime.UTC), tick=False)
    return time_machine


@pytest.fixture
def enrolled(client, direction, clock):
    """direction with a confirmed authenticator app (set up through the pages)."""
    log_in(client)
    client.get(reverse("accounts:totp-setup"))
    device = TOTPDevice.objects.get(user=direction)
    response = client.post(reverse("accounts:totp-setup"), {"code": code_for(device)})
    assert response.status_code == 200
    client.logout()
    device.refresh_from_db()
    return device


class TestTwoStepLogin:
    def test_setting_up_shows_a_qr_code_and_the_key_then_backup_codes_once(self, client, direction):
        log_in(client)
        page = text(client.get(reverse("accounts:totp-setup")))
        device = TOTPDevice.objects.get(user=direction, confirmed=False)
        assert 'src="data:image/svg+xml' in page
        key = re.search(r'<code id="totp-key">([A-Z2-7 ]+)</code>', page).group(1)
        assert len(key.replace(" ", "")) == 32
        response = client.post(reverse("accounts:totp-setup"), {"code": code_for(device)})
        page = text(response)
        codes = re.findall(r"<li><code>(\w+)</code></li>", page)
        assert len(codes) == 10
        assert set(StaticToken.objects.values_list("token", flat=True)) == set(codes)
        device.refresh_from_db()
        assert device.confirmed

    def test_a_wrong_code_does_not_turn_it_on(self, client, direction):
        log_in(client)
        client.get(reverse("accounts:totp-setup"))
        response = client.post(reverse("accounts:totp-setup"), {"code": "000000"})
        assert "Ce code n'est pas valable" in text(response)
        assert not TOTPDevice.objects.filter(user=direction, confirmed=True).exists()

    def test_after_the_password_a_valid_code_opens_the_account(self, client, enrolled, clock):
        response = log_in(client)
        assert response.status_code == 302
        # The password alone does not open the pages.
        page = client.get(SECURITY)
        assert page.status_code == 302
        assert page["Location"].startswith(reverse("accounts:second-factor"))
        # The code of the 30-second step used at setup is spent: the app shows the next one.
        clock.shift(datetime.timedelta(seconds=30))
        response = client.post(reverse("accounts:second-factor"), {"code": code_for(enrolled)})
        assert response.status_code == 302
        assert client.get(SECURITY).status_code == 200

    def test_a_wrong_code_is_refused(self, client, enrolled):
        log_in(client)
        response = client.post(reverse("accounts:second-factor"), {"code": "123456"})
        assert response.status_code == 200
        assert "Ce code n'est pas valable" in text(response)
        assert client.get(HOME).status_code == 302

    def test_a_backup_code_works_once(self, client, enrolled):
        code = StaticToken.objects.first().token
        log_in(client)
        assert client.post(reverse("accounts:second-factor"), {"code": code}).status_code == 302
        client.logout()
        log_in(client)
        assert client.post(reverse("accounts:second-factor"), {"code": code}).status_code == 200

    def test_the_user_may_turn_it_off(self, client, enrolled):
        log_in(client)
        code = StaticToken.objects.first().token
        client.post(reverse("accounts:second-factor"), {"code": code})
        client.post(reverse("accounts:totp-disable"))
        assert not TOTPDevice.objects.filter(user=enrolled.user).exists()
        client.logout()
        log_in(client)
        assert client.get(SECURITY).status_code == 200
