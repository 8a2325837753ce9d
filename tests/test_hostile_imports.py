"""Hostile files through every import, as the upload page runs them: refused, nothing written.

The core readers' bounds are tested in ``tests/core/io``; here each import kind's analysis
(the registry entry the upload page calls) meets the issue's two files and the other hostile
samples, and must refuse them with its French message and "Rien n'a été importé.", leaving
the database as it was. Time is bounded generously (an unbounded run takes minutes); the
figures are in ``bench/hostile.py``.
"""

from __future__ import annotations

import datetime
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appui.core.io import samples_hostile
from appui.interop import services
from appui.interop.models import ImportBatch
from appui.interop.plan import ImportRefused
from appui.schools.models import Student

GENEROUS_SECONDS = 20
SPREADSHEET_KINDS = ["students", "staff", "results", "lsu"]
XML_KINDS = ["siecle", "sts", "guardians"]
# Hostile only in what they claim: read (the claim ignored), then refused for their content.
READABLE = {
    "xlsx-dimension-A1:XFD1048576",
    "xlsx-100k-empty-cells-in-XFD",
    "xlsx-gap-to-row-1048576",
}


@pytest.fixture
def campaign(world):
    from appui.diagnostics import services as diagnostics
    from appui.diagnostics.models import Campaign
    from appui.schools.models import Period

    framework = diagnostics.framework_install_default(school=world.school)
    period = Period.objects.create(
        year=world.year,
        number=1,
        name="Période 1",
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 10, 16),
    )
    campaign = diagnostics.campaign_create(
        level=world.level,
        period=period,
        kind=Campaign.Kind.SEPTEMBER_REVIEW,
        name="Bilan de rentrée",
        date=datetime.date(2026, 9, 15),
        framework=framework,
        competencies=list(framework.competencies.filter(code__in=["FR.LEC", "MA.CAL"])),
    )
    diagnostics.campaign_set_state(campaign=campaign, state=Campaign.State.OPEN)
    return campaign


def analyse(kind: str, data: bytes, world, campaign) -> list[str]:
    """The refusal's messages; fails when the file is accepted or takes unbounded time.

    A results file is refused by a blocked preview listing the file's issue (its rows in
    error may otherwise be skipped), the other kinds by :class:`ImportRefused`.
    """
    options = {"campaign": campaign.pk} if kind == "results" else {}
    students = Student.objects.count()
    started = time.perf_counter()
    try:
        importer = services.analyse(
            kind, school=world.school, content=data, file_name="hostile", options=options
        )
    except ImportRefused as refused:
        messages = refused.messages
    else:
        assert kind == "results", "only a results file is refused by its preview"
        assert importer.plan.blocked
        messages = [str(issue) for issue in importer.plan.issues] + ["Rien n'a été importé."]
    assert time.perf_counter() - started < GENEROUS_SECONDS
    assert Student.objects.count() == students
    assert not ImportBatch.objects.exists()
    return messages


@pytest.mark.parametrize("kind", SPREADSHEET_KINDS)
@pytest.mark.parametrize(
    "sample", [name for name in samples_hostile.SPREADSHEETS if name not in READABLE]
)
def test_a_hostile_spreadsheet_is_refused_by_every_spreadsheet_import(
    world, campaign, kind, sample
):
    messages = analyse(kind, samples_hostile.SPREADSHEETS[sample](), world, campaign)
    assert messages[-1] == "Rien n'a été importé."
    assert "« hostile »" in messages[0]


@pytest.mark.parametrize("kind", SPREADSHEET_KINDS)
def test_the_workbook_claiming_a_whole_sheet_is_read_for_what_it_holds(world, campaign, kind):
    """Its claim is ignored; its three rows lack the columns of most imports."""
    data = samples_hostile.xlsx_claimed_dimension()
    options = {"campaign": campaign.pk} if kind == "results" else {}
    started = time.perf_counter()
    try:
        services.analyse(
            kind, school=world.school, content=data, file_name="e.xlsx", options=options
        )
    except ImportRefused as refused:
        assert refused.messages
    assert time.perf_counter() - started < GENEROUS_SECONDS
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("kind", XML_KINDS)
@pytest.mark.parametrize("sample", list(samples_hostile.XML_FILES))
def test_a_hostile_xml_file_is_refused_by_every_xml_import(world, campaign, kind, sample):
    messages = analyse(kind, samples_hostile.XML_FILES[sample](), world, campaign)
    assert messages[-1] == "Rien n'a été importé."


@pytest.mark.parametrize(
    ("slug", "name", "build"),
    [
        ("eleves", "eleves.ods", samples_hostile.ods_repeated_columns),
        ("personnels", "personnels.xlsx", samples_hostile.xlsx_million_empty_rows),
        ("bilans-lsu", "bilans.ods", samples_hostile.ods_repeated_rows),
    ],
)
def test_the_upload_page_shows_the_refusal_and_keeps_nothing(
    world, login, campaign, slug, name, build
):
    upload = SimpleUploadedFile(name, build(), content_type="application/octet-stream")
    period = campaign.period  # the LSU form asks for the reports' period
    response = login(world.users["head"]).post(
        reverse("interop:import-upload", args=[slug]), {"file": upload, "period": period.pk}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="refusal"' in body and name in body
    assert not ImportBatch.objects.exists()


def test_a_coordinator_s_hostile_results_file_is_refused_on_the_page(world, login, campaign):
    upload = SimpleUploadedFile(
        "resultats.ods", samples_hostile.ods_repeated_columns(), "application/octet-stream"
    )
    from appui.diagnostics.models import Result

    client = login(world.users["coordinator"])
    response = client.post(
        reverse("interop:import-upload", args=["resultats"]),
        {"file": upload, "campaign": campaign.pk},
        follow=True,
    )
    # A results file's problems are listed on its preview, which cannot be applied.
    assert response.status_code == 200
    assert "colonnes remplies" in response.content.decode()
    assert not Result.objects.exists()
