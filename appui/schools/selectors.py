"""Reads of the school structure. Views call these; none of them writes."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery

from appui.core.text import fold

from .models import (
    Academy,
    AcademyMembership,
    Division,
    Enrolment,
    Guardian,
    Level,
    Membership,
    School,
    SchoolYear,
    Student,
    StudentGuardian,
)

SESSION_KEY = "school_id"
#: The year chosen with the year switcher, per school: ``{str(school_pk): year_pk}``.
YEAR_SESSION_KEY = "year_ids"


def schools_of(user) -> QuerySet[School]:
    """Every school the user holds a role in: their memberships, and each school of the
    académies they belong to (``AcademyMembership``), however many."""
    if not getattr(user, "is_authenticated", False):
        return School.objects.none()
    return School.objects.filter(
        Q(pk__in=Membership.objects.filter(user=user).values("school_id"))
        | Q(academy__in=AcademyMembership.objects.filter(user=user).values("academy_id"))
    ).order_by("name", "pk")


def search_schools(queryset: QuerySet[School], query: str = "") -> QuerySet[School]:
    """The schools matching every word of ``query`` in their name, UAI or city (the school
    switcher's search; case ignored)."""
    for word in query.split():
        queryset = queryset.filter(
            Q(name__icontains=word) | Q(uai__iexact=word) | Q(city__icontains=word)
        )
    return queryset


def current_school_for(request) -> School | None:
    """The school chosen with the switcher (kept in the session) if it is still one of the
    user's, else their first; one query either way, whatever their number of schools."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    schools = schools_of(user).select_related("academy")
    wanted = request.session.get(SESSION_KEY)
    if isinstance(wanted, int):
        chosen = schools.filter(pk=wanted).first()
        if chosen is not None:
            return chosen
    return schools.first()


def current_year(school: School) -> SchoolYear | None:
    return school.years.filter(is_current=True).first() or school.years.first()


def years_of(school: School) -> QuerySet[SchoolYear]:
    """The school's years, newest first (the year switcher lists them)."""
    return school.years.order_by("-start_year")


@dataclass(frozen=True)
class YearChoice:
    """One year of the year switcher: past, current or upcoming."""

    year: SchoolYear
    is_current: bool
    is_upcoming: bool


def year_choices(school: School, years: list[SchoolYear] | None = None) -> list[YearChoice]:
    """The school's years for the switcher, newest first, marked against the current year.

    ``years``: the school's years as ``years_of`` lists them, when already read."""
    years = list(years_of(school)) if years is None else years
    current = next((y for y in years if y.is_current), years[0] if years else None)
    return [
        YearChoice(
            year=year,
            is_current=year == current,
            is_upcoming=current is not None and year.start_year > current.start_year,
        )
        for year in years
    ]


def selected_year_for(
    request, school: School, years: list[SchoolYear] | None = None
) -> SchoolYear | None:
    """The year the user chose for ``school`` with the year switcher, else its current year.

    The choice is kept per school, so switching school never shows a year of another one.
    ``years``: the school's years as ``years_of`` lists them, when already read (no query).
    """
    wanted = request.session.get(YEAR_SESSION_KEY, {}).get(str(school.pk))
    if years is not None:
        chosen = next((y for y in years if wanted and str(y.pk) == str(wanted)), None)
        current = next((y for y in years if y.is_current), years[0] if years else None)
        return chosen or current
    if wanted:
        year = school.years.filter(pk=wanted).first()
        if year is not None:
            return year
    return current_year(school)


def selected_year(request) -> SchoolYear | None:
    """The year the pages of the current school show (``request.year``, set by the
    middleware): the one chosen with the year switcher, by default the current year."""
    if not hasattr(request, "year"):
        school = getattr(request, "school", None)
        request.year = selected_year_for(request, school) if school is not None else None
    return request.year


def students_of(
    year: SchoolYear,
    *,
    division: Division | int | None = None,
    level: Level | int | None = None,
    without_division: bool = False,
    include_left: bool = False,
) -> QuerySet[Student]:
    """The pupils enrolled in ``year`` (in ``division``, ``level``, or without a division).

    The pupils' own ``division`` and ``exit_date`` mirror the school's current year only, so
    the current year reads them (present pupils, unless ``include_left``) and any other year
    reads its enrolments: every pupil enrolled that year, those who left during it included
    (a past roster is everyone who was in it).
    """
    # Student and Enrolment both hold ``division``: the same filters apply to either.
    rows: QuerySet = (
        Student.objects.filter(school=year.school_id)
        if year.is_current
        else Enrolment.objects.filter(year=year)
    )
    if year.is_current:
        rows = rows.exclude(not_yet_arrived()) if include_left else current_students(rows)
    if division is not None:
        rows = rows.filter(division=division)
    if level is not None:
        rows = rows.filter(division__level=level)
    if without_division:
        rows = rows.filter(division__isnull=True)
    if year.is_current:
        return rows
    return Student.objects.filter(pk__in=rows.values("student_id"))


def with_division_of(queryset: QuerySet[Student], year: SchoolYear | None) -> QuerySet[Any]:
    """Annotate ``year_division_id`` and ``year_division_code``: each pupil's division in
    ``year`` (their own division for the current year, their enrolment's for another one;
    None without one). Typed ``Any``: the type checker knows no annotated fields."""
    if year is None or year.is_current:
        return queryset.annotate(
            year_division_id=F("division_id"), year_division_code=F("division__code")
        )
    enrolment = Enrolment.objects.filter(year=year, student=OuterRef("pk"))
    return queryset.annotate(
        year_division_id=Subquery(enrolment.values("division_id")[:1]),
        year_division_code=Subquery(enrolment.values("division__code")[:1]),
    )


def enrolment_history(student: Student) -> list[Enrolment]:
    """The pupil's years in the school, newest first: division, level, dates, repeating."""
    return list(
        student.enrolments.select_related("year", "division__level").order_by("-year__start_year")
    )


def not_yet_arrived() -> Q:
    """Pupils whose only enrolments are in years after their school's current one.

    The SIECLE file of an upcoming year creates its new arrivals before that year begins:
    they have no division and no exit date (``services.enrolments_sync``), yet are no pupils
    of the current year, so its lists (present, without a class, left) leave them out.
    """
    current = SchoolYear.objects.filter(
        school=OuterRef(OuterRef("school_id")), is_current=True
    ).values("start_year")[:1]
    enrolments = Enrolment.objects.filter(student=OuterRef("pk"))
    return (
        Q(division__isnull=True, exit_date__isnull=True)
        & Q(Exists(enrolments.filter(year__start_year__gt=Subquery(current))))
        & ~Q(Exists(enrolments.filter(year__start_year__lte=Subquery(current))))
    )


def current_students(queryset: QuerySet[Student] | None = None) -> QuerySet[Student]:
    """The present pupils of the current year: not left, and already arrived."""
    queryset = queryset if queryset is not None else Student.objects.all()
    return queryset.filter(exit_date__isnull=True).exclude(not_yet_arrived())


def levels_overview(year: SchoolYear) -> QuerySet[Level]:
    """Levels of a year with their division count and head count (present pupils for the
    current year, pupils enrolled for another year: see ``students_of``)."""
    if year.is_current:
        students = Count(
            "divisions__students",
            filter=Q(divisions__students__exit_date__isnull=True),
            distinct=True,
        )
    else:
        students = Count("divisions__enrolments", distinct=True)
    return year.levels.annotate(
        division_count=Count("divisions", distinct=True), student_count=students
    ).order_by("order", "name")


def divisions_overview(
    divisions: QuerySet[Division], year: SchoolYear | None = None
) -> QuerySet[Division]:
    """Divisions with their head count; ``year`` (theirs) counts its enrolments when it is
    not the current year."""
    if year is not None and not year.is_current:
        students = Count("enrolments")
    else:
        students = Count("students", filter=Q(students__exit_date__isnull=True))
    return divisions.select_related("level").annotate(student_count=students)


def division_students(division: Division) -> QuerySet[Student]:
    """The pupils of a division in its own year (see ``students_of``)."""
    return students_of(division.year, division=division).order_by("last_name", "first_name")


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
    """The schools the user reads as the académie: every school of the académies they belong
    to, and the schools where they were given the académie role one by one (an IEN's)."""
    return School.objects.filter(
        Q(
            pk__in=Membership.objects.filter(user=user, role=Membership.Role.ACADEMY).values(
                "school_id"
            )
        )
        | Q(academy__in=AcademyMembership.objects.filter(user=user).values("academy_id"))
    )


def administered_academies(user) -> QuerySet[Academy]:
    """The académies whose schools the user may add (administrators)."""
    if not getattr(user, "is_authenticated", False):
        return Academy.objects.none()
    return Academy.objects.filter(
        memberships__user=user, memberships__role=AcademyMembership.Role.ADMINISTRATOR
    ).distinct()


def may_add_school(user) -> bool:
    """A superuser, or an académie administrator, may add a school with a SIECLE import."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or administered_academies(user).exists()


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


def project_labeller() -> Callable[[str], str]:
    """A pupil's project as the pages write it, for many pupils at once: the label in the
    active language, or the stored value when the choices no longer hold it (as
    ``get_project_display`` shows it), without a lookup of the choices per pupil."""
    labels = {value: str(label) for value, label in Student.Project.choices}
    return lambda value: labels.get(value, value)
