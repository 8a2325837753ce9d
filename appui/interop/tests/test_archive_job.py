"""The year's archive: every list of the exports page in one zip, written by a job for the
head and downloaded from the job's page."""

import csv
import datetime
import io
import zipfile

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from appui.diagnostics import services as diagnostics
from appui.diagnostics.models import Campaign
from appui.followup.services import sessions_generate_for_plan
from appui.interop.tasks_exports import year_archive
from appui.jobs.models import Job, JobFile
from appui.planning import services as planning_services
from appui.schools.models import Membership
from appui.schools.tests import factories as f

pytestmark = pytest.mark.django_db

ARCHIVE = reverse("interop:year-archive")
TODAY = datetime.datetime(2026, 9, 20, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def september():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def year_data(world, planning, django_capture_on_commit_callbacks):
    """Level 2PRO: a published plan with its sessions, and a campaign with two results."""
    plan = planning_services.plan_for_editing(
        level=world.level, period=planning["period"], user=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        planning_services.plan_solve(plan=plan)
    plan.refresh_from_db()
    planning_services.plan_publish(plan=plan, user=None)
    plan.refresh_from_db()
    sessions_generate_for_plan(plan=plan, today=datetime.date(2026, 9, 1))
    framework = diagnostics.framework_install_default(school=world.school)
    campaign = diagnostics.campaign_create(
        level=world.level,
        period=planning["period"],
        kind=Campaign.Kind.SEPTEMBER_REVIEW,
        name="Bilan de rentrée",
        date=datetime.date(2026, 9, 15),
        framework=framework,
        competencies=list(framework.competencies.filter(code__in=["FR.LEC"])),
    )
    campaign = diagnostics.campaign_set_state(campaign=campaign, state=Campaign.State.OPEN)
    diagnostics.result_set(
        campaign=campaign,
        student=world.student,
        competency=campaign.competencies.get(code="FR.LEC"),
        text="3",
        user=world.users["head"],
    )
    return {"plan": plan, "campaign": campaign}


def start(client, capture, export_format="xlsx", *, execute=True):
    with capture(execute=execute) as callbacks:
        response = client.post(ARCHIVE, {"format": export_format})
    return response, callbacks


def stored_zip(job: Job) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(bytes(JobFile.objects.get(job=job).content)))


def expected_names(world, extension: str) -> list[str]:
    return [
        f"eleves.{extension}",
        f"personnels.{extension}",
        f"groupes/groupes-2pro-periode-1-v1.{extension}",
        f"presences/presences-2pro-periode-1.{extension}",
        f"heures/heures-ap-{world.year.label}.{extension}",
        f"heures/heures-2pro-classes.{extension}",
        f"heures/heures-2pro-eleves.{extension}",
        f"heures/heures-1pro-classes.{extension}",
        f"heures/heures-1pro-eleves.{extension}",
        f"resultats/resultats-bilan-de-rentree.{extension}",
    ]


class TestStart:
    def test_a_double_post_starts_one_job(self, world, login, django_capture_on_commit_callbacks):
        client = login(world.users["head"])
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            first = client.post(ARCHIVE, {"format": "csv"})
            second = client.post(ARCHIVE, {"format": "csv"})
        job = Job.objects.get(kind="interop.archive")
        assert first.status_code == second.status_code == 302
        assert first["Location"] == second["Location"] == reverse("jobs:job-detail", args=[job.pk])
        assert len(callbacks) == 1 and job.status == Job.Status.QUEUED
        assert job.school == world.school and job.started_by == world.users["head"]
        assert job.title == f"Archive de l'année {world.year.label} (CSV)"
        assert job.key == f"interop.archive:{world.school.pk}:{world.year.pk}:csv:2026-09-20"

    def test_an_unknown_format_or_a_get_starts_nothing(self, world, login):
        client = login(world.users["head"])
        assert client.post(ARCHIVE, {"format": "pdf"}).status_code == 404
        assert client.get(ARCHIVE).status_code == 405
        assert not Job.objects.exists()

    @pytest.mark.parametrize(
        "name", ["coordinator", "level_coordinator", "teacher", "student", "academy", "outsider"]
    )
    def test_only_the_head_may_start_it(
        self, world, login, name, django_capture_on_commit_callbacks
    ):
        response, _ = start(login(world.users[name]), django_capture_on_commit_callbacks)
        assert response.status_code == 403
        assert not Job.objects.exists()

    def test_the_button_shows_for_the_head_only(self, world, login):
        page = reverse("interop:export-home")
        assert ARCHIVE in login(world.users["head"]).get(page).content.decode()
        for name in ("coordinator", "teacher"):
            assert ARCHIVE not in login(world.users[name]).get(page).content.decode(), name


class TestArchive:
    def test_the_zip_holds_every_list_as_a_workbook(
        self, world, year_data, login, django_capture_on_commit_callbacks
    ):
        client = login(world.users["head"])
        start(client, django_capture_on_commit_callbacks, "xlsx")
        job = Job.objects.get(kind="interop.archive")
        assert job.status == Job.Status.DONE, job.error
        assert job.result_summary == "10 fichiers" and (job.done, job.total) == (10, 10)
        assert job.result_url == reverse("interop:export-home")
        archive = stored_zip(job)
        assert archive.namelist() == expected_names(world, "xlsx")
        sheets = {}
        for name in archive.namelist():
            book = load_workbook(io.BytesIO(archive.read(name)), read_only=True)
            sheets[name] = [list(row) for row in book.active.iter_rows(values_only=True)]
        students = sheets["eleves.xlsx"]
        assert students[0][:4] == ["Identifiant SIECLE", "INE", "Nom", "Prénom"]
        assert {row[2] for row in students[1:]} == {"Martin", "Hélène", "Durand"}  # not school B
        assert any("Martin" in row for row in sheets["groupes/groupes-2pro-periode-1-v1.xlsx"])
        assert len(sheets["presences/presences-2pro-periode-1.xlsx"]) > 1
        results = sheets["resultats/resultats-bilan-de-rentree.xlsx"]
        assert results[0][-1] == "FR.LEC" and ["Martin", 3] in [[r[1], r[-1]] for r in results]
        # A second delivery of the finished job does nothing.
        assert year_archive.call(world.school.pk, world.year.pk, "xlsx", 0, job_id=job.pk) == (
            "skipped"
        )
        download = client.get(reverse("jobs:job-file", args=[job.pk]))
        assert download.status_code == 200 and download["Content-Type"] == "application/zip"
        assert f'filename="archive-{world.year.label}-xlsx.zip"' in download["Content-Disposition"]

    def test_in_csv_each_file_parses(
        self, world, year_data, login, django_capture_on_commit_callbacks
    ):
        start(login(world.users["head"]), django_capture_on_commit_callbacks, "csv")
        job = Job.objects.get(kind="interop.archive")
        archive = stored_zip(job)
        assert archive.namelist() == expected_names(world, "csv")
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(text), delimiter=";"))
            assert rows and len(set(map(len, rows))) == 1, name  # a header, rectangular
        staff = archive.read("personnels.csv").decode("utf-8-sig")
        assert "Coord;Anne" in staff

    def test_a_new_ask_once_finished_builds_a_new_archive(
        self, world, login, django_capture_on_commit_callbacks
    ):
        client = login(world.users["head"])
        start(client, django_capture_on_commit_callbacks, "ods")
        start(client, django_capture_on_commit_callbacks, "ods")
        jobs = Job.objects.filter(kind="interop.archive", status=Job.Status.DONE)
        assert jobs.count() == 2
        # No plan, campaign nor session: the students, the staff and the hours.
        names = stored_zip(jobs.first()).namelist()
        assert names == [n for n in expected_names(world, "ods") if "heures" in n or "/" not in n]
        assert jobs.first().result_summary == "7 fichiers"

    def test_another_school_s_head_cannot_download_it(
        self, world, login, django_capture_on_commit_callbacks
    ):
        start(login(world.users["head"]), django_capture_on_commit_callbacks)
        job = Job.objects.get(kind="interop.archive", status=Job.Status.DONE)
        other_head = f.UserFactory(username="other_head")
        f.MembershipFactory(user=other_head, school=world.other_school, role=Membership.Role.HEAD)
        download = reverse("jobs:job-file", args=[job.pk])
        assert login(other_head).get(download).status_code == 404
        for name in ("teacher", "outsider", "level_coordinator"):
            assert login(world.users[name]).get(download).status_code == 404, name

    def test_a_head_who_left_before_it_ran_gets_a_failed_job_and_no_file(
        self, world, login, django_capture_on_commit_callbacks
    ):
        response, callbacks = start(
            login(world.users["head"]), django_capture_on_commit_callbacks, execute=False
        )
        Membership.objects.filter(user=world.users["head"], role=Membership.Role.HEAD).delete()
        for callback in callbacks:
            callback()
        job = Job.objects.get(kind="interop.archive")
        assert job.status == Job.Status.FAILED and job.attempts == 1
        assert job.error == "Seul le chef d'établissement peut télécharger l'archive de l'année."
        assert not JobFile.objects.filter(job=job).exists()
