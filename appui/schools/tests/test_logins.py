"""« Paramètres › Connexions »: the head unlocks accounts, sends password links and requires
a second login step of the head and coordinators (docs/connexion.md)."""

import datetime
import html
import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from appui.schools import services
from appui.schools.models import Membership
from appui.schools.tests import factories as f

pytestmark = pytest.mark.django_db

PAGE = reverse("schools:settings-logins")
LOGIN = reverse("accounts:login")


def text(response) -> str:
    return html.unescape(response.content.decode())


def fail_logins(client, username, times=10):
    for n in range(times):
        client.post(LOGIN, {"username": username, "password": f"faux-{n}"})


class TestAccess:
    def test_the_head_opens_it(self, client, world):
        client.force_login(world.users["head"])
        response = client.get(PAGE)
        assert response.status_code == 200
        assert "Comptes des personnels" in text(response)

    @pytest.mark.parametrize("name", ["coordinator", "teacher", "student", "guardian", "outsider"])
    def test_others_are_refused(self, client, world, name):
        client.force_login(world.users[name])
        assert client.get(PAGE).status_code == 403
        assert client.post(PAGE, {"action": "totp", "required": "on"}).status_code == 403

    def test_anonymous_users_are_sent_to_the_login_page(self, client, world):
        response = client.get(PAGE)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)

    def test_the_settings_page_links_to_it_for_the_head_only(self, client, world):
        client.force_login(world.users["head"])
        assert PAGE in text(client.get(reverse("schools:settings-home")))
        client.force_login(world.users["coordinator"])
        assert PAGE not in text(client.get(reverse("schools:settings-home")))


class TestUnlock:
    def test_a_locked_account_is_listed_and_the_head_unlocks_it(self, client, world):
        teacher = world.users["teacher"]
        fail_logins(client, "teacher")
        assert client.post(LOGIN, {"username": "teacher", "password": "secret"}).status_code == 429
        client.force_login(world.users["head"])
        page = text(client.get(PAGE))
        assert f"Débloquer {teacher}" in page
        response = client.post(PAGE, {"action": "unlock", "user": teacher.pk}, follow=True)
        assert f"{teacher} peut de nouveau se connecter." in text(response)
        assert not AccessAttempt.objects.filter(username="teacher").exists()
        client.logout()
        assert client.post(LOGIN, {"username": "teacher", "password": "secret"}).status_code == 302

    def test_a_locked_pupil_is_listed_too(self, client, world):
        fail_logins(client, "student")
        client.force_login(world.users["head"])
        assert f"Débloquer {world.users['student']}" in text(client.get(PAGE))

    def test_an_account_of_another_school_is_not_found(self, client, world):
        fail_logins(client, "outsider")
        client.force_login(world.users["head"])
        assert str(world.users["outsider"]) not in text(client.get(PAGE))
        response = client.post(PAGE, {"action": "unlock", "user": world.users["outsider"].pk})
        assert response.status_code == 404
        assert AccessAttempt.objects.filter(username="outsider").exists()

    def test_the_page_reads_in_constant_queries(self, client, world, django_assert_max_num_queries):
        client.force_login(world.users["head"])
        with django_assert_max_num_queries(30) as few:
            client.get(PAGE)
        for n in range(15):
            user = f.UserFactory(username=f"prof{n}")
            f.MembershipFactory(user=user, school=world.school, role=Membership.Role.TEACHER)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(PAGE)
        assert "prof14" in text(response)


