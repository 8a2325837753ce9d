"""``Progress.fail``: a task body refusing the work ends its job "failed" with its message,
without raising, so that no backend retries it."""

import django_rq
import pytest
from django.contrib.auth.models import Group
from django_tasks import TaskResultStatus, default_task_backend

from appui.jobs import services
from appui.jobs.models import Job
from appui.jobs.services import start_job

from .sample_tasks import refuses


def check_refused(job: Job, name: str) -> None:
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.attempts == 1
    assert job.error == f"Refusé : {name} a changé."
    # The normal end of the body did not turn it into "done" nor keep the summary.
    assert job.result_summary == "" and job.result_url == "/taches/"
    assert (job.done, job.total, job.message) == (1, 2, "")
    assert job.finished_at is not None
    assert not Group.objects.exists()


@pytest.mark.django_db
class TestFailWithoutQueue:
    def test_the_job_ends_failed_with_the_message(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            job = start_job("test.refuses", "refuses", refuses, "le plan")
        check_refused(job, "le plan")
        # Delivered again, the failed job is left alone.
        assert refuses.call("le plan", job_id=job.pk) == "skipped"
        check_refused(job, "le plan")
        # Asked again, the same key starts a new job.
        with django_capture_on_commit_callbacks(execute=False):
            again = start_job("test.refuses", "refuses", refuses, "le plan")
        assert again.pk != job.pk and again.status == Job.Status.QUEUED

    def test_it_fails_even_when_a_retry_would_follow_a_crash(
        self, monkeypatch, django_capture_on_commit_callbacks
    ):
        # As on an RQ worker with attempts left: a crash would go back to "queued".
        monkeypatch.setattr(services, "_retries_follow", lambda: True)
        with django_capture_on_commit_callbacks(execute=True):
            job = start_job("test.refuses", "retry", refuses, "la classe")
        check_refused(job, "la classe")

    def test_outside_any_job_it_only_returns(self):
        assert refuses.call("rien") == "refused"
        assert not Job.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_refusal_on_a_worker_is_not_retried(rq):
    job = start_job("test.refuses", "worker", refuses, "l'import")
    rq.run()
    check_refused(job, "l'import")
    # The task itself succeeded: RQ has nothing to retry and the queue is empty.
    result = default_task_backend.get_result(job.task_id)
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == "refused"
    assert django_rq.get_queue("default").count == 0
