"""The batches of PDFs built by background jobs: the letters of a division, the attendance
sheets of a published plan, kept as the job's file and downloaded from the job's page."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from appui.jobs.models import Job, JobFile
from appui.planning import services
from appui.reports.tasks import division_letters
from appui.schools.tests import factories as f

pytestmark = pytest.mark.django_db


def pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


@pytest.fixture
def three_pupils(world):
    """Division 2A: Léa (one legal guardian), Zoé and Paul (no guardian on record)."""
    f.StudentFactory(division=world.division, last_name="Petit", first_name="Paul")
    return world.division


def start_letters(client, division, capture, *, execute=True):
    with capture(execute=execute) as callbacks:
        response = client.post(reverse("reports:division-letters", args=[division.pk]))
    return response, callbacks


class TestDivisionLetters:
    def test_a_double_post_starts_one_job(
        self, world, three_pupils, login, django_capture_on_commit_callbacks
    ):
        client = login(world.users["coordinator"])
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            first = client.post(reverse("reports:division-letters", args=[world.division.pk]))
            second = client.post(reverse("reports:division-letters", args=[world.division.pk]))
        job = Job.objects.get(kind="reports.letters")
        assert first.status_code == second.status_code == 302
        assert first["Location"] == second["Location"] == reverse("jobs:job-detail", args=[job.pk])
        assert len(callbacks) == 1 and job.status == Job.Status.QUEUED
        assert job.title == "Lettres aux familles — 2A" and job.school == world.school

    def test_the_job_prints_one_letter_per_pupil_in_one_pdf(
        self, world, three_pupils, login, django_capture_on_commit_callbacks
    ):
        client = login(world.users["coordinator"])
        response, _ = start_letters(client, world.division, django_capture_on_commit_callbacks)
        job = Job.objects.get(kind="reports.letters")
        assert (job.status, job.done, job.total) == (Job.Status.DONE, 3, 3)
        assert job.result_summary == "3 lettres"
        assert job.result_url == reverse("schools:division-detail", args=[world.division.pk])
        stored = JobFile.objects.get(job=job)
        assert stored.name == "lettres-familles-2a.pdf" and stored.size == len(stored.content)
        texts = pages(bytes(stored.content))
        assert len(texts) == 3  # one page per pupil, alphabetical: Hélène, Martin, Petit
        assert ["Zoé" in texts[0], "Léa" in texts[1], "Paul" in texts[2]] == [True] * 3
        # A second delivery of the finished job does nothing.
        assert division_letters.call(world.division.pk, job_id=job.pk) == "skipped"
        page = client.get(response["Location"]).content.decode()
        download = reverse("jobs:job-file", args=[job.pk])
        assert f'href="{download}"' in page and "Télécharger" in page
        file = client.get(download)
        assert file.status_code == 200 and file["Content-Type"] == "application/pdf"
        assert file["Content-Disposition"] == 'attachment; filename="lettres-familles-2a.pdf"'
        assert file.content == bytes(stored.content)

    def test_the_download_is_refused_to_other_schools_and_to_pupils(
        self, world, three_pupils, login, django_capture_on_commit_callbacks
    ):
        start_letters(
            login(world.users["coordinator"]), world.division, django_capture_on_commit_callbacks
        )
        job = Job.objects.get(kind="reports.letters", status=Job.Status.DONE)
        download = reverse("jobs:job-file", args=[job.pk])
        for name in ("outsider", "student", "guardian", "teacher"):
            assert login(world.users[name]).get(download).status_code == 404, name
        assert login(world.users["head"]).get(download).status_code == 200

    def test_teachers_and_pupils_cannot_start_the_batch(
        self, world, three_pupils, login, django_capture_on_commit_callbacks
    ):
        for name, status in (("teacher", 403), ("student", 403), ("outsider", 404)):
            response, callbacks = start_letters(
                login(world.users[name]), world.division, django_capture_on_commit_callbacks
            )
            assert response.status_code == status, name
        assert not Job.objects.exists()

    def test_the_division_page_offers_the_batch_to_coordinators_only(self, world, login):
        url = reverse("schools:division-detail", args=[world.division.pk])
        start = reverse("reports:division-letters", args=[world.division.pk])
        assert start in login(world.users["coordinator"]).get(url).content.decode()
        assert start not in login(world.users["teacher"]).get(url).content.decode()


@pytest.fixture
def published(world, planning, django_capture_on_commit_callbacks):
    plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_solve(plan=plan)
    plan.refresh_from_db()
    services.plan_publish(plan=plan, user=None)
    plan.refresh_from_db()
    return plan


class TestAttendanceSheets:
    def test_one_pdf_with_the_sheet_of_every_group(
        self, world, planning, published, login, django_capture_on_commit_callbacks
    ):
        client = login(world.users["coordinator"])
        assert (
            reverse("reports:plan-attendance-sheets", args=[published.pk])
            in client.get(reverse("planning:plan-detail", args=[published.pk])).content.decode()
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("reports:plan-attendance-sheets", args=[published.pk]))
        job = Job.objects.get(kind="reports.attendance")
        assert response["Location"] == reverse("jobs:job-detail", args=[job.pk])
        groups = published.groups.count()
        assert groups >= 1 and job.status == Job.Status.DONE
        assert job.result_summary.startswith(f"{groups} feuille")
        texts = pages(bytes(JobFile.objects.get(job=job).content))
        assert len(texts) == groups
        assert all("Feuille d'émargement" in text for text in texts)
        assert any("MARTIN" in text for text in texts)

    def test_a_plan_not_published_has_no_batch(
        self, world, planning, login, django_capture_on_commit_callbacks
    ):
        plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
        with django_capture_on_commit_callbacks(execute=True):
            response = login(world.users["coordinator"]).post(
                reverse("reports:plan-attendance-sheets", args=[plan.pk])
            )
        assert response["Location"] == reverse("planning:plan-detail", args=[plan.pk])
        assert not Job.objects.filter(kind="reports.attendance").exists()
