"""Jobs without Redis: the immediate backend of the tests, the pages and who sees them."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from appui.jobs.models import Job
from appui.jobs.services import job_restart, start_job

from .sample_tasks import count_steps, fails_once

pytestmark = pytest.mark.django_db


def a_job(world, user=None, **fields) -> Job:
    defaults = {
        "kind": "test.count",
        "key": f"k{Job.objects.count()}",
        "title": "Compter les groupes",
        "school": world.school,
        "started_by": user or world.users["coordinator"],
        "task_path": count_steps.module_path,
        "args": ["page", 1],
    }
    return Job.objects.create(**{**defaults, **fields})


class TestStartJob:
    def test_it_runs_the_task_once_the_transaction_commits(
        self, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            job = start_job("test.count", "now", count_steps, "now", 2)
        assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
        assert not Group.objects.exists()  # nothing runs before the commit
        for callback in callbacks:
            callback()
        job.refresh_from_db()
        assert (job.status, job.attempts, job.done, job.total) == ("done", 1, 2, 2)
        assert job.result_url == "/taches/" and job.result_summary == "2 groupes créés"
        assert Group.objects.count() == 2

    def test_a_second_start_with_the_same_key_returns_the_first_job(
        self, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            first = start_job("test.count", "same", count_steps, "same", 1)
            second = start_job("test.count", "same", count_steps, "same", 1)
        assert second.pk == first.pk and len(callbacks) == 1

    def test_a_failure_without_retry_is_recorded(
        self, django_capture_on_commit_callbacks, tmp_path
    ):
        with django_capture_on_commit_callbacks(execute=True):
            job = start_job("test.flaky", "fail", fails_once, "fail", str(tmp_path / "m"))
        job.refresh_from_db()
        # The immediate (and database) backends never retry: the first failure is the last.
        assert job.status == Job.Status.FAILED and job.attempts == 1
        assert "RuntimeError : première tentative ratée" in job.error
        assert not Group.objects.filter(name="fail").exists()

    def test_an_unreachable_queue_fails_the_job_with_a_message(
        self, settings, django_capture_on_commit_callbacks
    ):
        settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
        settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:9/0"}}  # nothing listens
        with django_capture_on_commit_callbacks(execute=True):
            job = start_job("test.count", "down", count_steps, "down", 1)
        job.refresh_from_db()
        assert job.status == Job.Status.FAILED and "ConnectionError" in job.error

    def test_an_abandoned_job_is_queued_again_by_the_same_key(
        self, world, settings, django_capture_on_commit_callbacks
    ):
        settings.JOBS_STALE_SECONDS = 60
        old = timezone.now() - timedelta(seconds=61)
        job = a_job(world, key="again", status="running", attempts=1, heartbeat_at=old)
        assert job.is_stale and job.state == "stale"
        with django_capture_on_commit_callbacks() as callbacks:
            again = start_job("test.count", "again", count_steps, "again", 1)
        assert again.pk == job.pk and again.status == Job.Status.QUEUED
        assert len(callbacks) == 1

    def test_a_live_job_is_not_restarted(self, world, django_capture_on_commit_callbacks):
        job = a_job(world, status="running", attempts=1, heartbeat_at=timezone.now())
        with django_capture_on_commit_callbacks() as callbacks:
            assert job_restart(job=job) is False
        job.refresh_from_db()
        assert job.status == Job.Status.RUNNING and callbacks == []


class TestPages:
    def test_anonymous_is_redirected(self, client, world):
        job = a_job(world)
        for url in (reverse("jobs:job-list"), reverse("jobs:job-detail", args=[job.pk])):
            assert client.get(url).status_code == 302

    def test_the_starter_follows_a_running_job(self, world, login):
        job = a_job(
            world,
            status="running",
            done=2,
            total=3,
            message="Recherche",
            heartbeat_at=timezone.now(),
        )
        page = login(world.users["coordinator"]).get(reverse("jobs:job-detail", args=[job.pk]))
        html = page.content.decode()
        assert page.status_code == 200 and "Compter les groupes" in html
        assert '<progress value="2" max="3"' in html
        assert f'hx-get="{reverse("jobs:job-status", args=[job.pk])}"' in html
        assert 'hx-trigger="every 2s"' in html and "style=" not in html

    def test_a_finished_job_links_its_result_and_stops_polling(self, world, login):
        job = a_job(
            world,
            status="done",
            done=1,
            total=1,
            result_url="/groupes/",
            result_summary="Fini",
            finished_at=timezone.now(),
        )
        html = (
            login(world.users["coordinator"])
            .get(reverse("jobs:job-status", args=[job.pk]))
            .content.decode()
        )
        assert 'href="/groupes/"' in html and "Fini" in html and "hx-trigger" not in html

    def test_the_head_sees_a_colleagues_job(self, world, login):
        job = a_job(world)
        response = login(world.users["head"]).get(reverse("jobs:job-detail", args=[job.pk]))
        assert response.status_code == 200

    @pytest.mark.parametrize("name", ["teacher", "level_coordinator", "outsider"])
    def test_others_get_404(self, world, login, name):
        job = a_job(world)
        response = login(world.users[name]).get(reverse("jobs:job-detail", args=[job.pk]))
        assert response.status_code == 404

    def test_the_list_shows_only_my_jobs(self, world, login):
        mine = a_job(world, title="Le mien")
        a_job(world, user=world.users["head"], title="Celui de la direction")
        html = login(world.users["coordinator"]).get(reverse("jobs:job-list")).content.decode()
        assert "Le mien" in html and "Celui de la direction" not in html
        assert reverse("jobs:job-detail", args=[mine.pk]) in html

    def test_an_abandoned_job_can_be_run_again(
        self, world, login, settings, django_capture_on_commit_callbacks
    ):
        settings.JOBS_STALE_SECONDS = 60
        old = timezone.now() - timedelta(minutes=5)
        job = a_job(world, status="running", attempts=1, heartbeat_at=old)
        client = login(world.users["coordinator"])
        assert (
            'data-state="stale"'
            in client.get(reverse("jobs:job-status", args=[job.pk])).content.decode()
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("jobs:job-restart", args=[job.pk]))
        assert response.status_code == 302
        job.refresh_from_db()
        assert job.status == Job.Status.DONE and job.attempts == 2
        assert list(Group.objects.values_list("name", flat=True)) == ["page-0"]

    def test_restart_is_post_only_and_hidden_from_others(self, world, login):
        job = a_job(world, status="running", heartbeat_at=timezone.now())
        url = reverse("jobs:job-restart", args=[job.pk])
        assert login(world.users["coordinator"]).get(url).status_code == 405
        assert login(world.users["outsider"]).post(url).status_code == 404


class TestSolveJob:
    def test_a_solve_is_a_job_and_running_it_again_changes_nothing(
        self, world, planning, django_capture_on_commit_callbacks
    ):
        from appui.planning import services
        from appui.planning.models import Plan, PlanSnapshot
        from appui.planning.tasks import solve_plan

        coordinator = world.users["coordinator"]
        plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
        with django_capture_on_commit_callbacks(execute=True):
            services.plan_solve(plan=plan, user=coordinator)
        plan.refresh_from_db()
        job = Job.objects.get(pk=plan.progress["job"])
        assert plan.status == Plan.Status.PROPOSED
        assert job.key == f"planning.solve:{plan.pk}:r0" and job.kind == "planning.solve"
        assert job.status == Job.Status.DONE and (job.done, job.total) == (3, 3)
        assert job.title == "Formation des groupes — 2nde pro, " + planning["period"].name
        assert job.result_url == reverse("planning:plan-detail", args=[plan.pk])
        revision, versions = plan.revision, PlanSnapshot.objects.filter(level=plan.level).count()

        # Delivered again (the same job, or no job at all): the plan is not "solving" any more.
        assert solve_plan.call(plan.pk, job_id=job.pk) == "skipped"
        assert solve_plan.call(plan.pk) == "skipped"
        plan.refresh_from_db()
        assert plan.revision == revision
        assert PlanSnapshot.objects.filter(level=plan.level).count() == versions

    @pytest.mark.parametrize("retry", [False, True])
    def test_a_failed_solve_gives_the_plan_back_only_on_its_last_attempt(
        self, world, planning, django_capture_on_commit_callbacks, monkeypatch, retry
    ):
        from appui.jobs import services as job_services
        from appui.planning import services, tasks
        from appui.planning.models import Plan

        def broken(*args, **kwargs):
            raise RuntimeError("solveur en panne")

        monkeypatch.setattr(tasks, "solve", broken)
        monkeypatch.setattr(job_services, "_retries_follow", lambda: retry)
        plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
        with django_capture_on_commit_callbacks(execute=True):
            services.plan_solve(plan=plan, user=world.users["coordinator"])
        plan.refresh_from_db()
        job = Job.objects.get(pk=plan.progress["job"])
        if retry:  # the backend runs it again: the plan waits, still "solving"
            assert plan.status == Plan.Status.SOLVING and job.status == Job.Status.QUEUED
        else:
            assert plan.status == Plan.Status.DRAFT and plan.solver_message
            assert job.status == Job.Status.FAILED and "solveur en panne" in job.error
            assert job.result_url == reverse("planning:plan-detail", args=[plan.pk])
