from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from appui.jobs.models import Job

from . import selectors, services
from .access import get_division_for, get_student_for, school_access
from .links import pk_url_maker
from .models import Division, Level, Membership, SchoolYear, Student

STUDENTS_PER_PAGE = 50
#: The division filter's value for present students without a class.
WITHOUT_CLASS = "sans-classe"


@login_required
def home(request):
    if request.school is None:
        return render(
            request,
            "schools/home_no_school.html",
            {"may_add_school": selectors.may_add_school(request.user)},
        )
    access = school_access(request)
    year = selectors.selected_year(request)
    context = {"access": access, "year": year}
    if access.is_staff_member:
        context["divisions"] = (
            selectors.divisions_overview(
                access.visible_divisions(Division.objects.filter(year=year)), year
            )[:30]
            if context["year"]
            else []
        )
    if Membership.Role.STUDENT in access.roles or Membership.Role.GUARDIAN in access.roles:
        context["own_students"] = access.visible_students(
            Student.objects.select_related("division")
        ).filter(exit_date__isnull=True)
    if access.is_academy:
        context["academy_schools"] = selectors.academy_schools(request.user)
    if access.can_coordinate:
        # The coordinators' to-do panel links to their background jobs when one needs a look.
        context["jobs_to_check"] = _jobs_to_check(request.user)
    return render(request, "schools/home.html", context)


#: How long a failed background job stays in the to-do panel.
FAILED_JOBS_SHOWN = timedelta(days=7)


def _jobs_to_check(user) -> int:
    """How many of ``user``'s background jobs are unfinished or failed in the last week."""
    since = timezone.now() - FAILED_JOBS_SHOWN
    return (
        Job.objects.filter(started_by=user)
        .filter(Q(status__in=Job.UNFINISHED) | Q(status=Job.Status.FAILED, finished_at__gte=since))
        .count()
    )


SCHOOLS_PER_PAGE = 25


@login_required
def school_list(request):
    """The school switcher: every school of the user, searched by name, UAI or city, a page
    at a time (no cap: an académie account may have hundreds)."""
    query = request.GET.get("q", "").strip()
    schools = selectors.search_schools(selectors.schools_of(request.user), query)
    page = Paginator(schools, SCHOOLS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query}
    if not request.htmx:
        context["may_add_school"] = selectors.may_add_school(request.user)
    template = "schools/_school_results.html" if request.htmx else "schools/school_list.html"
    return render(request, template, context)


@login_required
@require_POST
def school_select(request, pk: int):
    school = selectors.schools_of(request.user).filter(pk=pk).first()
    if school is None:
        raise Http404
    services.school_select(request=request, school=school)
    return redirect("home")


@login_required
@require_POST
def year_select(request):
    """The year switcher: remember the chosen year of the current school, back to the page."""
    access = school_access(request)
    year = SchoolYear.objects.filter(
        school=access.school, pk=_int_or_none(request.POST.get("annee"))
    ).first()
    if year is None:
        raise Http404
    services.year_select(request=request, school=access.school, year=year)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "home"
    return redirect(back)


@login_required
def school_detail(request):
    access = school_access(request, lambda a: a.can_view_school_page())
    school = access.school
    year = selectors.selected_year(request)
    levels = selectors.levels_overview(year) if year else Level.objects.none()
    divisions = (
        selectors.divisions_overview(Division.objects.filter(year=year), year) if year else []
    )
    return render(
        request,
        "schools/school_detail.html",
        {
            "school": school,
            "year": year,
            "levels": levels,
            "divisions": divisions,
            "periods": year.periods.all() if year else [],
            "access": access,
            "openable_division_ids": set(
                access.visible_divisions(Division.objects.filter(year=year)).values_list(
                    "pk", flat=True
                )
            )
            if year
            else set(),
        },
    )


@dataclass(frozen=True)
class DivisionRow:
    """A pupil of the division page with their cells already written."""

    student: Student
    birth_date: str  # dd/mm/yyyy, empty when unknown
    project: str
    href: str  # the pupil page


def division_rows(students: list[Student]) -> list[DivisionRow]:
    """The rows of the division page: the project's label and the birth date written once per
    page here rather than per pupil by the template (``get_project_display`` and the ``date``
    filter cost 60 µs a pupil, 6 ms for a division of 100: the page teachers open most)."""
    project = selectors.project_labeller()
    href = pk_url_maker("schools:student-detail")
    return [
        DivisionRow(
            student=student,
            birth_date=student.birth_date.strftime("%d/%m/%Y") if student.birth_date else "",
            project=project(student.project),
            href=href(student.pk),
        )
        for student in students
    ]


@login_required
def division_detail(request, pk: int):
    division, access = get_division_for(request, pk)
    students = list(selectors.division_students(division))
    teachers = division.teachings.select_related("staff", "subject").order_by(
        "-is_main_teacher", "staff__last_name"
    )
    return render(
        request,
        "schools/division_detail.html",
        {
            "division": division,
            "students": students,
            "rows": division_rows(students),
            "teachings": teachers,
            "access": access,
        },
    )


@login_required
def student_list(request):
    access = school_access(request, lambda a: a.can_list_students())
    year = selectors.selected_year(request)
    visible = access.visible_students(Student.objects.all(), year)
    query = request.GET.get("q", "").strip()
    level_id = _int_or_none(request.GET.get("niveau"))
    division_id = _int_or_none(request.GET.get("division"))
    include_left = request.GET.get("sortis") == "1"
    # « Sans classe »: present students SIECLE attaches to no division are stored all the
    # same (issue 15); this choice of the division filter lists them so none is forgotten.
    without_class = request.GET.get("division") == WITHOUT_CLASS
    if year is None:
        roster = Student.objects.none()
        unplaced = Student.objects.none()
    else:
        # The pupils of the year shown (its enrolments for a past year), then those visible.
        roster = selectors.students_of(
            year,
            level=level_id,
            division=division_id,
            without_division=without_class,
            include_left=include_left,
        )
        unplaced = selectors.students_of(year, without_division=True)
    students = selectors.search_students(
        selectors.with_division_of(roster.filter(pk__in=visible.values("pk")), year),
        query=query,
        include_left=True,
    )
    page = Paginator(students, STUDENTS_PER_PAGE).get_page(request.GET.get("page"))
    href = pk_url_maker("schools:student-detail")
    for student in page:
        student.href = href(student.pk)
    context = {
        "page": page,
        "query": query,
        "level_id": level_id,
        "division_id": division_id,
        "without_class": without_class,
        "without_class_count": unplaced.filter(pk__in=visible.values("pk")).count(),
        "include_left": include_left,
        "levels": year.levels.all() if year else [],
        "divisions": access.visible_divisions(Division.objects.filter(year=year)) if year else [],
    }
    template = "schools/_student_results.html" if request.htmx else "schools/student_list.html"
    return render(request, template, context)


@login_required
def student_detail(request, pk: int):
    student, access = get_student_for(request, pk)
    links = student.studentguardian_set.select_related("guardian").order_by("guardian__last_name")
    division = student.division
    can_open_division = division is not None and access.can_view_division(division)
    enrolments = selectors.enrolment_history(student)
    return render(
        request,
        "schools/student_detail.html",
        {
            "student": student,
            "guardian_links": links,
            "access": access,
            "can_open_division": can_open_division,
            "enrolments": enrolments,
            "openable_division_ids": {
                e.division_id
                for e in enrolments
                if e.division is not None and access.can_view_division(e.division)
            },
        },
    )


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
