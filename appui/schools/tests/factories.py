import datetime
from decimal import Decimal

import factory

from appui.accounts.models import User
from appui.core.identifiers import uai_check_letter
from appui.schools import models


def _uai(n: int) -> str:
    digits = f"{9000000 + n:07d}"
    return digits + uai_check_letter(digits)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Utilisateur{n}")
    password = factory.django.Password("secret")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.School

    uai = factory.Sequence(_uai)
    name = factory.Sequence(lambda n: f"Lycée d'essai {n}")
    city = "Dijon"


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SchoolYear

    school = factory.SubFactory(SchoolFactory)
    start_year = 2026
    start_date = datetime.date(2026, 9, 1)
    end_date = datetime.date(2027, 7, 3)
    is_current = True


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Level

    year = factory.SubFactory(SchoolYearFactory)
    track = models.Level.Track.BACPRO
    year_in_cycle = 1
    name = factory.Sequence(lambda n: f"2nde professionnelle {n}")
    short_name = factory.Sequence(lambda n: f"2PRO{n}")
    mef_mask = "247.....31."
    ap_hours = Decimal("90")


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Division

    level = factory.SubFactory(LevelFactory)
    year = factory.SelfAttribute("level.year")
    code = factory.Sequence(lambda n: f"2D{n}")


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Student

    division = factory.SubFactory(DivisionFactory)
    school = factory.SelfAttribute("division.year.school")
    last_name = factory.Sequence(lambda n: f"Élève{n}")
    first_name = "Léa"
    birth_date = datetime.date(2011, 3, 14)
    ine = factory.Sequence(lambda n: f"{1000000000 + n}A")
    search_text = factory.LazyAttribute(lambda o: f"{o.last_name} {o.first_name}".lower())


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Guardian

    school = factory.SubFactory(SchoolFactory)
    last_name = "Parent"
    first_name = "Dominique"


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Staff

    school = factory.SubFactory(SchoolFactory)
    user = factory.SubFactory(UserFactory)
    last_name = factory.SelfAttribute("user.last_name")
    first_name = factory.SelfAttribute("user.first_name")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = models.Membership.Role.TEACHER
