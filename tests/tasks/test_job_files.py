"""A job's file (``JobFile``): stored by the task, downloaded from the job's page by whoever
may follow the job, emptied after ``JOBS_FILE_DAYS`` days."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from appui.jobs.files import purge_job_files, store_job_file
from appui.jobs.models import Job, JobFile

from .test_jobs import a_job

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2027, 1, 4, 9, tzinfo=dt.UTC)


def a_done_job(world, content=b"%PDF-1.7 test") -> Job:
    job = a_job(world, status="done", finished_at=timezone.now(), result_summary="2 lettres")
    store_job_file(job.pk, name="lettres-2a.pdf", content_type="application/pdf", content=content)
    return job


def test_storing_again_replaces_the_file(world):
    job = a_done_job(world)
    store_job_file(job.pk, name="autre.pdf", content_type="application/pdf", content=b"abc")
    stored = JobFile.objects.get(job=job)
    assert (stored.name, bytes(stored.content), stored.size) == ("autre.pdf", b"abc", 3)
    store_job_file(None, name="x", content_type="text/plain", content=b"x")  # no job: nothing
    assert JobFile.objects.count() == 1


def test_the_list_links_the_file_of_a_finished_job(world, login):
    job = a_done_job(world)
    a_job(world, title="Sans fichier", status="done", result_summary="Rien")
    html = login(world.users["coordinator"]).get(reverse("jobs:job-list")).content.decode()
    assert f'href="{reverse("jobs:job-file", args=[job.pk])}" download>2 lettres' in html
    assert "Rien" in html


def test_an_unfinished_job_serves_no_file(world, login):
    job = a_done_job(world)
    Job.objects.filter(pk=job.pk).update(status="running", heartbeat_at=timezone.now())
    client = login(world.users["coordinator"])
    assert client.get(reverse("jobs:job-file", args=[job.pk])).status_code == 404
    assert (
        "Télécharger" not in client.get(reverse("jobs:job-detail", args=[job.pk])).content.decode()
    )


@pytest.mark.parametrize("name", ["teacher", "student", "outsider", "level_coordinator"])
def test_only_those_who_follow_the_job_download_it(world, login, name):
    job = a_done_job(world)
    assert login(world.users[name]).get(reverse("jobs:job-file", args=[job.pk])).status_code == 404


def test_files_older_than_the_setting_are_emptied(world, login, settings):
    settings.JOBS_FILE_DAYS = 7
    with time_machine.travel(MONDAY, tick=False):
        old = a_done_job(world, content=b"x" * 1000)
    with time_machine.travel(MONDAY + dt.timedelta(days=2), tick=False):
        recent = a_done_job(world)
    with time_machine.travel(MONDAY + dt.timedelta(days=7, hours=1), tick=False):
        done = purge_job_files()
    assert (done.files, done.size) == (1, 1000)
    gone, kept = JobFile.objects.get(job=old), JobFile.objects.get(job=recent)
    assert bytes(gone.content) == b"" and gone.removed_at is not None and gone.size == 1000
    assert kept.is_available and bytes(kept.content) == b"%PDF-1.7 test"

    client = login(world.users["coordinator"])
    assert client.get(reverse("jobs:job-file", args=[old.pk])).status_code == 404
    page = client.get(reverse("jobs:job-detail", args=[old.pk])).content.decode()
    assert "Le fichier a été supprimé au bout de 7 jours" in page and "Télécharger" not in page
    page = client.get(reverse("jobs:job-detail", args=[recent.pk])).content.decode()
    assert "Télécharger" in page and "Le fichier est conservé 7 jours." in page


def test_the_command_purges_and_simulates(world):
    with time_machine.travel(MONDAY, tick=False):
        job = a_done_job(world, content=b"x" * 2_500_000)
    out = StringIO()
    with time_machine.travel(MONDAY + dt.timedelta(days=4), tick=False):
        call_command("purge_job_files", "--days", "3", "--dry-run", stdout=out)
        assert JobFile.objects.get(job=job).is_available
        call_command("purge_job_files", "--days", "3", stdout=out)
    text = out.getvalue()
    assert "plus de 3 jours à vider : 1, 2.5 Mo. Simulation" in text
    assert "Fait : 1 fichier de tâches vidé (2.5 Mo)." in text
    assert not JobFile.objects.get(job=job).is_available
