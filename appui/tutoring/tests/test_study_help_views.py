"""Study-help pages: anonymous users go to the login page, outsiders get 404, wrong roles 403;
pupils act only for themselves, guardians read, supervisors take the attendance."""

import datetime

import pytest
from django.urls import reverse

from appui.schools.models import Membership
from appui.schools.tests import factories as f
from appui.tutoring import services
from appui.tutoring.models import StudyHelpSignup, StudyHelpSlot

from .test_study_help import NOW, TUESDAY, at, open_slots, stored
from .test_study_help import clock as clock  # noqa: F401 (the pinned clock, autouse)
from .test_study_help import slot as slot  # noqa: F401
from .test_study_help import supervisor as supervisor  # noqa: F401

pytestmark = pytest.mark.django_db


def body(response):
    return response.content.decode()


class TestAnonymous:
    @pytest.mark.parametrize("name", ["tutoring:study-help", "tutoring:study-help-create"])
    def test_pages_redirect_to_login(self, client, world, name):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_a_slot_redirects_to_login(self, client, slot):
        assert client.get(reverse("tutoring:study-help-detail", args=[slot.pk])).status_code == 302


class TestWrongRole:
    @pytest.mark.parametrize("username", ["student", "guardian", "academy"])
    def test_the_staff_list_refuses_pupils_guardians_and_the_academie(self, world, login, username):
        assert login(world.users[username]).get(reverse("tutoring:study-help")).status_code == 403

    @pytest.mark.parametrize("username", ["teacher", "student"])
    def test_only_the_head_and_coordinators_open_slots(self, world, login, username):
        response = login(world.users[username]).get(reverse("tutoring:study-help-create"))
        assert response.status_code == 403

    def test_a_teacher_who_does_not_supervise_cannot_read_the_sign_ups(self, world, slot, login):
        url = reverse("tutoring:study-help-detail", args=[slot.pk])
        assert login(world.users["teacher"]).get(url).status_code == 403

    def test_a_level_coordinator_does_not_manage_another_level_slot(self, world, supervisor, login):
        (slot,) = open_slots(world, supervisor, levels=[world.level])
        client = login(world.users["level_coordinator"])
        assert client.get(reverse("tutoring:study-help-detail", args=[slot.pk])).status_code == 403
        url = reverse("tutoring:study-help-delete", args=[slot.pk])
        assert client.post(url).status_code == 403
        assert StudyHelpSlot.objects.filter(pk=slot.pk).exists()

    def test_the_supervisor_cannot_remove_a_slot(self, world, slot, login):
        url = reverse("tutoring:study-help-delete", args=[slot.pk])
        assert login(world.users["supervisor"]).post(url).status_code == 403

    @pytest.mark.parametrize("username", ["guardian", "teacher", "head"])
    def test_only_a_pupil_signs_up(self, world, slot, login, username):
        url = reverse("tutoring:study-help-signup", args=[slot.pk])
        assert login(world.users[username]).post(url).status_code == 403
        assert not StudyHelpSignup.objects.exists()

    def test_a_pupil_cannot_cancel_someone_else(self, world, slot, login):
        other = services.study_help_signup(slot=slot, student=world.classmate, now=NOW)
        url = reverse("tutoring:study-help-cancel", args=[other.pk])
        assert login(world.users["student"]).post(url).status_code == 403
        assert StudyHelpSignup.objects.filter(pk=other.pk).exists()

    def test_the_pupil_page_refuses_staff(self, world, login):
        response = login(world.users["teacher"]).get(reverse("tutoring:study-help-pupil"))
        assert response.status_code == 403

    def test_only_supervisors_and_managers_take_the_attendance(self, world, slot, login, clock):
        services.study_help_signup(slot=slot, student=world.student, now=NOW)
        cpe_user = f.UserFactory(username="cpe")
        f.MembershipFactory(user=cpe_user, school=world.school, role=Membership.Role.TEACHER)
        f.StaffFactory(school=world.school, user=cpe_user, function="cpe")
        clock.move_to(at(TUESDAY, 17, 30))
        client = login(cpe_user)
        assert client.get(reverse("tutoring:study-help-detail", args=[slot.pk])).status_code == 200
        url = reverse("tutoring:study-help-attendance", args=[slot.pk])
        response = client.post(url, {f"eleve-{world.student.pk}": "present"})
        assert response.status_code == 403


class TestOutsider:
    def test_another_school_slot_is_not_found(self, world, slot, login):
        client = login(world.users["outsider"])
        assert client.get(reverse("tutoring:study-help-detail", args=[slot.pk])).status_code == 404
        url = reverse("tutoring:study-help-attendance", args=[slot.pk])
        assert client.post(url).status_code == 404

    def test_another_school_pupil_cannot_sign_up(self, world, slot, login):
        user = f.UserFactory(username="foreign_pupil")
        f.MembershipFactory(user=user, school=world.other_school, role=Membership.Role.STUDENT)
        world.foreign_student.user = user
        world.foreign_student.save()
        url = reverse("tutoring:study-help-signup", args=[slot.pk])
        # Their current school is B: slot of school A is not found there.
        assert login(user).post(url).status_code == 404


