from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appui.core.indicators import tutoring_coverage
from appui.core.io.tabular import Column, ExportFormat, RowsExporter
from appui.core.io.tabular import render as render_export
from appui.schools.form_saving import save_form
from appui.schools.models import Division, Level, Student
from appui.schools.selectors import (
    current_year,
    letter_recipients,
    selected_year,
    students_of,
)

from . import selectors, services
from .access import (
    can_manage_student,
    get_student_for_tutoring,
    get_tutorship_for,
    is_tutor_of,
    own_staff,
    require_head,
    require_manager,
    school_access,
)
from .forms import AssignForm, EndForm, MeetingForm, PolicyForm
from .models import Tutor, Tutorship


def _year(access):
    """The current year: tutors volunteer, and tutorships are made, for the year under way."""
    year = current_year(access.school)
    if year is None:
        raise Http404
    return year


def _shown_year(request):
    """The year the overview pages show: the one chosen with the year switcher."""
    year = selected_year(request)
    if year is None:
        raise Http404
    return year


def _managed_students(access):
    students = Student.objects.filter(school=access.school)
    if access.coordinates_whole_school:
        return students
    return students.filter(division__level_id__in=access.coordinator_level_ids)


def _int(value) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _filtered(request, access, year):
    """Managed students narrowed by the level and division filters (404 outside the year)."""
    students = _managed_students(access)
    level_id, division_id = _int(request.GET.get("niveau")), _int(request.GET.get("division"))
    if level_id:
        level = get_object_or_404(Level, pk=level_id, year=year)
        if not access.can_coordinate_level(level.pk):
            raise PermissionDenied
        students = students.filter(division__level=level)
    if division_id:
        division = get_object_or_404(Division, pk=division_id, year=year)
        if not access.can_coordinate_level(division.level_id):
            raise PermissionDenied
        students = students.filter(division=division)
    levels = [lv for lv in year.levels.all() if access.can_coordinate_level(lv.pk)]
    return students, {"levels": levels, "level_id": level_id, "division_id": division_id}


@login_required
def index(request):
    access = require_manager(request)
    year = _shown_year(request)
    policy = services.policy_for(year)
    # The pupils of the year shown (its enrolments for a past year) whom the user manages.
    students = students_of(year).filter(pk__in=_managed_students(access).values("pk"))
    tutored = Tutorship.objects.filter(
        year=year, end_date__isnull=True, proposed=False
    ).values_list("student_id", flat=True)
    coverage = tutoring_coverage(students.values_list("pk", flat=True), tutored)
    return render(
        request,
        "tutoring/index.html",
        {
            "access": access,
            "year": year,
            "policy": policy,
            "tutors": selectors.tutors_overview(year),
            "tutorships": selectors.current_tutorships(year, students),
            "proposals": selectors.proposals(access.school, students),
            "coverage": coverage,
            "without": coverage.whole - coverage.part,
        },
    )


@login_required
def policy_edit(request):
    access = require_head(request)
    year = _year(access)
    policy = services.policy_for(year)
    form = PolicyForm(request.POST or None, instance=policy)
    if save_form(
        request,
        form,
        lambda: services.policy_set(
            year=year,
            max_tutees=form.cleaned_data["max_tutees"],
            allowance_per_tutee=form.cleaned_data["allowance_per_tutee"],
            user=request.user,
            version=form.cleaned_data["version"],
        ),
        _("Tutoring terms saved."),
    ):
        return redirect("tutoring:index")
    return render(request, "tutoring/policy_form.html", {"form": form, "year": year})


