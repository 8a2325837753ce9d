"""Ways to pages no menu entry leads to: the background jobs (from the plans index and the
coordinators' to-do panel) and the SIECLE import that adds a school (for those who may)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from appui.jobs.models import Job

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
JOBS = reverse("jobs:job-list")


def body(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def job(user, status, *, finished=None, key="k") -> Job:
    return Job.objects.create(
        kind="planning.solve",
        key=key,
        task_path="x",
        started_by=user,
        status=status,
        finished_at=finished,
    )


def todo_jobs_line(text: str) -> str | None:
    """The to-do panel's line about background jobs, or None."""
    start = text.find('data-todo="jobs"')
    return None if start < 0 else text[start : text.find("</li>", start)]


class TestBackgroundJobs:
    def test_the_plans_index_links_to_them(self, world, login):
        assert JOBS in body(login(world.users["coordinator"]).get(reverse("planning:plan-index")))

    @time_machine.travel(NOW, tick=False)
    def test_the_todo_panel_lists_unfinished_and_recently_failed_jobs(self, world, login):
        coordinator = world.users["coordinator"]
        job(coordinator, Job.Status.RUNNING, key="a")
        job(coordinator, Job.Status.FAILED, finished=NOW - dt.timedelta(days=2), key="b")
        # Neither a job done nor one failed long ago, nor a colleague's, is counted.
        job(coordinator, Job.Status.DONE, finished=NOW - dt.timedelta(hours=1), key="c")
        job(coordinator, Job.Status.FAILED, finished=NOW - dt.timedelta(days=30), key="d")
        job(world.users["head"], Job.Status.QUEUED, key="e")
        line = todo_jobs_line(body(login(coordinator).get(reverse("home"))))
        assert line is not None
        assert f'href="{JOBS}"' in line and "<strong>2</strong>" in line
        assert "tâches de fond en cours ou récemment en échec" in line

    @time_machine.travel(NOW, tick=False)
    def test_nothing_is_said_when_every_job_went_well(self, world, login):
        coordinator = world.users["coordinator"]
        job(coordinator, Job.Status.DONE, finished=NOW, key="a")
        assert todo_jobs_line(body(login(coordinator).get(reverse("home")))) is None

    def test_a_teacher_has_no_such_line(self, world, login):
        teacher = world.users["teacher"]
        job(teacher, Job.Status.RUNNING)
        assert todo_jobs_line(body(login(teacher).get(reverse("home")))) is None
