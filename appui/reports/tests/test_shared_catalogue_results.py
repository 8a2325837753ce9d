"""The shared catalogue's results (issue 19, item 7): a snapshot carries the module's results
anonymised as the public page shows them, and the diffusion table adds up what the copies gave
in the schools that copied it. Needs follow-up data, hence here rather than in planning's tests.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appui.diagnostics import services as diagnostics
from appui.followup.models import Attendance, Session
from appui.planning import services
from appui.planning.models import Assignment, Group, Module, Plan, SharedModule, Slot
from appui.reports import sharing
from appui.schools.models import Academy, AcademyMembership, Period, SchoolYear
from appui.schools.tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = datetime.date(2026, 11, 24)


@pytest.fixture
def academy(world):
    x = Academy.objects.create(code="XX", name="Académie X")
    for school in (world.school, world.other_school):
        school.academy = x
        school.save()
    return x


def _hold_first_sessions(groups, plan_of_work=""):
    """The first session of every group held, every member present."""
    for group in groups:
        session = Session.objects.filter(group=group).order_by("date").first()
        session.status = Session.Status.DONE
        session.plan_of_work = plan_of_work
        session.save()
        for assignment in group.assignments.all():
            Attendance.objects.create(
                session=session, student=assignment.student, status=Attendance.Status.PRESENT
            )


@pytest.fixture
def held_module(world, planning, academy):
    """Module LEC-S, the only one offered, run for the six pupils of level L (two groups, one
    per slot), the first session of each held with everyone present."""
    for n in range(4):
        f.StudentFactory(division=world.division, last_name=f"Pupil{n}", first_name="Nina")
    Module.objects.filter(code="CAL-S").update(active=False)
    plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
    services.plan_solve(plan=plan)
    plan.refresh_from_db()
    services.plan_publish(plan=plan, user=None)
    module = Module.objects.get(code="LEC-S")
    groups = list(Group.objects.filter(plan=plan, module=module))
    assert groups
    return module, groups


class TestSnapshotResults:
    def test_the_snapshot_carries_the_results_without_small_counts(self, world, held_module):
        module, groups = held_module
        _hold_first_sessions(groups)
        results = sharing.anonymised_results(module, world.year, TODAY)
        assert results["groups"] == len(groups)
        assert results["students"] == 6
        assert results["attendance"] == {"part": results["attendance"]["whole"], "whole": 12}
        assert results["sessions_held"] == len(groups)
        # Levels before/after: nobody measured, so every count is 0 (shown) and no one named.
        assert [level["code"] for level in results["levels"]] == ["MI", "MF", "MS", "TBM"]

    def test_too_few_pupils_are_suppressed(self, world, planning, academy):
        plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
        services.plan_solve(plan=plan)
        plan.refresh_from_db()
        services.plan_publish(plan=plan, user=None)
        group = plan.groups.filter(assignments__student=world.student).first()
        _hold_first_sessions([group])
        results = sharing.anonymised_results(group.module, world.year, TODAY)
        assert results["students"] is None  # 1 to 4 pupils
        assert results["attendance"] is None and results["levels"] == []

    def test_the_default_plan_of_sessions_naming_a_pupil_cannot_be_published(
        self, world, held_module, login
    ):
        module, groups = held_module
        _hold_first_sessions(groups, plan_of_work="Lecture à deux avec Léa Martin")
        client = login(world.users["coordinator"])
        url = reverse("sharing:module-share", args=[module.pk])
        page = client.get(url).content.decode()
        assert "Séance 1 : Lecture à deux avec Léa Martin" in page
        assert "retirez tous les noms" in page
        client.post(url, {"action": "publish", "session_plan": "Séance 1 : avec Léa Martin"})
        assert not SharedModule.objects.exists()
        client.post(url, {"action": "publish", "session_plan": "Séance 1 : lecture à deux"})
        shared = SharedModule.objects.get()
        assert shared.results["students"] == 6 and shared.results["groups"] == len(groups)
        assert "Martin" not in repr(shared.results)


def _run_copy_in(school, module, students: int, present: int):
    """A published plan of ``school`` with one group of ``module`` and ``students`` members,
    its one session held (``present`` of them present, the others absent)."""
    year = SchoolYear.objects.filter(school=school).first() or f.SchoolYearFactory(school=school)
    level = f.LevelFactory(year=year)
    division = f.DivisionFactory(level=level)
    period, _created = Period.objects.get_or_create(
        year=year,
        number=1,
        defaults={
            "name": "Période 1",
            "start_date": datetime.date(2026, 9, 1),
            "end_date": datetime.date(2026, 10, 16),
        },
    )
    slot = Slot.objects.create(
        year=year,
        level=level,
        weekday=1,
        start_time=datetime.time(10),
        end_time=datetime.time(11),
    )
    plan = Plan.objects.create(level=level, period=period, status=Plan.Status.PUBLISHED)
    group = Group.objects.create(plan=plan, slot=slot, module=module)
    session = Session.objects.create(
        group=group,
        date=datetime.date(2026, 9, 8),
        start_time=datetime.time(10),
        end_time=datetime.time(11),
        status=Session.Status.DONE,
    )
    for n in range(students):
        pupil = f.StudentFactory(division=division, last_name=f"Copy{n}")
        Assignment.objects.create(group=group, student=pupil)
        status = Attendance.Status.PRESENT if n < present else Attendance.Status.ABSENT
        Attendance.objects.create(session=session, student=pupil, status=status)


class TestDiffusion:
    def test_the_copies_results_are_added_up_and_small_counts_hidden(
        self, world, held_module, academy, login
    ):
        module, groups = held_module
        _hold_first_sessions(groups)
        shared = sharing.shared_module_publish(
            module=module, user=None, session_plan="", year=world.year, today=TODAY
        )
        school_c = f.SchoolFactory(name="Lycée C", academy=academy)
        copies = []
        for school in (world.other_school, school_c):
            diagnostics.framework_install_default(school=school)
            copies.append(
                sharing.shared_module_copy(
                    shared=shared,
                    school=school,
                    user=None,
                    competency=sharing.matching_competency(shared, school),
                    code=sharing.free_code(shared.code, school),
                )
            )
        _run_copy_in(world.other_school, copies[0], students=3, present=2)
        rows = sharing.diffusion(academy, TODAY)
        assert len(rows) == 1
        assert rows[0].copies.copies == 2
        assert {s.name for s in rows[0].copies.schools} == {"Lycée B", "Lycée C"}
        assert (rows[0].copies.groups, rows[0].copies.students) == (1, 3)
        assert rows[0].copies.students_shown is None and rows[0].copies.attendance_shown is None

        _run_copy_in(school_c, copies[1], students=5, present=4)
        row = sharing.diffusion(academy, TODAY)[0]
        assert (row.copies.groups, row.copies.students_shown) == (2, 8)
        assert (row.copies.attendance.part, row.copies.attendance.whole) == (6, 8)
        assert row.source_attendance is not None

        inspector = f.UserFactory(username="inspecteur")
        AcademyMembership.objects.create(user=inspector, academy=academy)
        page = login(inspector).get(reverse("sharing:diffusion")).content.decode()
        assert "Lycée C" in page and "75,0 %" in page
        for pupil in ("Copy0", "Pupil0", "Martin"):
            assert pupil not in page

    def test_the_page_query_count_does_not_grow_with_modules(
        self, world, held_module, academy, login
    ):
        inspector = f.UserFactory(username="inspecteur")
        AcademyMembership.objects.create(user=inspector, academy=academy)
        client = login(inspector)
        counts = []
        for m in Module.objects.filter(school=world.school).order_by("code"):
            shared = sharing.shared_module_publish(
                module=m, user=None, session_plan="", year=world.year, today=TODAY
            )
            diagnostics.framework_install_default(school=world.other_school)
            copy = sharing.shared_module_copy(
                shared=shared,
                school=world.other_school,
                user=None,
                competency=sharing.matching_competency(shared, world.other_school),
                code=sharing.free_code(shared.code, world.other_school),
            )
            _run_copy_in(world.other_school, copy, students=5, present=5)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("sharing:diffusion")).status_code == 200
            counts.append(len(queries))
        assert len(counts) == 2 and counts[0] == counts[1]