@login_required
def volunteer(request):
    access = school_access(request)
    staff = own_staff(access)
    if staff is None or not access.is_staff_member:
        raise PermissionDenied
    year = _year(access)
    tutor = Tutor.objects.filter(year=year, staff=staff).first()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "withdraw" and tutor is not None:
                services.tutor_withdraw(tutor=tutor)
                messages.success(request, _("You no longer volunteer as a tutor this year."))
            else:
                services.tutor_volunteer(staff=staff, year=year, today=timezone.localdate())
                messages.success(request, _("Thank you: you are now a volunteer tutor this year."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("tutoring:volunteer")
    return render(
        request,
        "tutoring/volunteer.html",
        {"tutor": tutor, "policy": services.policy_for(year), "year": year},
    )


@login_required
def assign(request):
    access = require_manager(request)
    year = _year(access)
    students, filters = _filtered(request, access, year)
    tutors = selectors.available_tutors(year)
    without = selectors.students_without_tutor(year, students)
    if request.method == "POST":
        student = (
            Student.objects.filter(pk=_int(request.POST.get("student")), school=access.school)
            .select_related("division__level")
            .first()
        )
        if student is None:
            raise Http404
        if not can_manage_student(access, student):
            raise PermissionDenied
        form = AssignForm(request.POST, tutors=tutors)
        if not form.is_valid():
            messages.error(request, _("Choose a tutor who still has room."))
            return redirect(request.get_full_path())
        tutor = form.cleaned_data["tutor"]
        try:
            services.tutorship_create(
                tutor=tutor, student=student, today=timezone.localdate(), user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(student)s now has %(tutor)s as tutor.")
                % {"student": student, "tutor": tutor.staff},
            )
        return redirect(request.get_full_path())
    return render(
        request,
        "tutoring/assign.html",
        {
            "students": selectors.pupil_rows(without[:300]),
            "count": without.count(),
            "tutors": tutors,
            **filters,
        },
    )


@login_required
def suggestions(request):
    access = require_manager(request)
    year = _year(access)
    students, filters = _filtered(request, access, year)
    if request.method == "POST":
        pairs = []
        tutors = {t.pk: t for t in Tutor.objects.filter(year=year, active=True)}
        allowed = {s.pk: s for s in selectors.students_without_tutor(year, students)}
        for value in request.POST.getlist("pair"):
            student_id, _sep, tutor_id = value.partition(":")
            student, tutor = allowed.get(_int(student_id)), tutors.get(_int(tutor_id))
            if student is None or tutor is None:
                # Someone assigned this student meanwhile, or the value was tampered with.
                messages.error(request, _("The suggestions changed: check them again."))
                return redirect(request.get_full_path())
            pairs.append((tutor, student))
        try:
            count = services.tutorships_create(
                pairs=pairs, today=timezone.localdate(), user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(count)s tutorships created.") % {"count": count})
        return redirect(request.get_full_path())
    return render(
        request,
        "tutoring/suggestions.html",
        {**selectors.suggestions(year, students), **filters},
    )


@login_required
def my_tutees(request):
    school_access(request)
    tutor = selectors.tutor_of(request.user, _shown_year(request))
    if tutor is None:
        raise PermissionDenied
    return render(
        request,
        "tutoring/my_tutees.html",
        {"tutor": tutor, "tutorships": selectors.tutees(tutor)},
    )


@login_required
def tutorship_detail(request, pk: int):
    tutorship, access = get_tutorship_for(request, pk)
    is_tutor = is_tutor_of(access, tutorship)
    return render(
        request,
        "tutoring/tutorship_detail.html",
        {
            "tutorship": tutorship,
            "meetings": tutorship.meetings.all(),
            "is_tutor": is_tutor,
            "can_manage": can_manage_student(access, tutorship.student),
            "meeting_form": MeetingForm() if is_tutor and tutorship.is_current else None,
            "end_form": EndForm(),
        },
    )


@login_required
@require_POST
def meeting_add(request, pk: int):
    tutorship, access = get_tutorship_for(request, pk)
    if not is_tutor_of(access, tutorship):
        raise PermissionDenied
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_log(
                tutorship=tutorship,
                date=form.cleaned_data["date"],
                topics=form.cleaned_data["topics"],
                next_steps=form.cleaned_data["next_steps"],
                user=request.user,
                today=timezone.localdate(),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Meeting logged."))
    else:
        messages.error(request, _("The meeting needs a date and its topics."))
    return redirect("tutoring:tutorship-detail", tutorship.pk)


@login_required
@require_POST
def tutorship_end(request, pk: int):
    tutorship, access = get_tutorship_for(request, pk)
    if not can_manage_student(access, tutorship.student):
        raise PermissionDenied
    form = EndForm(request.POST)
    form.is_valid()
    try:
        services.tutorship_end(
            tutorship=tutorship,
            today=timezone.localdate(),
            reason=form.cleaned_data.get("reason", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Tutorship ended."))
    return redirect("tutoring:tutorship-detail", tutorship.pk)


def _proposal_for_head(request, pk: int) -> Tutorship:
    access = require_head(request)
    tutorship = (
        Tutorship.objects.filter(pk=pk, year__school=access.school, proposed=True)
        .select_related("student", "tutor__staff", "year")
        .first()
    )
    if tutorship is None:
        raise Http404
    return tutorship


@login_required
@require_POST
def proposal_confirm(request, pk: int):
    tutorship = _proposal_for_head(request, pk)
    try:
        services.tutorship_confirm(
            tutorship=tutorship, today=timezone.localdate(), user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(student)s keeps %(tutor)s as tutor in %(year)s.")
            % {
                "student": tutorship.student,
                "tutor": tutorship.tutor.staff,
                "year": tutorship.year.label,
            },
        )
    return redirect("tutoring:index")


@login_required
@require_POST
def proposal_decline(request, pk: int):
    tutorship = _proposal_for_head(request, pk)
    try:
        services.tutorship_decline(tutorship=tutorship)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Proposal declined: assign another tutor if needed."))
    return redirect("tutoring:index")


@login_required
@require_POST
def tutorship_informed(request, pk: int):
    tutorship, _access = get_tutorship_for(request, pk)
    try:
        services.tutorship_mark_informed(tutorship=tutorship, day=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Guardians recorded as informed."))
    return redirect("tutoring:tutorship-detail", tutorship.pk)


@login_required
def letter(request, pk: int):
    tutorship, _access = get_tutorship_for(request, pk)
    if tutorship.proposed:
        # The guardians hear of a tutorship once the head has confirmed it.
        raise Http404
    # One copy per legal guardian's postal address, for a window envelope.
    recipients = letter_recipients(tutorship.student)
    return render(
        request,
        "tutoring/letter.html",
        {"tutorship": tutorship, "recipients": recipients, "today": timezone.localdate()},
    )


@login_required
def student_tutoring(request, pk: int):
    student, access = get_student_for_tutoring(request, pk)
    return render(
        request,
        "tutoring/student_tutoring.html",
        {
            "student": student,
            "tutorships": selectors.student_tutorships(student),
            "can_manage": can_manage_student(access, student),
        },
    )


def _allowance_columns() -> list[Column]:
    return [
        Column("tutor", _("Tutor"), 30),
        Column("tutees", _("Students followed"), 12),
        Column("rate", _("Rate (€)"), 12),
        Column("amount", _("Allowance (€)"), 12),
    ]


@login_required
def allowances(request):
    require_head(request)
    year = _shown_year(request)
    rows = selectors.allowances(year)
    export = request.GET.get("format")
    if export:
        try:
            export_format = ExportFormat(export)
        except ValueError as error:
            raise Http404 from error
        exporter = RowsExporter(
            f"indemnites-tutorat-{year.label}",
            _allowance_columns(),
            (
                {
                    "tutor": str(row["tutor"].staff),
                    "tutees": row["tutees"],
                    "rate": float(row["rate"]),
                    "amount": float(row["amount"]),
                }
                for row in rows
            ),
        )
        response = StreamingHttpResponse(
            render_export(exporter, export_format), content_type=export_format.content_type
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{exporter.file_name(export_format)}"'
        )
        return response
    return render(
        request,
        "tutoring/allowances.html",
        {
            "rows": rows,
            "year": year,
            "policy": services.policy_for(year),
            "total": sum(row["amount"] for row in rows),
            "export_url": reverse("tutoring:allowances"),
        },
    )
