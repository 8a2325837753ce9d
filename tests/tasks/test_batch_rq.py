"""Batch regrouping on a real Redis with two real RQ workers: two schools × two levels, the
fan-out on one worker, the four solves spread over both, every level done."""

import datetime
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from appui.jobs.models import Job
from appui.planning import batch
from appui.planning.models import Module, Plan, Room, Slot
from appui.schools.models import Period
from appui.schools.tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def next_period_of(year) -> Period:
    """A period starting in two weeks: the next one, for this process and the workers."""
    start = timezone.localdate() + datetime.timedelta(days=14)
    return Period.objects.create(
        year=year,
        number=9,
        name="Période suivante",
        start_date=start,
        end_date=start + datetime.timedelta(days=42),
    )


def plannable_school(school, year, levels):
    """Staff, rooms, two modules, and a slot in the next period for each (level, division)."""
    from appui.diagnostics import services as diagnostics

    framework = diagnostics.framework_install_default(school=school)
    period = next_period_of(year)
    staff = [f.StaffFactory(school=school) for _ in range(2)]
    rooms = [Room.objects.create(school=school, name=f"R{i}", capacity=30) for i in range(2)]
    for code, competency in [("LEC-S", "FR.LEC"), ("CAL-S", "MA.CAL")]:
        module = Module.objects.create(
            school=school,
            code=code,
            title=f"Module {code}",
            objective="Un objectif précis",
            competency=framework.competencies.get(code=competency),
            kind="soutien",
            min_size=1,
            max_size=20,
        )
        module.staff.set(staff)
    for level, division in levels:
        slot = Slot.objects.create(
            year=year,
            level=level,
            weekday=2,
            start_time=datetime.time(10),
            end_time=datetime.time(11, 30),
        )
        slot.periods.set([period])
        slot.divisions.set([division])
        slot.staff.set(staff)
        slot.rooms.set(rooms)
    return period


def test_a_batch_over_two_schools_runs_its_solves_on_two_workers(rq, world, client):
    plannable_school(
        world.school,
        world.year,
        [(world.level, world.division), (world.other_level, world.other_division)],
    )
    b_year = world.other_school.years.get()
    b_level = b_year.levels.get()
    b_division = b_level.divisions.get()
    b_second = f.LevelFactory(year=b_year, name="1re pro", short_name="1PRO", year_in_cycle=2)
    b_second_division = f.DivisionFactory(level=b_second, code="1Z")
    for i in range(3):
        f.StudentFactory(division=b_second_division, last_name=f"Élève{i}")
    plannable_school(
        world.other_school, b_year, [(b_level, b_division), (b_second, b_second_division)]
    )

    head = world.users["head"]
    job = batch.batch_propose(schools=[world.school, world.other_school], user=head)
    workers = [rq.worker(burst=False), rq.worker(burst=False)]

    def all_done():
        job.refresh_from_db()
        return job.is_finished and batch.batch_status(job).is_finished

    deadline = time.monotonic() + 240
    while not all_done():
        assert time.monotonic() < deadline, [rq.log(i).read_text() for i in range(2)]
        assert all(w.poll() is None for w in workers), "a worker stopped"
        time.sleep(0.2)

    status = batch.batch_status(job)
    assert job.status == Job.Status.DONE
    assert (status.total, status.count_done, status.count_failed) == (4, 4, 0), [
        (e.level_name, e.state, e.note) for e in status.entries
    ]
    assert [len(row.entries) for row in status.schools] == [2, 2]
    children = Job.objects.filter(kind="planning.solve")
    assert children.count() == 4 and all(c.status == Job.Status.DONE for c in children)
    assert (
        Plan.objects.filter(status=Plan.Status.PROPOSED, groups__isnull=False).distinct().count()
        == 4
    )
    # The solves ran side by side: both workers ran some of the five jobs.
    for index in range(2):
        assert "Successfully completed" in rq.log(index).read_text(errors="replace") or (
            "Job OK" in rq.log(index).read_text(errors="replace")
        ), rq.log(index).read_text(errors="replace")

    client.force_login(head)
    page = client.get(reverse("planning:batch-detail", args=[job.pk])).content.decode()
    assert 'data-finished="true"' in page and "Lycée B" in page
