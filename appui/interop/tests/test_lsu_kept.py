"""The LSU page keeps its preview (``appui.schools.computed``) while the school's records and
the day stay the same: every record the preview reads bumps the school's version, so a
change shows at the next view. The download never uses a kept preview."""

import datetime
import html
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags
from lxml import etree

from appui.core.io.lsu import LSU_NAMESPACE
from appui.followup.models import StageReview
from appui.interop.models import LsuCouncil, LsuReport
from appui.schools.models import Subject

from .test_lsu import _complete, college  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

COUNCIL_MISSING = "la date du conseil de classe de la période manque"
ADVICE_MISSING = "le texte « acquis et conseils pour progresser » manque"
WITHOUT_REVIEW = "sans bilan d'étape validé"
READY = "Tout ce que le LSU exige est là"


@pytest.fixture(autouse=True)
def clock(time_machine):
    """The kept preview is keyed by the day: every view of a test falls on the same day."""
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    time_machine.move_to(datetime.datetime(2026, 11, 24, 10, tzinfo=paris), tick=False)


def view(client, period) -> tuple[str, int]:
    """The page's text (without its tags and the form's token) and its number of queries."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("interop:lsu"), {"periode": period.pk})
    assert response.status_code == 200
    return html.unescape(strip_tags(response.content.decode())), len(queries)


def test_the_page_reads_its_preview_back_until_a_record_it_shows_changes(
    client,
    login,
    world,
    college,  # noqa: F811
):
    period = college["period"]
    login(world.users["head"])
    first, computed = view(client, period)
    again, read_back = view(client, period)
    # The same page (the form's token aside), from fewer queries.
    assert again == first and read_back < computed
    assert COUNCIL_MISSING in first and ADVICE_MISSING in first and WITHOUT_REVIEW in first

    # A council date, a report's data, a validated review: each shows at the next view.
    LsuCouncil.objects.create(
        period=period, division=world.division, date=datetime.date(2026, 10, 14)
    )
    page, _ = view(client, period)
    assert COUNCIL_MISSING not in page and ADVICE_MISSING in page

    for student in (world.student, world.classmate):
        LsuReport.objects.create(student=student, period=period, advice="Bon début d'année.")
    page, _ = view(client, period)
    assert ADVICE_MISSING not in page

    for student in (world.student, world.classmate):
        StageReview.objects.create(
            student=student,
            period=period,
            status=StageReview.Status.VALIDATED,
            comment="Progrès nets en lecture.",
        )
    page, _ = view(client, period)
    assert WITHOUT_REVIEW not in page


def test_a_subject_s_code_shows_at_the_next_view(client, login, world, college):  # noqa: F811
    """The disciplines come from the staff's subjects: a code emptied is a gap at once."""
    _complete(world, college)
    login(world.users["head"])
    page, _ = view(client, college["period"])
    assert READY in page
    french = college["french"]
    french.code = ""
    french.save()
    assert Subject.objects.get(pk=french.pk).code == ""
    page, _ = view(client, college["period"])
    assert READY not in page


def test_the_next_day_computes_the_preview_again(client, login, world, college, time_machine):  # noqa: F811
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    time_machine.move_to(datetime.datetime(2026, 11, 24, 23, 50, tzinfo=paris), tick=False)
    period = college["period"]
    login(world.users["head"])
    _page, computed = view(client, period)
    _page, read_back = view(client, period)
    assert read_back < computed
    time_machine.move_to(datetime.datetime(2026, 11, 25, 0, 10, tzinfo=paris), tick=False)
    _page, next_day = view(client, period)
    # Computed again (the session's last activity is written too: at least as many queries).
    assert next_day >= computed > read_back


def test_the_download_builds_from_the_records_not_from_the_kept_preview(
    client,
    login,
    world,
    college,  # noqa: F811
):
    _complete(world, college)
    login(world.users["head"])
    page, _ = view(client, college["period"])
    assert READY in page
    # A write that bypasses the model signals (no version bump) still reaches the file.
    LsuReport.objects.filter(student=world.student).update(advice="Écrit après la vue.")
    response = client.get(reverse("interop:lsu-download"), {"periode": college["period"].pk})
    assert response.status_code == 200
    tree = etree.fromstring(response.content)
    advice = tree.xpath("//l:acquis-conseils/text()", namespaces={"l": LSU_NAMESPACE})
    assert "Écrit après la vue." in advice