class TestPasswordLinks:
    def test_the_head_e_mails_a_link_to_a_teacher_without_password(self, client, world):
        teacher = world.users["teacher"]
        teacher.email = "prof@lycee.example.org"
        teacher.set_unusable_password()
        teacher.save()
        client.force_login(world.users["head"])
        response = client.post(PAGE, {"action": "reset", "user": teacher.pk}, follow=True)
        assert "Un lien pour choisir un mot de passe a été envoyé à prof@lycee.example.org" in text(
            response
        )
        (message,) = mail.outbox
        assert message.to == ["prof@lycee.example.org"]
        assert f"{world.users['head'].get_full_name()} a demandé à appui" in message.body
        link = re.search(r"http\S+/reinitialisation/\S+/", message.body).group(0)
        client.logout()
        form_page = client.get(link, follow=True)
        client.post(
            form_page.redirect_chain[-1][0],
            {"new_password1": "Nouveau-secret-2026", "new_password2": "Nouveau-secret-2026"},
        )
        teacher.refresh_from_db()
        assert teacher.check_password("Nouveau-secret-2026")

    def test_without_e_mail_the_link_is_shown_to_the_head(self, client, world):
        teacher = world.users["teacher"]
        client.force_login(world.users["head"])
        response = client.post(PAGE, {"action": "reset", "user": teacher.pk})
        assert response.status_code == 200
        assert re.search(
            r'value="http://testserver/compte/reinitialisation/[^"]+/"', text(response)
        )
        assert mail.outbox == []

    def test_no_link_is_shown_for_another_head(self, client, world):
        other_head = f.UserFactory(username="adjoint")
        f.MembershipFactory(user=other_head, school=world.school, role=Membership.Role.HEAD)
        client.force_login(world.users["head"])
        response = client.post(PAGE, {"action": "reset", "user": other_head.pk})
        assert "reinitialisation" not in text(response)


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


class TestTwoStepRule:
    @pytest.fixture
    def required(self, world):
        school = world.school
        services.school_set_totp_required(
            school=school,
            version=services.row_version(school),
            user=world.users["head"],
            required=True,
        )
        return school

    def test_the_head_turns_the_rule_on(self, client, world):
        client.force_login(world.users["head"])
        version = services.row_version(world.school)
        response = client.post(
            PAGE, {"action": "totp", "required": "on", "version": version}, follow=True
        )
        assert "La règle de connexion en deux étapes est enregistrée." in text(response)
        world.school.refresh_from_db()
        assert world.school.totp_required
        assert world.school.updated_by == world.users["head"]

    def test_a_coordinator_must_set_up_an_app_before_any_page(
        self, client, world, required, time_machine
    ):
        time_machine.move_to(datetime.datetime(2026, 11, 24, 9, tzinfo=datetime.UTC), tick=False)
        client.post(LOGIN, {"username": "coordinator", "password": "secret"})
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:totp-setup"))
        page = text(client.get(reverse("accounts:totp-setup")))
        assert "Votre établissement exige la connexion en deux étapes" in page
        device = TOTPDevice.objects.get(user=world.users["coordinator"])
        client.post(reverse("accounts:totp-setup"), {"code": code_for(device)})
        assert client.get(reverse("home")).status_code == 200
        # Next time: the code after the password.
        client.logout()
        time_machine.shift(datetime.timedelta(seconds=30))
        client.post(LOGIN, {"username": "coordinator", "password": "secret"})
        assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:second-factor"))
        client.post(reverse("accounts:second-factor"), {"code": code_for(device)})
        assert client.get(reverse("home")).status_code == 200

    def test_teachers_are_not_held(self, client, world, required):
        client.post(LOGIN, {"username": "teacher", "password": "secret"})
        assert client.get(reverse("home")).status_code == 200

    def test_a_required_app_cannot_be_turned_off(self, client, world, required):
        client.force_login(world.users["coordinator"])
        client.get(reverse("accounts:totp-setup"))
        device = TOTPDevice.objects.get(user=world.users["coordinator"])
        client.post(reverse("accounts:totp-setup"), {"code": code_for(device)})
        response = client.post(reverse("accounts:totp-disable"), follow=True)
        assert "Votre établissement exige la connexion en deux étapes" in text(response)
        assert TOTPDevice.objects.filter(user=world.users["coordinator"]).exists()
