"""Family letters go to each legal guardian, one letter per postal address."""

import pytest

from appui.schools.models import Guardian, StudentGuardian
from appui.schools.selectors import letter_recipients

pytestmark = pytest.mark.django_db


def guardian(world, first_name, *, rank=1, lines="12 rue des Tilleuls", city="Dijon", **extra):
    person = Guardian.objects.create(
        school=world.school,
        last_name="Martin",
        first_name=first_name,
        address_lines=lines,
        postal_code="21000" if city else "",
        city=city,
        **extra,
    )
    StudentGuardian.objects.create(student=world.student, guardian=person, legal_rank=rank)
    return person


@pytest.fixture
def family(world):
    # The world's guardian has no address; this test builds its own family.
    StudentGuardian.objects.filter(student=world.student).delete()
    return world


def test_two_guardians_at_the_same_address_get_one_letter(family):
    guardian(family, "Sophie", civility="MME")
    guardian(family, "Karim", rank=2, lines="12 RUE DES TILLEULS", city="DIJON", civility="M.")

    [letter] = letter_recipients(family.student)

    assert letter.names == ["MME Sophie MARTIN", "M. Karim MARTIN"]
    assert letter.postal_block == ["12 rue des Tilleuls", "21000 DIJON"]


def test_guardians_living_apart_get_one_letter_each(family):
    guardian(family, "Sophie")
    guardian(family, "Karim", rank=2, lines="3 place du Marché", city="Beaune")

    letters = letter_recipients(family.student)

    assert [letter.postal_block[0] for letter in letters] == [
        "12 rue des Tilleuls",
        "3 place du Marché",
    ]


def test_a_person_who_is_not_a_legal_guardian_gets_no_letter(family):
    guardian(family, "Sophie")
    guardian(family, "Odette", rank=0, lines="1 rue Haute")

    [letter] = letter_recipients(family.student)

    assert letter.names == ["Sophie MARTIN"]


def test_without_legal_guardian_the_letter_goes_to_the_family_at_the_pupils_address(family):
    family.student.address_lines = "8 allée des Roses"
    family.student.postal_code = "21800"
    family.student.city = "Quetigny"
    family.student.save()

    [letter] = letter_recipients(family.student)

    assert letter.names == ["Léa MARTIN"]
    assert letter.postal_block == ["8 allée des Roses", "21800 QUETIGNY"]
