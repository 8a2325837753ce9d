"""The guardians' letter: one copy per legal guardian's address, in the envelope window."""

import pytest
from django.urls import reverse

from appui.schools.models import Guardian, StudentGuardian

pytestmark = pytest.mark.django_db


def test_the_letter_has_one_copy_per_address_with_its_postal_block(world, login):
    StudentGuardian.objects.filter(student=world.student).delete()
    for first_name, rank, street in (
        ("Sophie", 1, "12 RUE DES TILLEULS"),
        ("Karim", 2, "3 RUE HAUTE"),
    ):
        person = Guardian.objects.create(
            school=world.school,
            last_name="Martin",
            first_name=first_name,
            address_lines=street,
            postal_code="21000",
            city="Dijon",
        )
        StudentGuardian.objects.create(student=world.student, guardian=person, legal_rank=rank)

    response = login(world.users["teacher"]).get(
        reverse("reports:guardian-letter-pdf", args=[world.student.pk]) + "?format=html"
    )

    body = response.content.decode()
    assert body.count('class="letter"') == 2
    assert body.count('class="address-window"') == 2
    assert "12 RUE DES TILLEULS" in body and "3 RUE HAUTE" in body
    assert "21000 DIJON" in body
