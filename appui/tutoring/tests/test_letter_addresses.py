"""The tutor's letter to families: one copy per legal guardian's address."""

import pytest
from django.urls import reverse

from appui.schools.models import Guardian, StudentGuardian

pytestmark = pytest.mark.django_db


def test_guardians_at_one_address_share_one_letter(world, tutoring, login):
    StudentGuardian.objects.filter(student=world.student).delete()
    for first_name, rank in (("Sophie", 1), ("Karim", 2)):
        person = Guardian.objects.create(
            school=world.school,
            last_name="Martin",
            first_name=first_name,
            address_lines="12 RUE DES TILLEULS",
            postal_code="21000",
            city="Dijon",
        )
        StudentGuardian.objects.create(student=world.student, guardian=person, legal_rank=rank)
    url = reverse("tutoring:letter", args=[tutoring["tutorship"].pk])

    body = login(world.users["tutor"]).get(url).content.decode()

    assert body.count('class="address-window"') == 1
    assert "Sophie MARTIN" in body and "Karim MARTIN" in body
    assert "21000 DIJON" in body
