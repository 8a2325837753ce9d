"""The campaign page's links into the one import flow, and the results template.

Uploading, previewing and confirming a results file is the ``results`` kind of the imports
(``/imports/resultats/``, :mod:`appui.interop`); these addresses, linked from the campaign
page and from earlier bookmarks, check the campaign and lead there. The template download
stays here: it is the campaign's file.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from appui.core.io.tabular import ExportFormat, iter_csv

from .access import get_managed_campaign_for
from .imports import ResultsExporter


@login_required
def import_upload(request, pk: int):
    campaign, _access = get_managed_campaign_for(request, pk)
    if request.GET.get("modele"):
        return _template_download(campaign)
    query = urlencode({"campagne": campaign.pk})
    return redirect(f"{reverse('interop:import-upload', args=['resultats'])}?{query}")


@login_required
def import_preview(request, pk: int, batch_pk: int):
    campaign, _access = get_managed_campaign_for(request, pk)
    if not campaign.imports.filter(pk=batch_pk).exists():
        raise Http404
    return redirect("interop:import-preview", batch_pk)


def _template_download(campaign) -> StreamingHttpResponse:
    """The campaign's students in a CSV for French Excel (;, UTF-8 with BOM), ready to fill."""
    exporter = ResultsExporter.template(campaign)
    response = StreamingHttpResponse(iter_csv(exporter), content_type=ExportFormat.CSV.content_type)
    file_name = exporter.file_name(ExportFormat.CSV)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
