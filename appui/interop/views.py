"""Imports (SIECLE, STS-web, spreadsheets) and list exports.

An import is uploaded, previewed, then confirmed or cancelled: nothing reaches the school's
data before the confirmation, and the confirmation writes everything in one transaction —
during the request, or for a big file in a background job whose progress the page links to.
Exports stream the file as it is written (their lists are built by ``exports``); the year's
archive, every list in one zip, is written by a background job (``tasks_exports``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appui.core.io.tabular import ExportFormat
from appui.core.io.tabular import render as render_export
from appui.diagnostics.access import get_campaign_for
from appui.diagnostics.selectors import campaign_competencies
from appui.followup import selectors as followup_selectors
from appui.followup.access import get_level_for_hours, staff_of
from appui.planning.access import get_group_for
from appui.schools.access import get_division_for, school_access
from appui.schools.models import Period
from appui.schools.selectors import current_year

from . import exports, selectors, services, tasks_exports
from .access import (
    can_export_staff,
    can_export_year_archive,
    creation_academies,
    get_batch_for,
    import_access_for,
    import_page_access,
    may_create_school,
    may_import_into,
)
from .exporters import (
    HoursDivisionsExporter,
    HoursStudentsExporter,
    SessionAttendanceExporter,
    StaffHoursExporter,
    StudentsExporter,
)
from .models import ImportBatch
from .registry import BY_SLUG, kinds_for


@login_required
def import_home(request):
    """One card per kind the user may use (the registry's), and the recent imports."""
    access = import_page_access(request)
    school = access.school if access else None
    return render(
        request,
        "interop/import_home.html",
        {
            "school": school,
            "kinds": kinds_for(access),
            # « Add a school » beside the school's own imports (superuser, académie admin).
            "add_school": school is not None and may_create_school(request),
            "batches": selectors.recent_batches(school=school, user=request.user),
        },
    )


@login_required
def import_upload(request, slug: str):
    entry = BY_SLUG.get(slug)
    if entry is None:
        raise Http404
    access = import_access_for(request, entry)
    school = access.school if access else None
    creating = school is None
    initial = {
        "period": _int_or_none(request.GET.get("periode")),
        "campaign": _int_or_none(request.GET.get("campagne")),
    }
    form = entry.form(
        request.POST or None,
        request.FILES or None,
        creating=creating,
        school=school,
        access=access,
        initial=initial,
        academies=creation_academies(request) if creating else None,
        # An académie administrator adds schools to their académie; a superuser to any.
        academy_required=creating and not request.user.is_superuser,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        extra = form.cleaned_data.get("nomenclature")
        try:
            batch = services.import_preview(
                kind=entry.key,
                # Adding a school: the file's UAI decides which (new, or one the user heads).
                school=services.FROM_FILE if creating else school,
                may_import_into=may_import_into(request, entry),
                user=request.user,
                content=upload.read(),
                file_name=upload.name,
                extra_content=extra.read() if extra else None,
                extra_name=extra.name if extra else "",
                options=form.options(),
            )
        except services.ImportRefused as refused:
            form.add_error(None, refused.messages)
        else:
            return redirect("interop:import-preview", batch.pk)
    return render(
        request,
        "interop/import_upload.html",
        {"form": form, "entry": entry, "school": school, **_help_context(form)},
    )


def _help_context(form) -> dict:
    """What a kind's instructions show about the chosen campaign (results: the template)."""
    field = form.fields.get("campaign")
    campaign_id = _int_or_none(str(form["campaign"].value() or "")) if field else None
    campaign = field.queryset.filter(pk=campaign_id).first() if campaign_id else None
    if campaign is None:
        return {}
    return {"campaign": campaign, "competencies": campaign_competencies(campaign)}


@login_required
def import_preview(request, pk: int):
    """Every kind's preview: confirm (all at once, or nothing) or cancel."""
    batch = get_batch_for(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        if "cancel" in request.POST:
            try:
                services.import_cancel(batch=batch)
            except services.ImportRefused as refused:
                errors = refused.messages
            else:
                messages.info(request, _("Import cancelled: nothing was recorded."))
                return redirect("interop:import-home")
        elif batch.applying_job is not None:
            # A second click while the job runs: the page says so and follows the same job.
            messages.info(request, _("This import is already being applied in the background."))
            return redirect("interop:import-preview", batch.pk)
        else:
            try:
                job = services.import_confirm(
                    batch=batch,
                    user=request.user,
                    skip_invalid="skip_invalid" in request.POST,
                    confirmed="confirm_harm" in request.POST,
                )
            except services.ImportRefused as refused:
                errors = refused.messages
                batch.refresh_from_db()
            else:
                if job is None:
                    messages.success(request, _("Import applied: the changes are recorded."))
                    return redirect("interop:import-preview", batch.pk)
                messages.info(
                    request,
                    _(
                        "This large file is being applied in the background: follow its "
                        "progress here, or leave this page and come back later."
                    ),
                )
                return redirect("jobs:job-detail", job.pk)
    summary = batch.summary or {}
    applying = batch.applying_job
    return render(
        request,
        "interop/import_preview.html",
        {
            "batch": batch,
            "entry": batch.entry,
            "summary": summary,
            "sections": summary.get("sections", []),
            "errors": errors,
            "can_confirm": batch.status == ImportBatch.Status.PREVIEWED
            and not summary.get("blocked")
            and applying is None,
            "applying": applying,
            "failed_job": batch.failed_job,
            "in_background": services.applies_in_background(batch),
            "confirmations": summary.get("confirmations", []),
            "more_issues": max(0, summary.get("issue_count", 0) - len(summary.get("issues", []))),
        },
    )


# --------------------------------------------------------------------------- exports


def _export_format(request) -> ExportFormat:
    try:
        return ExportFormat(request.GET.get("format", "xlsx"))
    except ValueError as error:
        raise Http404 from error


def _stream(exporter, export_format: ExportFormat) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        render_export(exporter, export_format), content_type=export_format.content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{exporter.file_name(export_format)}"'
    return response


@login_required
def export_home(request):
    access = school_access(request, lambda a: a.can_list_students())
    school = access.school
    return render(
        request,
        "interop/export_home.html",
        {
            "school": school,
            "access": access,
            "divisions": selectors.visible_divisions(access),
            "campaigns": selectors.exportable_campaigns(access),
            "can_export_staff": can_export_staff(access),
            "can_export_year_archive": can_export_year_archive(access),
            "year": current_year(school),
        },
    )


@login_required
@require_POST
def year_archive(request):
    """Start (or find running) the job writing every list of the current year in one zip."""
    access = school_access(request, can_export_year_archive)
    try:
        export_format = ExportFormat(request.POST.get("format", "xlsx"))
    except ValueError as error:
        raise Http404 from error
    year = current_year(access.school)
    if year is None:
        raise Http404
    job = tasks_exports.start_year_archive(access, year, export_format, user=request.user)
    return redirect("jobs:job-detail", pk=job.pk)


@login_required
def student_export(request):
    export_format = _export_format(request)
    division_id = _int_or_none(request.GET.get("division"))
    if division_id:
        division, access = get_division_for(request, division_id)
        title = f"Élèves {division.code}"
    else:
        access = school_access(request)
        title = "Élèves"
    if not access.can_list_students():
        raise PermissionDenied
    students = selectors.export_students(
        access,
        query=request.GET.get("q", "").strip(),
        level_id=_int_or_none(request.GET.get("niveau")),
        division_id=division_id,
        include_left=request.GET.get("sortis") == "1",
    )
    return _stream(StudentsExporter(students, title), export_format)


@login_required
def staff_export(request):
    export_format = _export_format(request)
    access = school_access(request, can_export_staff)
    return _stream(exports.staff_list(access), export_format)


@login_required
def result_export(request, pk: int):
    export_format = _export_format(request)
    campaign, access = get_campaign_for(request, pk)
    return _stream(exports.campaign_results(access, campaign), export_format)


@login_required
def plan_export(request, pk: int):
    """A need-group plan with its members (coordinators of the level and the head)."""
    from appui.planning.access import get_plan_for

    from .exporters import PlanGroupsExporter

    export_format = _export_format(request)
    plan, _access = get_plan_for(request, pk)
    return _stream(PlanGroupsExporter(plan), export_format)


# --------------------------------------------------------------------------- follow-up exports
# Sessions with attendance, and the hour accounting: each with the access of its page.


@login_required
def group_sessions_export(request, pk: int):
    """A need group's sessions with attendance (who may open the group's sessions page)."""
    export_format = _export_format(request)
    group, _access = get_group_for(request, pk)
    title = f"Séances {group.module.code} {group.plan.level.short_name} {group.plan.period.name}"
    return _stream(SessionAttendanceExporter(group.sessions.all(), title), export_format)


@login_required
def week_export(request):
    """The user's sessions of the week shown on « My AP sessions », with attendance."""
    export_format = _export_format(request)
    access = school_access(request)
    staff_of(access)
    monday = followup_selectors.week_of(request.GET.get("semaine"), timezone.localdate())
    sessions = followup_selectors.week_sessions(
        followup_selectors.sessions_of_staff(request.user), monday
    )
    title = f"Séances semaine du {monday:%d-%m-%Y}"
    return _stream(SessionAttendanceExporter(sessions, title), export_format)


@login_required
def level_attendance_export(request, pk: int):
    """A level's sessions of one period (the current one by default) with attendance, for
    those who read the level's hours (its coordinators and the head)."""
    export_format = _export_format(request)
    level, _access = get_level_for_hours(request, pk)
    period_id = _int_or_none(request.GET.get("periode"))
    period: Period | None
    if period_id:
        period = get_object_or_404(Period, pk=period_id, year=level.year)
    else:
        period = followup_selectors.period_of(level.year, timezone.localdate())
    if period is None:
        raise Http404
    return _stream(exports.level_attendance(level, period), export_format)


def _require_hours(request):
    access = school_access(request, lambda a: a.can_coordinate)
    return access.school, access


@login_required
def hours_export(request):
    """The hours page: one row per level the user coordinates."""
    export_format = _export_format(request)
    school, access = _require_hours(request)
    exporter = exports.hours_levels(access, current_year(school), timezone.localdate())
    return _stream(exporter, export_format)


@login_required
def hours_divisions_export(request, pk: int):
    """A level's hours per division, as its hours page shows them."""
    export_format = _export_format(request)
    level, _access = get_level_for_hours(request, pk)
    context = followup_selectors.level_hours(level, timezone.localdate())
    return _stream(HoursDivisionsExporter(level, context["divisions"]), export_format)


@login_required
def hours_students_export(request, pk: int):
    """A level's hours per student, as its hours page shows them."""
    export_format = _export_format(request)
    level, _access = get_level_for_hours(request, pk)
    context = followup_selectors.level_hours(level, timezone.localdate())
    return _stream(HoursStudentsExporter(level, context["rows"]), export_format)


@login_required
def hours_staff_export(request):
    """The service sheet: staff hours over the levels the user coordinates."""
    export_format = _export_format(request)
    school, access = _require_hours(request)
    year = current_year(school)
    rows = followup_selectors.staff_service(
        followup_selectors.coordinated_levels(access, year), timezone.localdate()
    )
    title = f"Heures personnels {year.label}" if year else "Heures personnels"
    return _stream(StaffHoursExporter(rows, title), export_format)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
