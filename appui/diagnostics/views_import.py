"""Import of diagnostic results from CSV, XLSX or ODS: upload, preview, confirm.

The head and the level's coordinators import (``get_managed_campaign_for``). The upload
keeps the file and shows its preview; nothing reaches the results until the preview is
confirmed, and confirming a file with invalid rows needs « ignorer les lignes en erreur ».
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appui.core.io.tabular import ExportFormat, iter_csv

from . import imports
from .access import get_managed_campaign_for
from .models import ResultImport
from .selectors import campaign_competencies


class ResultsFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Results file"),
        help_text=gettext_lazy(
            "CSV (separated by ; or ,), Excel (.xlsx) or LibreOffice (.ods), one row per "
            "student, column headers on the first row."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.txt,.xlsx,.ods,text/csv,application/vnd.ms-excel",
                "aria-describedby": "file-help",
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.")
                % {"size": imports.MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class ConfirmForm(forms.Form):
    skip_invalid = forms.BooleanField(label=gettext_lazy("Skip the rows in error"), required=False)


@login_required
def import_upload(request, pk: int):
    campaign, _access = get_managed_campaign_for(request, pk)
    if request.GET.get("modele"):
        return _template_download(campaign)
    form = ResultsFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = imports.results_import_preview(
                campaign=campaign, upload=form.cleaned_data["file"], user=request.user
            )
        except imports.ImportRefused as refused:
            form.add_error(None, refused.messages)
        else:
            return redirect("diagnostics:results-import-preview", campaign.pk, batch.pk)
    return render(
        request,
        "diagnostics/import_upload.html",
        {
            "campaign": campaign,
            "form": form,
            "competencies": campaign_competencies(campaign),
            "imports": campaign.imports.select_related("uploaded_by")[:5],
        },
    )


@login_required
def import_preview(request, pk: int, batch_pk: int):
    campaign, _access = get_managed_campaign_for(request, pk)
    batch = get_object_or_404(ResultImport, pk=batch_pk, campaign=campaign)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST":
        if "cancel" in request.POST:
            return _cancel(request, batch)
        if form.is_valid():
            try:
                outcome = imports.results_import_apply(
                    batch=batch, user=request.user, skip_invalid=form.cleaned_data["skip_invalid"]
                )
            except imports.ImportRefused as refused:
                form.add_error(None, refused.messages)
            else:
                messages.success(
                    request,
                    _(
                        "Import applied. Results created: %(created)s; changed: %(changed)s; "
                        "unchanged: %(unchanged)s; rows skipped: %(skipped)s."
                    )
                    % {
                        "created": outcome.created,
                        "changed": outcome.changed,
                        "unchanged": outcome.unchanged,
                        "skipped": outcome.skipped_rows,
                    },
                )
                return redirect("diagnostics:results-import-preview", campaign.pk, batch.pk)
    summary = batch.summary or {}
    counts = summary.get("counts", {})
    return render(
        request,
        "diagnostics/import_preview.html",
        {
            "campaign": campaign,
            "batch": batch,
            "summary": summary,
            "counts": counts,
            "applied": summary.get("applied"),
            "form": form,
            "can_confirm": batch.status == ResultImport.Status.PREVIEWED
            and not summary.get("blocked")
            and campaign.is_open,
            "has_errors": bool(counts.get("error_rows")),
            "more_rows": max(
                0, summary.get("detailed_row_count", 0) - len(summary.get("rows", []))
            ),
            "more_issues": max(0, summary.get("issue_count", 0) - len(summary.get("issues", []))),
        },
    )


def _cancel(request, batch: ResultImport):
    try:
        imports.results_import_cancel(batch=batch)
    except imports.ImportRefused as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("diagnostics:results-import-preview", batch.campaign_id, batch.pk)
    messages.info(request, _("Import cancelled: nothing was recorded."))
    return redirect("diagnostics:campaign-detail", batch.campaign_id)


def _template_download(campaign) -> StreamingHttpResponse:
    """The campaign's students in a CSV for French Excel (;, UTF-8 with BOM), ready to fill."""
    exporter = imports.ResultsTemplateExporter(campaign)
    response = StreamingHttpResponse(iter_csv(exporter), content_type=ExportFormat.CSV.content_type)
    file_name = exporter.file_name(ExportFormat.CSV)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
