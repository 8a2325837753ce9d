import datetime

import pytest
from django.core.exceptions import ValidationError

from appui.schools.models import Period
from appui.schools.tests import factories as f

pytestmark = pytest.mark.django_db


class TestSchool:
    def test_it_accepts_a_valid_uai(self):
        f.SchoolFactory.build(uai="0750655E").full_clean()

    @pytest.mark.parametrize("uai", ["0750655F", "750655E", "0750655e", "07506550", ""])
    def test_it_rejects_an_invalid_uai(self, uai):
        with pytest.raises(ValidationError) as excinfo:
            f.SchoolFactory.build(uai=uai).full_clean()
        assert "uai" in excinfo.value.message_dict


class TestPeriod:
    def make(self, year, number, start, end):
        return Period(year=year, number=number, name=f"P{number}", start_date=start, end_date=end)

    def test_it_must_lie_inside_the_year(self):
        year = f.SchoolYearFactory()
        with pytest.raises(ValidationError, match="comprise dans son année"):
            self.make(year, 1, datetime.date(2026, 8, 20), datetime.date(2026, 10, 1)).full_clean()

    def test_periods_cannot_overlap(self):
        year = f.SchoolYearFactory()
        self.make(year, 1, datetime.date(2026, 9, 1), datetime.date(2026, 10, 16)).save()
        with pytest.raises(ValidationError, match="chevauche"):
            self.make(
                year, 2, datetime.date(2026, 10, 10), datetime.date(2026, 12, 18)
            ).full_clean()

    def test_periods_are_numbered_in_date_order(self):
        year = f.SchoolYearFactory()
        self.make(year, 2, datetime.date(2026, 9, 1), datetime.date(2026, 10, 16)).save()
        with pytest.raises(ValidationError, match="ordre des dates"):
            self.make(year, 1, datetime.date(2026, 11, 2), datetime.date(2026, 12, 18)).full_clean()

    def test_consecutive_periods_are_valid(self):
        year = f.SchoolYearFactory()
        self.make(year, 1, datetime.date(2026, 9, 1), datetime.date(2026, 10, 16)).save()
        self.make(year, 2, datetime.date(2026, 11, 2), datetime.date(2026, 12, 18)).full_clean()


class TestLevel:
    def test_it_matches_mef_codes_with_its_mask(self):
        level = f.LevelFactory.build(mef_mask="247.....31.")
        assert level.matches_mef("24725500310")
        assert not level.matches_mef("24725510320")
        assert not level.matches_mef("247")


class TestStudent:
    def test_ine_must_be_eleven_letters_or_digits(self):
        student = f.StudentFactory(ine="123")
        with pytest.raises(ValidationError) as excinfo:
            student.full_clean()
        assert "ine" in excinfo.value.message_dict

    def test_a_division_with_students_cannot_be_deleted(self):
        from django.db.models import RestrictedError

        student = f.StudentFactory()
        with pytest.raises(RestrictedError):
            student.division.delete()
        assert student.__class__.objects.filter(pk=student.pk).exists()
