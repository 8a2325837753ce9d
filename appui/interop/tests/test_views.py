"""Import pages: who may open them, upload → preview → confirm or cancel."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appui.interop import services
from appui.interop.models import ImportBatch
from appui.schools.models import Membership, School, Student

from .conftest import NEW_UAI, pupils, siecle_file

pytestmark = pytest.mark.django_db
SLUGS = ["siecle", "sts", "eleves", "personnels"]


def upload_url(slug):
    return reverse("interop:import-upload", args=[slug])


def preview_url(batch):
    return reverse("interop:import-preview", args=[batch.pk])


def zip_upload(content=None, name="ExportXML_ElevesSansAdresses.zip"):
    return SimpleUploadedFile(name, content or siecle_file(), content_type="application/zip")


@pytest.fixture
def head(world):
    return world.users["head"]


@pytest.fixture
def batch(world, head):
    """A SIECLE preview for school A: two students, the school's own three are leaving."""
    return services.import_preview(
        kind="siecle",
        school=world.school,
        user=head,
        content=siecle_file(pupils()[:2], uai=world.school.uai),
        file_name="ExportXML_ElevesSansAdresses.zip",
    )


class TestImportHome:
    def test_it_redirects_anonymous_users_to_login(self, client, world):
        response = client.get(reverse("interop:import-home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_it_is_for_the_head(self, world, login, head):
        response = login(head).get(reverse("interop:import-home"))
        assert response.status_code == 200
        assert 'data-import="sts"' in response.content.decode()

    @pytest.mark.parametrize("role", ["teacher", "student", "academy"])
    def test_it_refuses_other_roles(self, world, login, role):
        assert login(world.users[role]).get(reverse("interop:import-home")).status_code == 403

    def test_a_coordinator_sees_only_the_results_import(self, world, login):
        response = login(world.users["coordinator"]).get(reverse("interop:import-home"))
        body = response.content.decode()
        assert response.status_code == 200
        assert 'data-import="results"' in body and 'data-import="siecle"' not in body
        assert login(world.users["coordinator"]).get(upload_url("siecle")).status_code == 403

    def test_it_refuses_outsiders(self, world, login):
        assert login(world.users["outsider"]).get(reverse("interop:import-home")).status_code == 403

    def test_it_lists_an_import_made_by_the_command_with_no_uploader(self, world, login, head):
        services.import_preview(
            kind="siecle",
            school=world.school,
            user=None,
            content=siecle_file(pupils()[:2], uai=world.school.uai),
            file_name="ExportXML_ElevesSansAdresses.zip",
        )
        response = login(head).get(reverse("interop:import-home"))
        assert response.status_code == 200
        assert "ExportXML_ElevesSansAdresses.zip" in response.content.decode()

    def test_a_superuser_without_school_may_only_import_from_siecle(self, login, superuser):
        body = login(superuser).get(reverse("interop:import-home")).content.decode()
        assert 'data-import="siecle"' in body and 'data-import="sts"' not in body


class TestImportUpload:
    @pytest.mark.parametrize("slug", SLUGS)
    def test_it_redirects_anonymous_users_to_login(self, client, world, slug):
        assert client.get(upload_url(slug)).status_code == 302

    @pytest.mark.parametrize("slug", SLUGS)
    def test_the_head_opens_every_import(self, world, login, head, slug):
        assert login(head).get(upload_url(slug)).status_code == 200

    @pytest.mark.parametrize("slug", SLUGS)
    def test_a_coordinator_is_refused(self, world, login, slug):
        assert login(world.users["coordinator"]).get(upload_url(slug)).status_code == 403

    @pytest.mark.parametrize("slug", SLUGS)
    def test_an_outsider_is_refused(self, world, login, slug):
        assert login(world.users["outsider"]).get(upload_url(slug)).status_code == 403

    def test_an_unknown_import_is_not_found(self, world, login, head):
        assert login(head).get(upload_url("pronote")).status_code == 404

    def test_a_user_without_school_is_refused(self, login):
        from appui.schools.tests.factories import UserFactory

        assert login(UserFactory()).get(upload_url("siecle")).status_code == 403

    def test_a_superuser_without_school_may_only_create_one_from_siecle(self, login, superuser):
        client = login(superuser)
        assert client.get(upload_url("siecle")).status_code == 200
        assert client.get(upload_url("sts")).status_code == 403

    def test_the_upload_shows_a_preview_and_writes_nothing(self, world, login, head):
        before = Student.objects.count()
        response = login(head).post(
            upload_url("siecle"), {"file": zip_upload(siecle_file(uai=world.school.uai))}
        )
        batch = ImportBatch.objects.get()
        assert response.status_code == 302 and response["Location"] == preview_url(batch)
        assert Student.objects.count() == before
        body = login(head).get(preview_url(batch)).content.decode()
        assert 'data-count="students-new">6<' in body
        assert 'data-count="students-leaving">3<' in body
        assert "DUPRÉ Hélène" in body

    def test_a_truncated_file_is_refused_saying_where(self, world, login, head):
        content = siecle_file(uai=world.school.uai, plain=True)
        response = login(head).post(
            upload_url("siecle"),
            {"file": zip_upload(content[: len(content) // 2], "ElevesSansAdresses.xml")},
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert 'id="refusal"' in body and "ElevesSansAdresses.xml" in body and "ligne" in body
        assert not ImportBatch.objects.exists()

    def test_another_school_s_file_is_refused(self, world, login, head):
        response = login(head).post(upload_url("siecle"), {"file": zip_upload()})
        assert "pas celui de Lycée A" in response.content.decode()
        assert not ImportBatch.objects.exists()

    def test_a_superuser_creates_the_school_and_becomes_its_head(self, login, superuser):
        client = login(superuser)
        refused = client.post(upload_url("siecle"), {"file": zip_upload(), "holiday_zone": "A"})
        assert refused.status_code == 200 and not ImportBatch.objects.exists()
        response = client.post(
            upload_url("siecle"),
            {"file": zip_upload(), "school_name": "Lycée Neuf", "holiday_zone": "A"},
        )
        batch = ImportBatch.objects.get()
        assert response["Location"] == preview_url(batch)
        assert not School.objects.exists()
        client.post(preview_url(batch), {"apply": "1"})
        school = School.objects.get(uai=NEW_UAI)
        assert (school.name, school.holiday_zone) == ("Lycée Neuf", "A")
        assert Membership.objects.filter(user=superuser, school=school, role="head").exists()
        assert Student.objects.filter(school=school).count() == 6
        # The user now works in the new school: the applied preview is theirs as its head.
        assert client.get(preview_url(batch)).status_code == 200


class TestImportPreview:
    def test_it_redirects_anonymous_users_to_login(self, client, batch):
        assert client.get(preview_url(batch)).status_code == 302

    def test_outsiders_do_not_see_that_it_exists(self, world, login, batch):
        assert login(world.users["outsider"]).get(preview_url(batch)).status_code == 404

    @pytest.mark.parametrize("role", ["coordinator", "teacher", "academy"])
    def test_other_roles_are_refused(self, world, login, batch, role):
        client = login(world.users[role])
        assert client.get(preview_url(batch)).status_code == 403
        assert client.post(preview_url(batch), {"apply": "1"}).status_code == 403
        assert Student.objects.filter(siecle_id="1001").count() == 0

    def test_a_school_less_preview_is_its_uploader_s_alone(self, world, login, superuser):
        from appui.schools.tests.factories import UserFactory

        batch = services.import_preview(
            kind="siecle", school=None, user=superuser, content=siecle_file(), file_name="a.zip"
        )
        other = UserFactory(is_superuser=True)
        assert login(other).get(preview_url(batch)).status_code == 404
        assert login(world.users["head"]).get(preview_url(batch)).status_code == 404

    def test_the_head_confirms_and_everything_is_recorded(self, world, login, head, batch):
        client = login(head)
        # The world's three students would all leave: the second confirmation is ticked.
        response = client.post(preview_url(batch), {"apply": "1", "confirm_harm": "1"})
        assert response.status_code == 302
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.APPLIED
        assert Student.objects.filter(siecle_id__in=["1001", "1002"]).count() == 2
        world.student.refresh_from_db()
        assert world.student.exit_date is not None
        body = client.get(preview_url(batch)).content.decode()
        assert 'data-status="applied"' in body
        assert client.post(preview_url(batch), {"apply": "1"}).status_code == 200

    def test_a_file_making_most_students_leave_needs_the_second_confirmation(
        self, world, login, head, batch
    ):
        client = login(head)
        body = client.get(preview_url(batch)).content.decode()
        assert 'id="confirmations"' in body and "3 des 3 élèves présents" in body
        assert 'name="confirm_harm"' in body
        response = client.post(preview_url(batch), {"apply": "1"})
        assert response.status_code == 200
        assert "seconde confirmation" in response.content.decode()
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.PREVIEWED
        assert not Student.objects.filter(siecle_id="1001").exists()
        world.student.refresh_from_db()
        assert world.student.exit_date is None

    def test_the_head_cancels_and_nothing_is_recorded(self, world, login, head, batch):
        response = login(head).post(preview_url(batch), {"cancel": "1"})
        assert response.status_code == 302
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.CANCELLED
        assert not Student.objects.filter(siecle_id="1001").exists()

    def test_a_file_with_errors_cannot_be_confirmed(self, world, login, head):
        content = siecle_file(uai=world.school.uai, plain=True).replace(
            b"14/03/2012", b"31/02/2012", 1
        )
        batch = services.import_preview(
            kind="siecle", school=world.school, user=head, content=content, file_name="e.xml"
        )
        client = login(head)
        body = client.get(preview_url(batch)).content.decode()
        assert 'id="blocked"' in body and 'name="apply"' not in body
        assert 'data-error="1"' in body and "DATE_NAISS" in body
        client.post(preview_url(batch), {"apply": "1"})
        assert not Student.objects.filter(siecle_id="1001").exists()
