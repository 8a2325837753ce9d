"""Big imports applied by a background job: the rule, the confirmation, the task, the page.

The tests run the tasks with the immediate backend: ``start_job`` enqueues once the
transaction commits, so the confirmation runs inside ``django_capture_on_commit_callbacks``
(``execute=True`` runs the job at its end, ``execute=False`` leaves it queued).
"""

import datetime

import pytest
from django.urls import reverse

from appui.core.io.samples import fictitious_school
from appui.interop import services
from appui.interop.models import ImportBatch
from appui.interop.tasks import apply_import
from appui.jobs.models import Job
from appui.schools.models import Student

from .conftest import pupils, siecle_file

pytestmark = pytest.mark.django_db


def preview_url(batch):
    return reverse("interop:import-preview", args=[batch.pk])


@pytest.fixture
def head(world):
    return world.users["head"]


@pytest.fixture
def batch(world, head):
    """A SIECLE preview for school A: two students in, the school's own three leaving (so
    confirming needs the second confirmation)."""
    return services.import_preview(
        kind="siecle",
        school=world.school,
        user=head,
        content=siecle_file(pupils()[:2], uai=world.school.uai),
        file_name="ExportXML_ElevesSansAdresses.zip",
    )


@pytest.fixture
def big(settings):
    """Every import counts as big."""
    settings.IMPORT_BACKGROUND_ROWS = 1


def imported_students():
    return Student.objects.filter(siecle_id__in=["1001", "1002"]).count()


class TestTheRule:
    def test_the_demo_school_s_siecle_export_is_big(self, db, settings):
        sample = fictitious_school(1500)
        batch = services.import_preview(
            kind="siecle",
            school=None,
            user=None,
            content=sample.siecle_zip(),
            file_name="ExportXML_ElevesSansAdresses.zip",
            options={"school_name": "Lycée du banc d'essai", "holiday_zone": "B"},
        )
        assert batch.record_count >= 1500, batch.summary["counts"]
        assert batch.record_count >= settings.IMPORT_BACKGROUND_ROWS
        assert services.applies_in_background(batch)

    def test_a_class_s_results_file_of_30_lines_is_not(self, world, head):
        from appui.diagnostics import services as diagnostics
        from appui.diagnostics.models import Campaign
        from appui.schools.models import Period
        from appui.schools.tests.factories import StudentFactory

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
            competencies=list(
                framework.competencies.filter(code__in=["FR.LEC", "MA.CAL", "ME.ORG"])
            ),
        )
        diagnostics.campaign_set_state(campaign=campaign, state=Campaign.State.OPEN)
        students = [world.student, world.classmate]
        students += [StudentFactory(division=world.division) for _ in range(28)]
        lines = ["INE;FR.LEC;MA.CAL;ME.ORG"] + [f"{s.ine};2;3;1" for s in students]
        batch = services.import_preview(
            kind="results",
            school=world.school,
            user=head,
            content="\r\n".join(lines).encode(),
            file_name="resultats.csv",
            options={"campaign": campaign.pk},
        )
        assert batch.record_count == 90 and not batch.summary["blocked"]
        assert not services.applies_in_background(batch)