class TestPages:
    def test_the_head_opens_a_weekly_slot(self, world, supervisor, login):
        response = login(world.users["head"]).post(
            reverse("tutoring:study-help-create"),
            {
                "first_date": "2026-10-06",
                "last_date": "2026-11-17",
                "start_time": "17:00",
                "end_time": "18:00",
                "room": "CDI",
                "theme": "Méthodes",
                "capacity": "10",
                "supervisors": [supervisor.pk],
                "levels": [world.level.pk],
            },
        )
        assert response.status_code == 302
        assert StudyHelpSlot.objects.count() == 5
        assert {s.levels.get() for s in StudyHelpSlot.objects.all()} == {world.level}

    def test_a_level_coordinator_opens_slots_for_their_levels_only(self, world, supervisor, login):
        data = {
            "first_date": "2026-10-06",
            "start_time": "17:00",
            "end_time": "18:00",
            "capacity": "10",
            "supervisors": [supervisor.pk],
        }
        client = login(world.users["level_coordinator"])
        url = reverse("tutoring:study-help-create")
        assert client.post(url, data).status_code == 200  # no level ticked
        assert client.post(url, {**data, "levels": [world.level.pk]}).status_code == 200
        assert not StudyHelpSlot.objects.exists()
        assert client.post(url, {**data, "levels": [world.other_level.pk]}).status_code == 302

    def test_the_list_shows_the_figures_to_the_head(self, world, slot, login):
        page = body(login(world.users["head"]).get(reverse("tutoring:study-help")))
        assert 'id="study-help-summary"' in page
        assert reverse("tutoring:study-help-detail", args=[slot.pk]) in page

    def test_a_supervisor_lists_their_slots_without_the_figures(self, world, slot, login):
        page = body(login(world.users["supervisor"]).get(reverse("tutoring:study-help")))
        assert reverse("tutoring:study-help-detail", args=[slot.pk]) in page
        assert 'id="study-help-summary"' not in page
        other = body(login(world.users["teacher"]).get(reverse("tutoring:study-help")))
        assert reverse("tutoring:study-help-detail", args=[slot.pk]) not in other

    def test_a_pupil_signs_up_then_cancels(self, world, slot, login):
        client = login(world.users["student"])
        page = body(client.get(reverse("tutoring:study-help-pupil")))
        assert reverse("tutoring:study-help-signup", args=[slot.pk]) in page
        client.post(reverse("tutoring:study-help-signup", args=[slot.pk]))
        signup = StudyHelpSignup.objects.get(student=world.student)
        page = body(client.get(reverse("tutoring:study-help-pupil")))
        assert reverse("tutoring:study-help-cancel", args=[signup.pk]) in page
        client.post(reverse("tutoring:study-help-cancel", args=[signup.pk]))
        assert not StudyHelpSignup.objects.exists()
        assert stored(slot).taken == 0

    def test_a_full_slot_offers_no_button(self, world, slot, login):
        services.study_help_signup(slot=slot, student=world.classmate, now=NOW)
        services.study_help_signup(slot=slot, student=world.student_elsewhere, now=NOW)
        page = body(login(world.users["student"]).get(reverse("tutoring:study-help-pupil")))
        assert reverse("tutoring:study-help-signup", args=[slot.pk]) not in page

    def test_the_guardian_reads_the_child_sign_ups_without_buttons(self, world, slot, login):
        services.study_help_signup(slot=slot, student=world.student, now=NOW)
        page = body(login(world.users["guardian"]).get(reverse("tutoring:study-help-pupil")))
        assert "mardi 6 octobre" in page or "Tuesday 6 October" in page
        assert "<form" not in page.split("<main", 1)[-1].split("</main>", 1)[0]

    def test_the_home_shows_the_pupil_and_the_guardian_the_next_sign_up(self, world, slot, login):
        services.study_help_signup(slot=slot, student=world.student, now=NOW)
        for username in ("student", "guardian"):
            page = body(login(world.users[username]).get(reverse("home")))
            assert 'id="study-help-home"' in page
            assert "17:00" in page

    def test_the_supervisor_home_lists_the_attendance_to_take(self, world, slot, login, clock):
        services.study_help_signup(slot=slot, student=world.student, now=NOW)
        client = login(world.users["supervisor"])
        url = reverse("tutoring:study-help-detail", args=[slot.pk])
        assert 'id="study-help-staff"' in body(client.get(reverse("home")))
        clock.move_to(at(TUESDAY + datetime.timedelta(days=1), 9))
        client = login(world.users["supervisor"])  # a new day, a new session
        page = body(client.get(reverse("home")))
        assert url in page.split('id="study-help-staff"', 1)[1]
        assert 'id="study-help-staff"' not in body(
            login(world.users["teacher"]).get(reverse("home"))
        )

    def test_the_supervisor_takes_the_attendance(self, world, slot, login, clock):
        services.study_help_signup(slot=slot, student=world.student, now=NOW)
        services.study_help_signup(slot=slot, student=world.classmate, now=NOW)
        client = login(world.users["supervisor"])
        url = reverse("tutoring:study-help-detail", args=[slot.pk])
        assert 'id="study-help-attendance"' not in body(client.get(url))
        clock.move_to(at(TUESDAY, 17, 10))
        client = login(world.users["supervisor"])  # hours later, a new session
        assert 'id="study-help-attendance"' in body(client.get(url))
        client.post(
            reverse("tutoring:study-help-attendance", args=[slot.pk]),
            {f"eleve-{world.student.pk}": "present", f"eleve-{world.classmate.pk}": "absent"},
        )
        assert dict(slot.signups.values_list("student_id", "attendance")) == {
            world.student.pk: "present",
            world.classmate.pk: "absent",
        }
