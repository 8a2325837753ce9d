"""Adding a school at any time with its SIECLE file (issue 19, item 1): the UAI decides."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appui.interop.models import ImportBatch
from appui.schools.models import Academy, AcademyMembership, Membership, School, Student
from appui.schools.tests.factories import UserFactory

from .conftest import NEW_UAI, pupils, siecle_file

pytestmark = pytest.mark.django_db
ADD = reverse("interop:import-upload", args=["siecle"]) + "?nouveau=1"


def upload(content):
    return SimpleUploadedFile(
        "ExportXML_ElevesSansAdresses.zip", content, content_type="application/zip"
    )


@pytest.fixture
def academies(db):
    return Academy.objects.create(code="DIJON", name="Académie de Dijon"), Academy.objects.create(
        code="BESAN", name="Académie de Besançon"
    )


@pytest.fixture
def administrator(world, academies):
    """An académie administrator of Dijon, who is also the head of school A (in Dijon)."""
    dijon, _ = academies
    School.objects.filter(pk=world.school.pk).update(academy=dijon)
    world.school.academy = dijon
    user = world.users["head"]
    AcademyMembership.objects.create(
        user=user, academy=dijon, role=AcademyMembership.Role.ADMINISTRATOR
    )
    return user


class TestAddingASchool:
    def test_the_imports_page_offers_it_beside_the_schools_own_imports(
        self, world, login, administrator
    ):
        body = login(administrator).get(reverse("interop:import-home")).content.decode()
        assert 'data-import="new-school"' in body and 'data-import="sts"' in body

    def test_a_head_who_administers_no_academie_is_not_offered_it(self, world, login):
        body = login(world.users["head"]).get(reverse("interop:import-home")).content.decode()
        assert 'data-import="new-school"' not in body
        assert login(world.users["head"]).get(ADD).context["form"].creating is False

    def test_the_preview_says_the_school_will_be_created_then_it_is(
        self, world, login, administrator, academies
    ):
        dijon, _ = academies
        client = login(administrator)
        response = client.post(
            ADD,
            {
                "file": upload(siecle_file()),
                "school_name": "Lycée Neuf",
                "holiday_zone": "A",
                "academy": dijon.pk,
            },
        )
        batch = ImportBatch.objects.get()
        assert batch.school is None
        assert response["Location"] == reverse("interop:import-preview", args=[batch.pk])
        body = client.get(response["Location"]).content.decode()
        assert "nouvel établissement, qui sera créé par cet import" in body
        assert not School.objects.filter(uai=NEW_UAI).exists()
        client.post(reverse("interop:import-preview", args=[batch.pk]), {"apply": "1"})
        school = School.objects.get(uai=NEW_UAI)
        assert (school.name, school.academy) == ("Lycée Neuf", dijon)
        assert Student.objects.filter(school=school).count() == 6
        assert Membership.objects.filter(user=administrator, school=school, role="head").exists()
        # Still the head of school A as well: both are in the switcher.
        assert set(
            client.get(reverse("schools:school-list")).context["page"].paginator.object_list
        ) == {world.school, school}

    def test_an_administrator_adds_schools_to_their_academie_only(
        self, world, login, administrator, academies
    ):
        _, besancon = academies
        response = login(administrator).post(
            ADD,
            {"file": upload(siecle_file()), "school_name": "Lycée Neuf", "academy": besancon.pk},
        )
        assert response.status_code == 200 and "academy" in response.context["form"].errors
        assert not ImportBatch.objects.exists()

    def test_a_file_of_a_school_they_head_imports_into_it(self, world, login, administrator):
        response = login(administrator).post(
            ADD,
            {
                "file": upload(siecle_file(pupils()[:2], uai=world.school.uai)),
                "school_name": "ignoré",
                "academy": world.school.academy_id,
            },
        )
        batch = ImportBatch.objects.get()
        assert response.status_code == 302 and batch.school == world.school

    def test_a_file_of_a_school_they_do_not_head_is_refused(self, world, login, administrator):
        other = world.other_school
        response = login(administrator).post(
            ADD,
            {
                "file": upload(siecle_file(uai=other.uai)),
                "school_name": "X",
                "academy": world.school.academy_id,
            },
        )
        assert response.status_code == 200
        assert "son chef d'établissement seul" in " ".join(
            response.context["form"].non_field_errors()
        )
        assert not ImportBatch.objects.exists()

    def test_a_superuser_adds_a_school_while_working_in_another(self, world, login):
        root = UserFactory(username="root", is_superuser=True, is_staff=True)
        Membership.objects.create(user=root, school=world.school, role="head")
        client = login(root)
        response = client.post(
            ADD, {"file": upload(siecle_file()), "school_name": "Lycée Neuf", "holiday_zone": "C"}
        )
        batch = ImportBatch.objects.get()
        assert response.status_code == 302 and batch.school is None
        client.post(reverse("interop:import-preview", args=[batch.pk]), {"apply": "1"})
        assert School.objects.get(uai=NEW_UAI).academy is None

    def test_a_teacher_cannot_add_a_school(self, world, login):
        client = login(world.users["teacher"])
        assert client.get(ADD).status_code == 403
