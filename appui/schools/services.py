"""Writes on the school structure, each in one transaction after full validation."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from appui.accounts.models import User
from appui.core.usernames import Usernames

from .models import Guardian, Level, Membership, Period, School, SchoolYear, Student
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


@transaction.atomic
def guardian_accounts_create(*, school: School, guardians, by=None) -> list[Guardian]:
    """Give each of ``guardians`` (of ``school``) an account with the guardian role.

    The username is ``prenom.nom`` made unique; the password is unusable (guardians will sign
    on through the académie's service, a later issue). Idempotent: a guardian who already has
    an account only gets the guardian role in ``school`` if it is missing. Returns the
    guardians whose account was created. ``by`` is who asked (kept for the audit to come).
    """
    guardians = [g for g in guardians if g.school_id == school.pk]
    created: list[Guardian] = []
    usernames = Usernames(User.objects.values_list("username", flat=True), fallback="famille")
    for guardian in guardians:
        if guardian.user_id is not None:
            continue
        user = User(
            username=usernames.new(guardian.first_name, guardian.last_name),
            first_name=guardian.first_name[:150],
            last_name=guardian.last_name[:150],
            email=guardian.email,
        )
        user.set_unusable_password()
        user.full_clean()
        user.save()
        guardian.user = user
        guardian.save(update_fields=["user"])
        created.append(guardian)
    Membership.objects.bulk_create(
        [
            Membership(user_id=g.user_id, school=school, role=Membership.Role.GUARDIAN)
            for g in guardians
            if g.user_id is not None
        ],
        ignore_conflicts=True,
    )
    return created
