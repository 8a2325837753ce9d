"""The LSU export page: settings, class councils, what is missing, the file and its template.

Only the head of school exports to the LSU (they sign the reports), as only they import.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appui.core.io.tabular import Column, RowsExporter
from appui.schools.models import Division, Period, Teaching

from .forms import LsuSettingsForm
from .lsu import (
    college_levels,
    default_period,
    lsu_period_choices,
    lsu_preview,
    present_students,
    settings_for,
)
from .models import LsuCouncil, LsuReport
from .views import _export_format, _int_or_none, _stream, require_school

#: Gaps shown on the page (grouped by what they concern); the command prints them all.
MAX_GAP_SUBJECTS = 60


def _head_school(request):
    school, access = require_school(request)
    if not access.is_head:
        raise PermissionDenied
    return school


def _period(request, periods: list[Period]) -> Period | None:
    wanted = _int_or_none(request.POST.get("periode") or request.GET.get("periode"))
    chosen = next((period for period in periods if period.pk == wanted), None)
    return chosen or default_period(periods, timezone.localdate())


def _page_url(period: Period) -> str:
    return f"{reverse('interop:lsu')}?periode={period.pk}"


def _read_councils(request, divisions) -> tuple[dict[int, date | None], dict[int, str]]:
    values: dict[int, date | None] = {}
    errors: dict[int, str] = {}
    for division in divisions:
        text = request.POST.get(f"conseil-{division.pk}", "").strip()
        if not text:
            values[division.pk] = None
            continue
        try:
            values[division.pk] = date.fromisoformat(text)
        except ValueError:
            errors[division.pk] = _("Enter a valid date.")
    return values, errors


@login_required
def lsu_page(request):
    school = _head_school(request)
    periods = lsu_period_choices(school)
    period = _period(request, periods)
    if period is None:
        return render(request, "interop/lsu_export.html", {"school": school, "periods": []})
    levels = college_levels(period)
    divisions = list(Division.objects.filter(level__in=levels).order_by("level__order", "code"))
    councils = {
        council.division_id: council
        for council in LsuCouncil.objects.filter(period=period, division__in=divisions)
    }
    form = LsuSettingsForm(
        request.POST or None, instance=settings_for(period), school=school, prefix="reglages"
    )
    council_errors: dict[int, str] = {}
    if request.method == "POST":
        values, council_errors = _read_councils(request, divisions)
        if form.is_valid() and not council_errors:
            with transaction.atomic():
                form.save()
                for division in divisions:
                    value = values[division.pk]
                    existing = councils.get(division.pk)
                    if value is None:
                        if existing is not None:
                            existing.delete()  # the user emptied the date
                    elif existing is None:
                        LsuCouncil.objects.create(period=period, division=division, date=value)
                    elif existing.date != value:
                        existing.date = value
                        existing.save(update_fields=["date"])
            messages.success(request, _("LSU settings saved."))
            return redirect(_page_url(period))
    preview = lsu_preview(school, period)
    grouped: OrderedDict[str, list[str]] = OrderedDict()
    for gap in preview.gaps:
        grouped.setdefault(gap.subject, []).append(gap.message)
    council_rows = [
        {
            "division": division,
            "value": request.POST.get(f"conseil-{division.pk}")
            if request.method == "POST"
            else (councils[division.pk].date.isoformat() if division.pk in councils else ""),
            "error": council_errors.get(division.pk, ""),
        }
        for division in divisions
    ]
    return render(
        request,
        "interop/lsu_export.html",
        {
            "school": school,
            "periods": periods,
            "period": period,
            "preview": preview,
            "form": form,
            "council_rows": council_rows,
            "gap_groups": list(grouped.items())[:MAX_GAP_SUBJECTS],
            "more_gap_groups": max(0, len(grouped) - MAX_GAP_SUBJECTS),
            "gap_count": len(preview.gaps),
            "missing_reports": preview.counts.get("students", 0)
            - preview.counts.get("reports_with_data", 0),
        },
    )


@login_required
def lsu_download(request):
    school = _head_school(request)
    period = _period(request, lsu_period_choices(school))
    if period is None:
        raise PermissionDenied
    preview = lsu_preview(school, period)
    if not preview.ready:
        messages.error(
            request,
            _("The LSU file cannot be produced yet: complete what is listed below first."),
        )
        return redirect(_page_url(period))
    response = HttpResponse(preview.build(), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{preview.file_name()}"'
    return response


TEMPLATE_COLUMNS = [
    Column("eleve_id", "Identifiant SIECLE", 12),
    Column("ine", "INE", 13),
    Column("last_name", "Nom", 20),
    Column("first_name", "Prénom", 16),
    Column("division", "Classe", 8),
    Column("subject", "Discipline", 10),
    Column("subject_label", "Libellé de la discipline", 24),
    Column("teacher", "Enseignant", 12),
    Column("positioning", "Positionnement", 10),
    Column("average", "Moyenne", 8),
    Column("not_graded", "Non noté", 8),
    Column("appreciation", "Appréciation", 40),
    Column("advice", "Acquis et conseils", 50),
    Column("late", "Retards", 8),
    Column("justified", "Absences justifiées", 10),
    Column("unjustified", "Absences injustifiées", 10),
    Column("missed_hours", "Heures manquées", 10),
    Column("life_comment", "Commentaire vie scolaire", 30),
]


def _template_rows(period: Period):
    levels = college_levels(period)
    students = present_students(period, levels)
    subjects_of: dict[int, list[Teaching]] = {}
    for teaching in (
        Teaching.objects.filter(division__level__in=levels)
        .select_related("subject", "staff")
        .order_by("subject__code", "pk")
    ):
        if teaching.subject is not None:
            subjects_of.setdefault(teaching.division_id, []).append(teaching)
    reports = {
        report.student_id: report
        for report in LsuReport.objects.filter(period=period).prefetch_related(
            "assessments__subject", "assessments__staff"
        )
    }
    for student in students:
        report = reports.get(student.pk)
        assessed = {a.subject_id: a for a in report.assessments.all()} if report else {}
        per_student = {
            "advice": (report.advice or None) if report else None,
            "late": report.late if report else None,
            "justified": report.justified_absences if report else None,
            "unjustified": report.unjustified_absences if report else None,
            "missed_hours": report.missed_hours if report else None,
            "life_comment": (report.school_life_comment or None) if report else None,
        }
        rows = []
        seen = set()
        for teaching in subjects_of.get(student.division_id, []):
            if teaching.subject_id in seen:
                continue
            seen.add(teaching.subject_id)
            rows.append((teaching.subject, teaching.staff, assessed.get(teaching.subject_id)))
        for subject_id, assessment in assessed.items():
            if subject_id not in seen:
                rows.append((assessment.subject, assessment.staff, assessment))
        if not rows:
            rows.append((None, None, None))
        for index, (subject, staff, assessment) in enumerate(rows):
            if assessment is not None:
                staff = assessment.staff
            yield {
                "eleve_id": student.siecle_id or None,
                "ine": student.ine or None,
                "last_name": student.last_name,
                "first_name": student.first_name,
                "division": student.division.code if student.division else None,
                "subject": subject.code if subject else None,
                "subject_label": subject.label if subject else None,
                "teacher": (staff.sts_id or f"{staff.last_name} {staff.first_name}")
                if staff
                else None,
                "positioning": assessment.positioning if assessment else None,
                "average": (assessment.average or None) if assessment else None,
                "not_graded": ("oui" if assessment.not_graded else None) if assessment else None,
                "appreciation": (assessment.appreciation or None) if assessment else None,
                **(per_student if index == 0 else {}),
            }


@login_required
def lsu_template(request):
    """The spreadsheet to fill in: every student with the subjects taught in their class,
    and what appui already holds (so it also exports the imported data)."""
    school = _head_school(request)
    export_format = _export_format(request)
    period = _period(request, lsu_period_choices(school))
    if period is None:
        raise PermissionDenied
    exporter = RowsExporter(f"Bilans LSU {period.name}", TEMPLATE_COLUMNS, _template_rows(period))
    return _stream(exporter, export_format)
