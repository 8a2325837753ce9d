"""Jobs on a real Redis with real RQ workers: progress, retry, a killed worker, idempotency."""

import time
from datetime import timedelta

import django_rq
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from appui.jobs.models import Job
from appui.jobs.services import start_job
from appui.schools.tests.factories import UserFactory

from .conftest import STALE_SECONDS
from .sample_tasks import count_steps, fails_once

pytestmark = pytest.mark.django_db(transaction=True)


def groups(prefix: str) -> list[str]:
    return sorted(Group.objects.filter(name__startswith=prefix).values_list("name", flat=True))


def wait_for(predicate, timeout: float = 30, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_job_runs_on_a_worker_and_reports_each_step(rq, client):
    user = UserFactory()
    job = start_job("test.count", "count", count_steps, "count", 3, 0.5, title="Compter", user=user)
    assert job.status == Job.Status.QUEUED
    assert django_rq.get_queue("default").count == 1

    worker = rq.worker()
    seen = set()

    def finished():
        job.refresh_from_db()
        if job.status == Job.Status.RUNNING:
            seen.add(job.done)
        return job.status == Job.Status.DONE

    wait_for(finished, timeout=60, what="the job to finish")
    worker.wait(60)

    assert {1, 2, 3} & seen and seen <= {0, 1, 2, 3}, seen  # steps were visible while it ran
    assert (job.done, job.total, job.attempts) == (3, 3, 1)
    assert job.result_summary == "3 groupes créés"
    assert job.started_at and job.finished_at and job.finished_at >= job.started_at
    assert groups("count-") == ["count-0", "count-1", "count-2"]
    client.force_login(user)
    page = client.get(reverse("jobs:job-detail", args=[job.pk])).content.decode()
    assert '<progress value="1" max="1"' in page and 'href="/taches/"' in page
    assert "hx-trigger" not in page  # finished: the page stops polling


def test_a_failed_attempt_is_retried_and_the_last_failure_recorded(rq, tmp_path):
    flaky = start_job("test.flaky", "flaky", fails_once, "flaky", str(tmp_path / "failed-once"))
    # This marker cannot be written: every attempt raises.
    doomed = str(tmp_path / "missing-dir" / "marker")
    broken = start_job("test.flaky", "broken", fails_once, "broken", doomed)
    rq.run()

    flaky.refresh_from_db()
    assert (tmp_path / "failed-once").exists()  # the first attempt did fail
    assert flaky.status == Job.Status.DONE and flaky.attempts == 2 and flaky.error == ""
    assert groups("flaky") == ["flaky"]
    broken.refresh_from_db()
    assert broken.status == Job.Status.FAILED and broken.attempts == 3  # JOBS_MAX_ATTEMPTS
    assert "FileNotFoundError" in broken.error and broken.finished_at
    assert groups("broken") == []


def test_a_killed_worker_leaves_nothing_written_and_the_job_runs_again(rq, client):
    user = UserFactory()
    job = start_job("test.count", "killed", count_steps, "killed", 4, 1.0, user=user)
    worker = rq.worker(burst=False)

    def running():
        job.refresh_from_db()
        return job.status == Job.Status.RUNNING and job.done >= 1

    wait_for(running, timeout=60, what="the job to start")
    rq.kill(worker)

    assert groups("killed-") == []  # its writes come in one transaction at the end
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and not job.is_stale
    time.sleep(STALE_SECONDS + 0.5)  # no heartbeat any more
    job.refresh_from_db()
    assert job.is_stale and job.state == "stale"
    client.force_login(user)
    page = client.get(reverse("jobs:job-status", args=[job.pk])).content.decode()
    assert 'data-state="stale"' in page
    assert reverse("jobs:job-restart", args=[job.pk]) in page

    # Starting the same work again takes the abandoned job back (no second job).
    again = start_job("test.count", "killed", count_steps, "killed", 4, 0.0, user=user)
    assert again.pk == job.pk and again.status == Job.Status.QUEUED
    rq.run()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 2
    assert groups("killed-") == [f"killed-{i}" for i in range(4)]


def test_the_same_key_never_runs_twice(rq):
    first = start_job("test.count", "twice", count_steps, "twice", 2)
    second = start_job("test.count", "twice", count_steps, "twice", 2)
    assert second.pk == first.pk
    assert Job.objects.filter(key="twice").count() == 1
    # A task delivered twice anyway (RQ retrying a job it thought abandoned) is skipped.
    count_steps.enqueue("twice", 2, job_id=first.pk)
    assert django_rq.get_queue("default").count == 2
    rq.run()
    first.refresh_from_db()
    assert first.status == Job.Status.DONE and first.attempts == 1
    assert groups("twice-") == ["twice-0", "twice-1"]
    # Once done, the same key starts a new job.
    third = start_job("test.count", "twice", count_steps, "twice-again", 1)
    assert third.pk != first.pk


def test_a_solve_runs_on_a_worker_and_links_the_plan(rq, world, planning, client):
    from appui.planning import services
    from appui.planning.models import Plan

    coordinator = world.users["coordinator"]
    plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
    services.plan_solve(plan=plan, user=coordinator)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SOLVING
    job = Job.objects.get(pk=plan.progress["job"])
    assert job.school == world.school and job.started_by == coordinator
    client.force_login(coordinator)
    page = client.get(reverse("planning:plan-detail", args=[plan.pk])).content.decode()
    assert reverse("jobs:job-detail", args=[job.pk]) in page

    rq.run()
    plan.refresh_from_db()
    job.refresh_from_db()
    assert plan.status == Plan.Status.PROPOSED and plan.groups.exists()
    assert job.status == Job.Status.DONE and (job.done, job.total) == (3, 3)
    assert job.result_url == reverse("planning:plan-detail", args=[plan.pk])


def test_a_queued_job_the_queue_lost_can_be_run_again(rq, redis_url, client):
    import redis

    from appui.jobs.services import job_is_abandoned

    user = UserFactory()
    job = start_job("test.count", "lost", count_steps, "lost", 1, user=user)
    job.refresh_from_db()
    assert job.task_id and django_rq.get_queue("default").count == 1
    long_ago = timezone.now() - timedelta(seconds=STALE_SECONDS + 1)
    Job.objects.filter(pk=job.pk).update(queued_at=long_ago)
    job.refresh_from_db()
    assert not job_is_abandoned(job)  # waiting its turn: the queue still holds it

    redis.Redis.from_url(redis_url).flushdb()  # Redis restarted without its data
    assert job_is_abandoned(job)
    client.force_login(user)
    page = client.get(reverse("jobs:job-status", args=[job.pk])).content.decode()
    assert 'data-state="stale"' in page and "Perdue par la file" in page

    again = start_job("test.count", "lost", count_steps, "lost", 1, user=user)
    assert again.pk == job.pk and django_rq.get_queue("default").count == 1
    rq.run()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and groups("lost-") == ["lost-0"]
