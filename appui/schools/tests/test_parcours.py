"""The terminale parcours (seed 001): set by staff from the pupil page or for a division in
one table, refused when a colleague changed it meanwhile, shown to the pupil and family."""

import html

import pytest
from django.urls import reverse

from appui.schools import services
from appui.schools.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def terminale(world):
    """Level L becomes a Bac Pro terminale; its two pupils are enrolled this year."""
    world.level.year_in_cycle = 3
    world.level.save()
    for pupil in (world.student, world.classmate):
        Enrolment.objects.update_or_create(
            student=pupil, year=world.year, defaults={"division": world.division}
        )
    return world


def enrolment(student):
    return Enrolment.objects.get(student=student)


def page(client, student) -> str:
    return html.unescape(
        client.get(reverse("schools:student-detail", args=[student.pk])).content.decode()
    )


def post_one(client, student, parcours, version=None):
    row = enrolment(student)
    return client.post(
        reverse("schools:student-parcours", args=[student.pk]),
        {
            f"parcours-{row.pk}": parcours,
            f"version-{row.pk}": services.parcours_version(row) if version is None else version,
        },
        follow=True,
    )


def test_a_teacher_sets_a_pupils_parcours_from_the_pupil_page(terminale, login):
    client = login(terminale.users["teacher"])
    assert "Parcours de terminale" in page(client, terminale.student)
    response = post_one(client, terminale.student, "insertion")
    assert "Le parcours de 1 élève a été enregistré." in html.unescape(response.content.decode())
    row = enrolment(terminale.student)
    assert row.parcours == "insertion"
    assert row.parcours_set_by == terminale.users["teacher"]
    assert row.parcours_set_at is not None


def test_the_pupil_and_the_guardian_see_the_parcours_but_cannot_set_it(terminale, login):
    services.enrolments_parcours_set(
        choices={enrolment(terminale.student).pk: ("further_studies", "")},
        user=terminale.users["teacher"],
    )
    for role in ("student", "guardian"):
        client = login(terminale.users[role])
        shown = page(client, terminale.student)
        assert "préparation à la poursuite d'études" in shown
        assert "Enregistrer le parcours" not in shown
        assert post_one(client, terminale.student, "insertion").status_code == 403
    assert enrolment(terminale.student).parcours == "further_studies"


def test_levels_without_a_parcours_show_nothing_and_refuse_it(world, login):
    Enrolment.objects.update_or_create(
        student=world.student, year=world.year, defaults={"division": world.division}
    )
    client = login(world.users["teacher"])
    assert "Parcours de terminale" not in page(client, world.student)
    assert post_one(client, world.student, "insertion").status_code == 404
    url = reverse("schools:division-parcours", args=[world.division.pk])
    assert client.get(url).status_code == 404


def test_a_stale_choice_changes_nothing_and_names_who_saved(terminale, login):
    opened = services.parcours_version(enrolment(terminale.student))
    services.enrolments_parcours_set(
        choices={enrolment(terminale.student).pk: ("insertion", opened)},
        user=terminale.users["head"],
    )
    response = post_one(
        login(terminale.users["teacher"]), terminale.student, "further_studies", opened
    )
    assert "Le parcours a été modifié par" in html.unescape(response.content.decode())
    assert enrolment(terminale.student).parcours == "insertion"


def test_the_division_table_saves_only_the_rows_changed_in_one_go(terminale, login):
    client = login(terminale.users["coordinator"])
    url = reverse("schools:division-parcours", args=[terminale.division.pk])
    shown = html.unescape(client.get(url).content.decode())
    assert "MARTIN Léa" in shown and "HÉLÈNE Zoé" in shown
    lea, zoe = enrolment(terminale.student), enrolment(terminale.classmate)
    response = client.post(
        url,
        {
            f"parcours-{lea.pk}": "insertion",
            f"version-{lea.pk}": "",
            f"parcours-{zoe.pk}": "",
            f"version-{zoe.pk}": "",
        },
        follow=True,
    )
    assert "Le parcours de 1 élève a été enregistré." in html.unescape(response.content.decode())
    lea.refresh_from_db()
    zoe.refresh_from_db()
    assert (lea.parcours, zoe.parcours) == ("insertion", "")
    assert zoe.parcours_set_at is None


def test_the_division_table_writes_nothing_when_one_row_changed_meanwhile(terminale, login):
    lea, zoe = enrolment(terminale.student), enrolment(terminale.classmate)
    services.enrolments_parcours_set(
        choices={zoe.pk: ("insertion", "")}, user=terminale.users["head"]
    )
    client = login(terminale.users["coordinator"])
    client.post(
        reverse("schools:division-parcours", args=[terminale.division.pk]),
        {
            f"parcours-{lea.pk}": "insertion",
            f"version-{lea.pk}": "",
            f"parcours-{zoe.pk}": "further_studies",
            f"version-{zoe.pk}": "",  # opened before the head's choice
        },
    )
    lea.refresh_from_db()
    zoe.refresh_from_db()
    assert (lea.parcours, zoe.parcours) == ("", "insertion")


def test_an_unknown_parcours_is_refused(terminale, login):
    post_one(login(terminale.users["teacher"]), terminale.student, "bts")
    assert enrolment(terminale.student).parcours == ""


@pytest.mark.parametrize(
    ("role", "status"), [("student", 403), ("guardian", 403), ("outsider", 404)]
)
def test_the_division_table_is_for_the_schools_staff(terminale, login, role, status):
    url = reverse("schools:division-parcours", args=[terminale.division.pk])
    assert login(terminale.users[role]).get(url).status_code == status


def test_anonymous_users_are_redirected_to_login(terminale, client):
    url = reverse("schools:division-parcours", args=[terminale.division.pk])
    assert client.get(url).status_code == 302


def test_a_choice_recorded_without_its_author_still_shows(terminale, login):
    # Imports and the demo record a choice with its date only.
    from django.utils import timezone

    Enrolment.objects.filter(student=terminale.student).update(
        parcours="insertion", parcours_set_at=timezone.now()
    )
    client = login(terminale.users["teacher"])
    assert "choisi le" in page(client, terminale.student)
    url = reverse("schools:division-parcours", args=[terminale.division.pk])
    assert client.get(url).status_code == 200


def test_an_outsider_cannot_set_a_parcours_nor_learn_the_pupil_exists(terminale, login, client):
    assert (
        post_one(login(terminale.users["outsider"]), terminale.student, "insertion").status_code
        == 404
    )
    client.logout()
    url = reverse("schools:student-parcours", args=[terminale.student.pk])
    assert client.post(url, {}).status_code == 302
    assert enrolment(terminale.student).parcours == ""
