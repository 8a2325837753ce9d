"""Batch regrouping (issue 19, item 3): the next period of every level, of a school or an
académie; one solve job per level, failures per school, idempotent, and who may start it.

The immediate tasks backend runs the fan-out and every solve on commit."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from appui.jobs.models import Job
from appui.planning import batch
from appui.planning.models import Plan
from appui.schools.models import Academy, AcademyMembership, Membership
from appui.schools.tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def before_period(time_machine):
    # Period 1 of the ``planning`` fixture starts on 1 September 2026: it is the next one.
    time_machine.move_to(datetime.datetime(2026, 8, 25, 10, tzinfo=PARIS), tick=False)


def solve_jobs() -> list[int]:
    return list(Job.objects.filter(kind="planning.solve").values_list("pk", flat=True))


def entries_by_school(job) -> dict[str, list[tuple[str, str, str]]]:
    status = batch.batch_status(job)
    return {
        row.name: [(e.level_name, e.state, e.note) for e in row.entries] for row in status.schools
    }


class TestBatchService:
    def test_one_level_fails_the_others_go_on_and_a_rerun_starts_nothing(
        self, world, planning, before_period
    ):
        head = world.users["head"]
        job = batch.batch_propose(schools=[world.school, world.other_school], user=head)
        job.refresh_from_db()
        assert job.kind == batch.KIND and job.status == Job.Status.DONE
        assert job.result_url == reverse("planning:batch-detail", args=[job.pk])

        rows = entries_by_school(job)
        # School A: level L is solved; level M has no slot in period 1.
        a = dict((level, (state, note)) for level, state, note in rows["Lycée A"])
        assert a["2nde pro"] == ("done", "Groupes proposés")
        assert a["1re pro"][0] == "failed" and "barrette" in a["1re pro"][1]
        # School B has no period at all: reported, with its reason, as one entry.
        assert rows["Lycée B"] == [
            ("", "failed", "Aucune période ne commence après aujourd'hui dans l'année en cours.")
        ]
        plan = Plan.objects.get(level=world.level, period=planning["period"])
        assert plan.status == Plan.Status.PROPOSED and plan.groups.exists()
        assert not Plan.objects.filter(level=world.other_level).exists()
        status = batch.batch_status(job)
        assert (status.total, status.finished, status.count_failed) == (3, 3, 2)
        assert status.is_finished
        assert "1 calcul lancé" in job.result_summary
        # The estimate now reads the time the solve took (not the solver's time limit).
        took = Job.objects.get(kind="planning.solve")
        assert batch.seconds_per_solve() == pytest.approx(
            max(0.1, (took.finished_at - took.started_at).total_seconds()), abs=0.01
        )

        # The same batch again: the proposed level is left alone, nothing new is solved.
        jobs_before = solve_jobs()
        assert len(jobs_before) == 1
        again = batch.batch_propose(schools=[world.school, world.other_school], user=head)
        again.refresh_from_db()
        assert solve_jobs() == jobs_before
        a_again = {lv: (st, note) for lv, st, note in entries_by_school(again)["Lycée A"]}
        assert a_again["2nde pro"] == ("done", "Groupes déjà proposés : laissés tels quels.")
        assert Plan.objects.filter(level=world.level).count() == 1

    def test_a_running_solve_is_reused_not_started_twice(self, world, planning, before_period):
        from appui.planning import services

        plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
        # A solve job still unfinished for this plan (as while a worker runs it).
        plan.status = Plan.Status.SOLVING
        running = Job.objects.create(
            kind="planning.solve", key="planning.solve:x", task_path="x", status="running"
        )
        plan.progress = {"job": running.pk, "mode": "fresh"}
        plan.save()
        job = batch.batch_propose(schools=[world.school], user=world.users["head"])
        job.refresh_from_db()
        assert solve_jobs() == [running.pk]
        level_l = [e for e in batch.batch_status(job).entries if e.level_name == "2nde pro"][0]
        assert (level_l.state, level_l.job_id) == ("running", running.pk)
        assert not batch.batch_status(job).is_finished

    def test_the_estimate_counts_levels_pupils_and_workers(self, world, planning, before_period):
        estimate = batch.batch_estimate([world.school, world.other_school])
        assert (estimate.schools, estimate.levels, estimate.pupils) == (2, 2, 3)
        assert estimate.workers == 1 and estimate.skipped == [
            ("Lycée B", "aucune période après aujourd'hui cette année")
        ]
        assert estimate.wall_seconds == 2 * estimate.seconds_per_solve


class TestBatchPages:
    def test_the_head_confirms_then_follows_the_batch_of_their_school(
        self, world, planning, before_period, login
    ):
        client = login(world.users["head"])
        index = client.get(reverse("planning:plan-index")).content.decode()
        assert reverse("planning:batch-school") in index
        page = client.get(reverse("planning:batch-school")).content.decode()
        assert "2 niveaux à calculer" in page and "3 élèves" in page
        response = client.post(reverse("planning:batch-school"))
        job = Job.objects.get(kind=batch.KIND)
        assert response["Location"] == reverse("planning:batch-detail", args=[job.pk])
        assert job.args[0] == [world.school.pk]  # their school only
        page = client.get(response["Location"]).content.decode()
        plan = Plan.objects.get(level=world.level)
        assert reverse("planning:plan-detail", args=[plan.pk]) in page
        assert "Lycée A" in page and "Lycée B" not in page
        assert "hx-trigger" not in page  # everything finished: no more polling
        poll = client.get(reverse("planning:batch-status", args=[job.pk]))
        assert poll.status_code == 200 and 'data-finished="true"' in poll.content.decode()

    def test_who_may_start_a_school_batch(self, world, planning, login):
        for name in ("teacher", "level_coordinator", "academy"):
            assert login(world.users[name]).get(reverse("planning:batch-school")).status_code == 403
        client = login(world.users["coordinator"])
        assert client.get(reverse("planning:batch-school")).status_code == 200
        assert client.get(reverse("planning:batch-academy")).status_code == 403

    def test_a_batch_page_is_only_for_who_may_follow_it(self, world, planning, login):
        job = batch.batch_propose(schools=[world.school], user=world.users["head"])
        url = reverse("planning:batch-detail", args=[job.pk])
        assert login(world.users["coordinator"]).get(url).status_code == 200  # same school
        assert login(world.users["outsider"]).get(url).status_code == 404
        assert login(world.users["teacher"]).get(url).status_code == 404
        # A job of another kind is not a batch.
        other = Job.objects.create(kind="planning.solve", key="k", task_path="x")
        other_url = reverse("planning:batch-detail", args=[other.pk])
        assert login(world.users["head"]).get(other_url).status_code == 404

    def test_an_academy_administrator_batches_only_their_academy(
        self, world, planning, before_period, login
    ):
        mine = Academy.objects.create(code="DIJON", name="Académie de Dijon")
        theirs = Academy.objects.create(code="LYON", name="Académie de Lyon")
        world.school.academy = mine
        world.school.save()
        world.other_school.academy = theirs
        world.other_school.save()
        admin = f.UserFactory(username="admin-academie")
        AcademyMembership.objects.create(
            user=admin, academy=mine, role=AcademyMembership.Role.ADMINISTRATOR
        )
        inspector = f.UserFactory(username="ien")
        AcademyMembership.objects.create(user=inspector, academy=mine)
        # The inspector reads the académie, and may not start its batch.
        assert login(inspector).get(reverse("planning:batch-academy")).status_code == 403
        assert login(world.users["head"]).get(reverse("planning:batch-academy")).status_code == 403

        client = login(admin)
        dashboard = client.get(reverse("steering:academy")).content.decode()
        assert reverse("planning:batch-academy") in dashboard
        inspector_page = login(inspector).get(reverse("steering:academy")).content.decode()
        assert reverse("planning:batch-academy") not in inspector_page
        client = login(admin)
        page = client.get(reverse("planning:batch-academy")).content.decode()
        assert "Académie de Dijon" in page and "1 établissement" in page
        response = client.post(reverse("planning:batch-academy"))
        job = Job.objects.get(kind=batch.KIND)
        assert job.args[0] == [world.school.pk]
        page = client.get(response["Location"]).content.decode()
        assert "Lycée A" in page and "Lycée B" not in page
        # No plan link: the plan pages name pupils, the académie account is no member.
        assert "/groupes/plans/" not in page
        assert not Membership.objects.filter(user=admin).exists()
