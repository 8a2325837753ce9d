"""Ways to pages no menu entry leads to: the background jobs (from the plans index and the
coordinators' to-do panel) and the SIECLE import that adds a school (for those who may)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from appui.jobs.models import Job
from appui.schools.models import Academy, AcademyMembership
from appui.schools.tests.factories import UserFactory

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


ADD_SCHOOL = reverse("interop:import-upload", args=["siecle"]) + "?nouveau=1"


@pytest.fixture
def academy_administrator(db):
    """An académie administrator with no role in any school yet."""
    user = UserFactory(username="admin-dijon")
    academy = Academy.objects.create(code="DIJON", name="Académie de Dijon")
    AcademyMembership.objects.create(
        user=user, academy=academy, role=AcademyMembership.Role.ADMINISTRATOR
    )
    return user


class TestAddingASchool:
    def test_an_academie_administrator_without_a_school_is_shown_the_way(
        self, academy_administrator, login
    ):
        text = body(login(academy_administrator).get(reverse("home")))
        assert f'href="{ADD_SCHOOL}"' in text.replace("&amp;", "&")
        assert "Ajouter un établissement (fichier SIECLE)" in text
        # The link leads to the SIECLE upload in its « add a school » mode.
        response = login(academy_administrator).get(ADD_SCHOOL)
        assert response.status_code == 200 and response.context["form"].creating

    def test_the_school_list_offers_it_to_an_administrator_with_schools(self, world, login):
        head = world.users["head"]
        academy = Academy.objects.create(code="DIJON", name="Académie de Dijon")
        AcademyMembership.objects.create(
            user=head, academy=academy, role=AcademyMembership.Role.ADMINISTRATOR
        )
        assert 'id="add-school"' in body(login(head).get(reverse("schools:school-list")))

    @pytest.mark.parametrize("page", ["home", "schools:school-list"])
    def test_a_teacher_is_not_offered_it(self, world, login, page):
        assert 'id="add-school"' not in body(login(world.users["teacher"]).get(reverse(page)))

    def test_a_user_without_a_school_or_an_academie_is_told_to_ask(self, db, login):
        text = body(login(UserFactory(username="nobody")).get(reverse("home")))
        assert 'id="add-school"' not in text and "Demandez" in text