class TestBigImport:
    def test_it_is_applied_by_a_job_with_its_progress_and_result(
        self, big, world, login, head, batch, django_capture_on_commit_callbacks
    ):
        client = login(head)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(preview_url(batch), {"apply": "1", "confirm_harm": "1"})
        job = Job.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("jobs:job-detail", args=[job.pk])
        assert (job.kind, job.key) == ("interop.import", f"interop.import:{batch.pk}")
        # The choices made on the page travel with the job, as JSON.
        assert job.args == [batch.pk, head.pk, {"skip_invalid": False, "confirmed": True}]
        assert (job.status, job.attempts, job.done, job.total) == ("done", 1, 3, 3)
        assert job.result_url == preview_url(batch)
        assert job.school == world.school and job.started_by == head
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.APPLIED and batch.job == job
        assert imported_students() == 2
        world.student.refresh_from_db()
        assert world.student.exit_date is not None
        body = client.get(preview_url(batch)).content.decode()
        assert 'data-status="applied"' in body and 'id="applying"' not in body

    def test_a_small_import_is_still_applied_during_the_request(
        self, world, login, head, batch, django_capture_on_commit_callbacks
    ):
        assert not services.applies_in_background(batch)
        with django_capture_on_commit_callbacks(execute=True):
            response = login(head).post(preview_url(batch), {"apply": "1", "confirm_harm": "1"})
        assert response["Location"] == preview_url(batch)
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.APPLIED and batch.job is None
        assert imported_students() == 2 and not Job.objects.exists()

    def test_while_the_job_waits_the_page_follows_it_and_offers_no_confirmation(
        self, big, login, head, batch, django_capture_on_commit_callbacks
    ):
        client = login(head)
        page = client.get(preview_url(batch)).content.decode()
        assert 'id="background-note"' in page and 'name="apply"' in page
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            client.post(preview_url(batch), {"apply": "1", "confirm_harm": "1"})
        job = Job.objects.get()
        assert job.status == Job.Status.QUEUED and len(callbacks) == 1
        body = client.get(preview_url(batch)).content.decode()
        assert 'id="applying"' in body
        assert reverse("jobs:job-detail", args=[job.pk]) in body
        assert 'name="apply"' not in body and 'name="cancel"' not in body
        # A second confirmation (another tab, a double click) starts nothing.
        with django_capture_on_commit_callbacks(execute=False) as again:
            response = client.post(preview_url(batch), {"apply": "1", "confirm_harm": "1"})
        assert response["Location"] == preview_url(batch)
        assert again == [] and Job.objects.count() == 1
        with django_capture_on_commit_callbacks(execute=False) as again:
            same = services.import_start(batch=batch, user=head, confirmed=True)
        assert same == job and again == [] and Job.objects.count() == 1
        assert imported_students() == 0

    def test_a_task_delivered_twice_applies_once(
        self, big, head, batch, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            job = services.import_confirm(batch=batch, user=head, confirmed=True)
        assert job is not None
        job.refresh_from_db()
        assert job.status == Job.Status.DONE
        batch.refresh_from_db()
        applied_at = batch.applied_at
        choices = {"skip_invalid": False, "confirmed": True}
        # The same job delivered again: done already, skipped.
        assert apply_import.call(batch.pk, head.pk, choices, job_id=job.pk) == "skipped"
        # Run again under a new job (a requeue): the batch is applied, nothing is written.
        again = Job.objects.create(
            kind="interop.import",
            key="again",
            task_path=apply_import.module_path,
            args=[batch.pk, head.pk, choices],
        )
        assert apply_import.call(batch.pk, head.pk, choices, job_id=again.pk) == "skipped"
        again.refresh_from_db()
        assert again.status == Job.Status.DONE and again.result_url == preview_url(batch)
        batch.refresh_from_db()
        assert batch.applied_at == applied_at and imported_students() == 2

    def test_a_failure_inside_the_apply_writes_nothing_and_fails_the_job(
        self, big, login, head, batch, monkeypatch, django_capture_on_commit_callbacks
    ):
        def broken(school):
            assert Student.objects.filter(siecle_id="1001").exists()  # written, not committed
            raise RuntimeError("disque plein")

        monkeypatch.setattr(services, "_after_write", broken)
        client = login(head)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(preview_url(batch), {"apply": "1", "confirm_harm": "1"})
        job = Job.objects.get()
        assert job.status == Job.Status.FAILED
        assert job.error == "La tâche s'est arrêtée sur une erreur (RuntimeError : disque plein)."
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.PREVIEWED and batch.applied_at is None
        assert imported_students() == 0
        body = client.get(preview_url(batch)).content.decode()
        assert 'id="job-failed"' in body and "disque plein" in body
        assert 'name="apply"' in body  # it may be confirmed again

    def test_data_changed_before_the_job_ran_refuses_without_writing(
        self, big, world, head, batch, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            job = services.import_start(batch=batch, user=head, confirmed=True)
        world.classmate.delete()  # one student fewer leaving: the preview is outdated
        for callback in callbacks:
            callback()
        job.refresh_from_db()
        assert job.status == Job.Status.FAILED and job.result_url == preview_url(batch)
        assert job.error.startswith("Les données d'appui ont changé depuis l'aperçu")
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.PREVIEWED and imported_students() == 0
        assert batch.summary["counts"]["students"]["leaving"] == 2  # the new preview


class TestRefusalsComeFirst:
    def test_a_missing_second_confirmation_starts_no_job(
        self, big, world, login, head, batch, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = login(head).post(preview_url(batch), {"apply": "1"})
        assert response.status_code == 200
        assert "seconde confirmation" in response.content.decode()
        assert callbacks == [] and not Job.objects.exists()
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.PREVIEWED and batch.job is None

    def test_a_blocked_file_starts_no_job(
        self, big, world, login, head, django_capture_on_commit_callbacks
    ):
        content = siecle_file(uai=world.school.uai, plain=True).replace(
            b"14/03/2012", b"31/02/2012", 1
        )
        batch = services.import_preview(
            kind="siecle", school=world.school, user=head, content=content, file_name="e.xml"
        )
        assert batch.summary["blocked"]
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = login(head).post(preview_url(batch), {"apply": "1", "confirm_harm": "1"})
        assert response.status_code == 200
        assert "Le fichier contient des erreurs" in response.content.decode()
        assert callbacks == [] and not Job.objects.exists()
        assert not Student.objects.filter(siecle_id="1001").exists()

    def test_an_applied_batch_starts_no_job(
        self, big, head, batch, django_capture_on_commit_callbacks
    ):
        services.import_apply(batch=batch, user=head, confirmed=True)
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(services.ImportRefused, match="déjà été appliqué"),
        ):
            services.import_start(batch=batch, user=head, confirmed=True)
        assert callbacks == [] and not Job.objects.exists()
