"""Writes on the school structure, each in one transaction after full validation."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from .models import Level, Period, School, SchoolYear, Student
from .selectors import SESSION_KEY


def school_select(*, request, school: School) -> None:
    """Remember which of their schools the user is working in."""
    request.session[SESSION_KEY] = school.pk


@transaction.atomic
def student_create(*, school: School, **fields) -> Student:
    student = Student(school=school, **fields)
    student.refresh_search_text()
    student.full_clean()
    student.save()
    return student


@transaction.atomic
def student_update(*, student: Student, **fields) -> Student:
    for name, value in fields.items():
        setattr(student, name, value)
    student.refresh_search_text()
    student.full_clean()
    student.save()
    return student


@transaction.atomic
def level_set_hours(*, level: Level, ap_hours: Decimal, hours_reference: str) -> Level:
    level.ap_hours = ap_hours
    level.hours_reference = hours_reference
    level.full_clean()
    level.save(update_fields=["ap_hours", "hours_reference"])
    return level


@transaction.atomic
def period_create(
    *, year: SchoolYear, number: int, name: str, start_date: date, end_date: date
) -> Period:
    period = Period(year=year, number=number, name=name, start_date=start_date, end_date=end_date)
    period.full_clean()
    period.save()
    return period
