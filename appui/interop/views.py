"""Imports (SIECLE, STS-web, spreadsheets) and list exports.

An import is uploaded, previewed, then confirmed or cancelled: nothing reaches the school's
data before the confirmation, and the confirmation writes everything in one transaction.
Exports stream the file as it is written.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from appui.core.io.tabular import ExportFormat
from appui.core.io.tabular import render as render_export
from appui.diagnostics.access import get_campaign_for
from appui.diagnostics.selectors import campaign_competencies
from appui.schools.access import get_division_for
from appui.schools.models import Staff
from appui.schools.selectors import current_year

from . import selectors, services
from .access import (
    can_export_staff,
    get_batch_for,
    import_school_for,
    require_import_page,
    require_school,
)
from .exporters import ResultsExporter, StaffExporter, StudentsExporter
from .forms import SiecleForm, StaffTableForm, StsForm, StudentTableForm
from .models import ImportBatch

Kind = ImportBatch.Kind

# URL slug (French, as the other URLs) → kind of import and its form.
KINDS = {
    "siecle": (Kind.SIECLE, SiecleForm),
    "sts": (Kind.STS, StsForm),
    "eleves": (Kind.STUDENTS, StudentTableForm),
    "personnels": (Kind.STAFF, StaffTableForm),
}
SLUGS = {kind: slug for slug, (kind, _form) in KINDS.items()}


@login_required
def import_home(request):
    school = require_import_page(request)
    return render(
        request,
        "interop/import_home.html",
        {
            "school": school,
            "batches": selectors.recent_batches(school=school, user=request.user),
            "slugs": SLUGS,
        },
    )


@login_required
def import_upload(request, slug: str):
    if slug not in KINDS:
        raise Http404
    kind, form_class = KINDS[slug]
    school = import_school_for(request, kind)
    form = form_class(request.POST or None, request.FILES or None, creating=school is None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        extra = form.cleaned_data.get("nomenclature")
        try:
            batch = services.import_preview(
                kind=kind,
                school=school,
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
        {"form": form, "kind": kind, "slug": slug, "school": school},
    )


@login_required
def import_preview(request, pk: int):
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
        else:
            try:
                services.import_apply(batch=batch, user=request.user)
            except services.ImportRefused as refused:
                errors = refused.messages
                batch.refresh_from_db()
            else:
                messages.success(request, _("Import applied: the changes are recorded."))
                return redirect("interop:import-preview", batch.pk)
    summary = batch.summary or {}
    return render(
        request,
        "interop/import_preview.html",
        {
            "batch": batch,
            "summary": summary,
            "sections": summary.get("sections", []),
            "errors": errors,
            "can_confirm": batch.status == ImportBatch.Status.PREVIEWED
            and not summary.get("blocked"),
            "slug": SLUGS.get(batch.kind),
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
    school, access = require_school(request)
    if not access.can_list_students():
        raise PermissionDenied
    return render(
        request,
        "interop/export_home.html",
        {
            "school": school,
            "access": access,
            "divisions": selectors.visible_divisions(access),
            "campaigns": selectors.exportable_campaigns(access),
            "can_export_staff": can_export_staff(access),
        },
    )


@login_required
def student_export(request):
    export_format = _export_format(request)
    division_id = _int_or_none(request.GET.get("division"))
    if division_id:
        division, access = get_division_for(request, division_id)
        title = f"Élèves {division.code}"
    else:
        _school, access = require_school(request)
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
    school, access = require_school(request)
    if not can_export_staff(access):
        raise PermissionDenied
    year = current_year(school)
    return _stream(StaffExporter(Staff.objects.filter(school=school), year), export_format)


@login_required
def result_export(request, pk: int):
    export_format = _export_format(request)
    campaign, access = get_campaign_for(request, pk)
    students = selectors.campaign_export_students(access, campaign)
    exporter = ResultsExporter(campaign, students, campaign_competencies(campaign))
    return _stream(exporter, export_format)


@login_required
def plan_export(request, pk: int):
    """A need-group plan with its members (coordinators of the level and the head)."""
    from appui.planning.access import get_plan_for

    from .exporters import PlanGroupsExporter

    export_format = _export_format(request)
    plan, _access = get_plan_for(request, pk)
    return _stream(PlanGroupsExporter(plan), export_format)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
