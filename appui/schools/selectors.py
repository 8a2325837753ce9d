"""Reads of the school structure. Views call these; none of them writes."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from appui.core.text import fold

from .models import (
    Division,
    Guardian,
    Level,
    Membership,
    School,
    SchoolYear,
    Student,
    StudentGuardian,
)

SESSION_KEY = "school_id"


def schools_of(user) -> QuerySet[School]:
    if not getattr(user, "is_authenticated", False):
        return School.objects.none()
    return School.objects.filter(memberships__user=user).distinct().order_by("name")


def current_school_for(request) -> School | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    schools = list(schools_of(user)[:50])
    if not schools:
        return None
    wanted = request.session.get(SESSION_KEY)
    for school in schools:
        if school.pk == wanted:
            return school
    return schools[0]


def current_year(school: School) -> SchoolYear | None:
    return school.years.filter(is_current=True).first() or school.years.first()


def current_students(queryset: QuerySet[Student] | None = None) -> QuerySet[Student]:
    queryset = queryset if queryset is not None else Student.objects.all()
    return queryset.filter(exit_date__isnull=True)


def levels_overview(year: SchoolYear) -> QuerySet[Level]:
    """Levels of a year with their division count and current head count."""
    return year.levels.annotate(
        division_count=Count("divisions", distinct=True),
        student_count=Count(
            "divisions__students",
            filter=Q(divisions__students__exit_date__isnull=True),
            distinct=True,
        ),
    ).order_by("order", "name")


def divisions_overview(divisions: QuerySet[Division]) -> QuerySet[Division]:
    return divisions.select_related("level").annotate(
        student_count=Count("students", filter=Q(students__exit_date__isnull=True))
    )


def division_students(division: Division) -> QuerySet[Student]:
    return current_students(division.students.all()).order_by("last_name", "first_name")


def search_students(
    queryset: QuerySet[Student],
    *,
    query: str = "",
    level_id: int | None = None,
    division_id: int | None = None,
    include_left: bool = False,
) -> QuerySet[Student]:
    """Students matching a free-text query (accents and case ignored), level and division."""
    if not include_left:
        queryset = current_students(queryset)
    for word in fold(query).split():
        queryset = queryset.filter(Q(search_text__contains=word) | Q(ine__iexact=word))
    if level_id:
        queryset = queryset.filter(division__level_id=level_id)
    if division_id:
        queryset = queryset.filter(division_id=division_id)
    return queryset.select_related("division").order_by("last_name", "first_name", "pk")


def academy_schools(user) -> QuerySet[School]:
    """Schools where the user has an académie role."""
    return School.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.ACADEMY
    ).distinct()


@dataclass(frozen=True)
class LetterRecipient:
    """One family letter: the guardians living at one postal address, and that address."""

    names: list[str]
    postal_block: list[str]


def letter_recipients(student: Student) -> list[LetterRecipient]:
    """Who receives a family letter about ``student``: each legal guardian (``legal_rank``
    > 0), one letter per distinct postal address — two guardians at the same address share
    one. With no legal guardian on record, one letter to the family at the student's address.
    """
    links = (
        StudentGuardian.objects.filter(student=student, legal_rank__gt=0)
        .select_related("guardian")
        .order_by("legal_rank", "guardian__last_name", "guardian__first_name")
    )
    letters: dict[tuple[str, ...], LetterRecipient] = {}
    for link in links:
        guardian = link.guardian
        block = guardian.postal_block
        name = " ".join(
            part
            for part in (guardian.civility, guardian.first_name, guardian.last_name.upper())
            if part
        )
        key = tuple(fold(line) for line in block)
        if key in letters:
            letters[key].names.append(name)
        else:
            letters[key] = LetterRecipient(names=[name], postal_block=block)
    if not letters:
        family = f"{student.first_name} {student.last_name.upper()}"
        return [LetterRecipient(names=[family], postal_block=student.postal_block)]
    return list(letters.values())


def guardians_without_account(school: School) -> QuerySet[Guardian]:
    """Legal guardians of a present student of ``school`` who have no account yet."""
    return (
        Guardian.objects.filter(
            school=school,
            user__isnull=True,
            studentguardian__legal_rank__gt=0,
            studentguardian__student__exit_date__isnull=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
