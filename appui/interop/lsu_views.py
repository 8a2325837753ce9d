"""The LSU export page: settings, class councils, what is missing, the file and its template.

Only the head of school exports to the LSU (they sign the reports), as only they import.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appui.schools.access import school_access
from appui.schools.form_saving import save_form
from appui.schools.models import Division, Period

from .access import is_head
from .exporters import LsuTemplateExporter
from .forms import LsuSettingsForm
from .lsu import (
    college_levels,
    default_period,
    kept_lsu_preview,
    lsu_period_choices,
    lsu_preview,
    settings_for,
)
from .models import LsuCouncil
from .services import lsu_settings_save, lsu_settings_version
from .views import _export_format, _int_or_none, _stream

#: Gaps shown on the page (grouped by what they concern); the command prints them all.
MAX_GAP_SUBJECTS = 60


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
    school = school_access(request, is_head).school
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
    form.fields["version"].initial = lsu_settings_version(period)
    council_errors: dict[int, str] = {}
    if request.method == "POST":
        values, council_errors = _read_councils(request, divisions)
        if not council_errors and save_form(
            request,
            form,
            lambda: lsu_settings_save(
                form=form, period=period, councils=values, version=form.cleaned_data["version"]
            ),
            _("LSU settings saved."),
        ):
            return redirect(_page_url(period))
    preview = kept_lsu_preview(school, period, timezone.localdate())
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
            "missing_reports": preview.missing_reports,
        },
    )


@login_required
def lsu_download(request):
    school = school_access(request, is_head).school
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


@login_required
def lsu_template(request):
    """The spreadsheet to fill in: every student with the subjects taught in their class,
    and what appui already holds (so it also exports the imported data)."""
    school = school_access(request, is_head).school
    export_format = _export_format(request)
    period = _period(request, lsu_period_choices(school))
    if period is None:
        raise PermissionDenied
    return _stream(LsuTemplateExporter(period), export_format)
