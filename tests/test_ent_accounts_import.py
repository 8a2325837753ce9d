"""The ENT accounts export links ENT identifiers to existing accounts through the one import
pipeline (upload → preview → confirm); rows that match nobody are listed, never created."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appui.accounts.models import EntIdentity, User
from appui.interop.models import ImportBatch
from appui.schools.tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
UPLOAD = reverse("interop:import-upload", args=["comptes-ent"])


def _csv(
    *rows: str, header="Login;Nom;Prénom;Profil;Date de naissance;Classe"
) -> SimpleUploadedFile:
    text = "\n".join([header, *rows]) + "\n"
    return SimpleUploadedFile("export-comptes-ent.csv", ("\ufeff" + text).encode("utf-8"))


@pytest.fixture
def people(world):
    world.student.birth_date = datetime.date(2010, 3, 14)
    world.student.save()
    staff_user = UserFactory(username="prof.roux")
    StaffFactory(school=world.school, user=staff_user, last_name="Roux", first_name="Anne")
    return world, staff_user


def _preview(client, upload, **options):
    response = client.post(UPLOAD, {"file": upload, "provider": "cas", **options})
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.latest("pk")
    return batch, client.get(response["Location"]).content.decode()


def test_the_head_previews_then_links_pupils_staff_and_guardians(people, login):
    world, staff_user = people
    guardian = world.users["guardian"]
    g = guardian.guardian
    client = login(world.users["head"])
    upload = _csv(
        "lea.martin;MARTIN;Léa;Élève;14/03/2010;2A",
        "anne.roux;Roux;Anne;Enseignant;;",
        f"parent.{g.pk};{g.last_name};{g.first_name};Parent;;",
        "inconnu.x;Inconnu;Xavier;Élève;01/01/2010;2A",
    )
    users_before = User.objects.count()
    batch, body = _preview(client, upload)
    assert EntIdentity.objects.count() == 0  # the preview writes nothing
    assert "Inconnu Xavier" in body and "Aucun compte n&#x27;est relié ni créé" in body
    assert "ligne 5" in body.lower() or "Ligne 5" in body or ">5<" in body
    response = client.post(reverse("interop:import-preview", args=[batch.pk]), {"apply": "1"})
    assert response.status_code == 302
    links = {link.identifier: link.user for link in EntIdentity.objects.all()}
    assert links == {
        "lea.martin": world.users["student"],
        "anne.roux": staff_user,
        f"parent.{g.pk}": guardian,
    }
    assert {link.provider for link in EntIdentity.objects.all()} == {"cas"}
    assert User.objects.count() == users_before


def test_a_pupil_is_not_matched_when_the_birth_date_differs(people, login):
    world, _ = people
    client = login(world.users["head"])
    batch, body = _preview(client, _csv("lea.martin;Martin;Léa;Élève;15/03/2010;2A"))
    response = client.post(reverse("interop:import-preview", args=[batch.pk]), {"apply": "1"})
    assert response.status_code == 302
    assert not EntIdentity.objects.exists()
    assert "aucun élève de l&#x27;établissement ne correspond" in body


def test_a_person_without_an_account_is_listed_not_created(people, login):
    world, _ = people
    client = login(world.users["head"])
    users_before = User.objects.count()
    _, body = _preview(client, _csv("zoe.h;Hélène;Zoé;Élève;;2A"))
    assert "cet élève n&#x27;a pas de compte appui" in body
    assert User.objects.count() == users_before


def test_an_unknown_profile_and_a_repeated_identifier_are_errors_with_their_line(people, login):
    world, _ = people
    client = login(world.users["head"])
    batch, body = _preview(
        client,
        _csv(
            "anne.roux;Roux;Anne;Astronaute;;",
            "lea.martin;Martin;Léa;Élève;14/03/2010;2A",
            "lea.martin;Roux;Anne;Enseignant;;",
        ),
    )
    assert "Astronaute" in body and "n&#x27;est pas un profil reconnu" in body
    assert "cet identifiant figure déjà ligne 3" in body
    response = client.post(reverse("interop:import-preview", args=[batch.pk]), {"apply": "1"})
    assert response.status_code == 200  # refused: errors remain
    assert not EntIdentity.objects.exists()


def test_the_identifier_column_can_be_named(people, login):
    world, staff_user = people
    client = login(world.users["head"])
    upload = _csv("x;ent-42;Roux;Anne", header="Id;Identifiant académique;Nom;Prénom")
    batch, _ = _preview(client, upload, identifier_column="Identifiant académique")
    client.post(reverse("interop:import-preview", args=[batch.pk]), {"apply": "1"})
    assert EntIdentity.objects.get().identifier == "ent-42"


def test_a_second_import_changes_a_relinked_identifier(people, login):
    world, staff_user = people
    EntIdentity.objects.create(
        user=staff_user, school=world.school, provider="cas", identifier="old.login"
    )
    client = login(world.users["head"])
    batch, body = _preview(client, _csv("anne.roux;Roux;Anne;Personnel;;"))
    assert "old.login" in body
    client.post(reverse("interop:import-preview", args=[batch.pk]), {"apply": "1"})
    assert EntIdentity.objects.get().identifier == "anne.roux"


@pytest.mark.parametrize("role", ["coordinator", "teacher", "student", "outsider"])
def test_only_the_head_may_import_ent_accounts(world, login, role):
    assert login(world.users[role]).get(UPLOAD).status_code == 403


def test_anonymous_users_are_sent_to_login(client, world):
    response = client.get(UPLOAD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
