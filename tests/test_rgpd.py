"""Data rights (docs/rgpd.md): the head's export of everything about one pupil (JSON, PDF), and
the retention purge (``manage.py purge``) on a pinned clock."""

import datetime
import json
import zoneinfo
from io import StringIO

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from appui.audit import trail
from appui.diagnostics import services as diagnostics
from appui.diagnostics.models import Observation
from appui.interop.models import ImportBatch
from appui.interop.retention import ANONYMOUS, purge_plan
from appui.schools import services as schools
from appui.schools.models import Enrolment, Guardian, SchoolYear, Student

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TODAY = datetime.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(datetime.datetime.combine(TODAY, datetime.time(10), PARIS), tick=False)


def _restricted_note(student):
    return diagnostics.observation_create(
        student=student,
        author=None,
        date=datetime.date(2026, 10, 1),
        signal=Observation.Signal.DIFFICULTY,
        note="Suivi par l'assistante sociale",
        restricted=True,
    )


# ------------------------------------------------------------------------------ export


def test_the_head_downloads_everything_as_json_and_the_download_is_recorded(world, login):
    note = _restricted_note(world.student)
    client = login(world.users["head"])
    response = client.get(reverse("interop:student-data-json", args=[world.student.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["identity"]["last_name"] == "Martin"
    assert data["observations"][0]["restricted"] is True
    reads = trail.entries_for(world.student.pk).filter(action=LogEntry.Action.ACCESS)
    assert {(e.content_type.model, e.object_id) for e in reads} == {
        ("student", world.student.pk),
        ("observation", note.pk),
    }
    assert all(e.actor == world.users["head"] for e in reads)


def test_the_pdf_holds_the_same_sections_in_french(world, login):
    _restricted_note(world.student)
    client = login(world.users["head"])
    url = reverse("interop:student-data-pdf", args=[world.student.pk])
    html = client.get(url + "?format=html").content.decode()
    assert "Martin".upper() in html
    assert "Suivi par l&#x27;assistante sociale" in html or "Suivi par l'assistante" in html
    assert "Responsables" in html or "Guardians" in html
    pdf = client.get(url)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Cache-Control"] == "no-store"


def test_the_data_page_lists_the_sections_and_links_the_downloads(world, login):
    client = login(world.users["head"])
    html = client.get(reverse("interop:student-data", args=[world.student.pk])).content.decode()
    assert reverse("interop:student-data-json", args=[world.student.pk]) in html
    assert reverse("interop:student-data-pdf", args=[world.student.pk]) in html


@pytest.mark.parametrize("name", ["student-data", "student-data-json", "student-data-pdf"])
@pytest.mark.parametrize("role", ["teacher", "coordinator", "guardian"])
def test_other_roles_are_refused(world, login, name, role):
    client = login(world.users[role])
    assert client.get(reverse(f"interop:{name}", args=[world.student.pk])).status_code == 403


def test_a_pupil_of_another_school_is_not_found(world, login):
    client = login(world.users["head"])
    url = reverse("interop:student-data-json", args=[world.foreign_student.pk])
    assert client.get(url).status_code == 404


# ------------------------------------------------------------------------------ purge


@pytest.fixture
def leaver(world):
    """Martin left at the end of 2023-2024 (more than a year ago); the others are here."""
    past = SchoolYear.objects.create(
        school=world.school,
        start_year=2023,
        start_date=datetime.date(2023, 9, 1),
        end_date=datetime.date(2024, 7, 5),
    )
    student = world.student
    Enrolment.objects.filter(student=student).delete()
    Enrolment.objects.create(student=student, year=past, division=None)
    Student.objects.filter(pk=student.pk).update(division=None, exit_date=past.end_date)
    student.refresh_from_db()
    _restricted_note(student)
    with set_actor(world.users["head"]):
        schools.student_update(student=student, project="insertion")
    return student


@pytest.fixture
def uploads(world):
    old = ImportBatch.objects.create(
        school=world.school,
        kind="siecle",
        file_name="ElevesSansAdresses.zip",
        content=b"x" * 5000,
        status=ImportBatch.Status.APPLIED,
        applied_at=timezone.now() - datetime.timedelta(days=40),
        summary={"new": 3},
    )
    abandoned = ImportBatch.objects.create(
        school=world.school, kind="students", file_name="eleves.csv", content=b"y" * 100
    )
    ImportBatch.objects.filter(pk=abandoned.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    recent = ImportBatch.objects.create(
        school=world.school,
        kind="siecle",
        file_name="recent.zip",
        content=b"z" * 100,
        status=ImportBatch.Status.APPLIED,
        applied_at=timezone.now() - datetime.timedelta(days=2),
    )
    return old, abandoned, recent


def test_the_plan_names_the_leavers_and_old_uploads_only(world, leaver, uploads):
    old, abandoned, recent = uploads
    plan = purge_plan(years=1, days=30)
    assert [left.student for left in plan.pupils] == [leaver]
    assert plan.pupils[0].left_on == datetime.date(2024, 7, 5)
    assert {b.pk for b in plan.uploads} == {old.pk, abandoned.pk}
    assert plan.upload_bytes == 5100
    # Three years of retention: Martin stays.
    assert purge_plan(years=3, days=30).pupils == []


def test_the_dry_run_prints_the_plan_and_changes_nothing(world, leaver, uploads):
    entries_before = LogEntry.objects.count()
    out = StringIO()
    call_command("purge", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "à anonymiser : 1" in text
    assert "MARTIN Léa" in text
    assert "ElevesSansAdresses.zip" in text
    assert "Simulation" in text
    leaver.refresh_from_db()
    assert leaver.last_name == "Martin"
    assert Observation.objects.filter(student=leaver).exists()
    assert ImportBatch.objects.get(pk=uploads[0].pk).content == b"x" * 5000
    assert LogEntry.objects.count() == entries_before


def test_the_purge_anonymises_the_leaver_and_keeps_what_indicators_count(world, leaver, uploads):
    guardian = Guardian.objects.get(students=leaver)
    out = StringIO()
    call_command("purge", stdout=out)
    leaver.refresh_from_db()
    assert leaver.last_name == ANONYMOUS
    assert leaver.ine == "" and leaver.birth_date is None and leaver.user_id is None
    assert not Observation.objects.filter(student=leaver).exists()
    assert not Guardian.objects.filter(pk=guardian.pk).exists()  # Martin was their only child
    assert Enrolment.objects.filter(student=leaver).count() == 1  # the year still counts
    # The trail forgot the before/after values; one entry says the pupil was anonymised.
    [entry] = trail.entries_for(leaver.pk)
    assert "anonymis" in json.dumps(entry.changes, ensure_ascii=False)
    assert "Martin" not in json.dumps(entry.changes, ensure_ascii=False)
    # The others are untouched.
    world.classmate.refresh_from_db()
    assert world.classmate.last_name == "Hélène"
    # A second run has nothing left to do.
    assert purge_plan().pupils == []


def test_the_purge_empties_old_uploads_and_keeps_their_report(world, uploads):
    old, abandoned, recent = uploads
    call_command("purge", stdout=StringIO())
    old.refresh_from_db()
    abandoned.refresh_from_db()
    recent.refresh_from_db()
    assert bytes(old.content) == b"" and old.summary == {"new": 3}
    assert old.status == ImportBatch.Status.APPLIED
    assert bytes(abandoned.content) == b""
    assert abandoned.status == ImportBatch.Status.CANCELLED
    assert bytes(recent.content) == b"z" * 100


def test_the_purge_can_delete_instead(world, leaver):
    call_command("purge", "--delete", stdout=StringIO())
    assert not Student.objects.filter(pk=leaver.pk).exists()
    assert trail.entries_for(leaver.pk).count() == 0
