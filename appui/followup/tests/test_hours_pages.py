"""The hour pages read summaries: the index's figures equal the detailed page's, and no hour
page's query count grows with the levels, groups, sessions or pupils shown."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from appui.followup import selectors, services
from appui.followup.models import Session
from appui.planning.models import Assignment, Group, Plan, Slot
from appui.schools.tests import factories as f

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def hold(session):
    services.attendance_all_present(session=session, user=None, today=TODAY)


def more_rows(world, ap):
    """A second level's published plan with a slot, a group of new pupils and its sessions;
    a second group of the first plan with no session yet; more pupils in the first level; a
    third level."""
    slot = Slot.objects.create(
        year=world.year,
        level=world.other_level,
        weekday=3,
        start_time=datetime.time(14),
        end_time=datetime.time(15),
    )
    slot.periods.set([ap.period, ap.period2])
    plan = Plan.objects.create(
        level=world.other_level,
        period=ap.period,
        status=Plan.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    group = Group.objects.create(plan=plan, slot=slot, module=ap.module, room=ap.room)
    group.staff.set([ap.teacher])
    for n in range(6):
        student = f.StudentFactory(division=world.other_division, last_name=f"Autre{n}")
        Assignment.objects.create(group=group, student=student)
    sessions = services.sessions_generate_for_plan(plan=plan, today=TODAY)
    hold(sessions[0])
    services.session_cancel(session=sessions[1], reason="", user=None)
    second = Group.objects.create(plan=ap.plan, slot=ap.slot, module=ap.module, room=ap.room)
    for n in range(5):
        student = f.StudentFactory(division=world.division, last_name=f"Nouveau{n}")
        Assignment.objects.create(group=second, student=student)
    hold(ap.sessions[0])
    # A third level (a row more on the index), with pupils and no plan.
    third = f.LevelFactory(year=world.year, name="Tle pro", short_name="TPRO", year_in_cycle=3)
    f.StudentFactory(division=f.DivisionFactory(level=third, code="TA"))


def _folded(records):
    return sorted(
        (r.group, r.status.value, r.strand.value, r.duration_minutes, r.students, r.staff)
        for r in records
    )


class TestSessionTotals:
    def test_they_equal_the_folded_session_records(self, world, ap):
        more_rows(world, ap)
        services.session_cancel(session=ap.sessions[2], reason="", user=None)
        # A session marked held although dated after today counts as planned.
        Session.objects.filter(pk=ap.sessions[-1].pk).update(
            status=Session.Status.DONE, date=TODAY + datetime.timedelta(days=3)
        )
        groups = Group.objects.filter(plan__level__year=world.year)
        records = selectors.session_records(groups, attendance=False)
        totals = selectors.session_totals(groups, TODAY)
        assert _folded(totals.folded) == _folded(selectors.fold_records(records.all, TODAY))
        assert [r.id for r in totals.unrecorded] == [
            r.id for r in records.recorded if r.is_unrecorded(TODAY)
        ]
        assert totals.unrecorded


class TestStaffService:
    def test_it_equals_the_staff_hours_of_every_session(self, world, ap):
        from appui.core import hours

        more_rows(world, ap)
        services.session_cancel(session=ap.sessions[2], reason="", user=None)
        Session.objects.filter(pk__in=[ap.sessions[0].pk, ap.sessions[1].pk]).update(
            status=Session.Status.DONE
        )
        # Held but dated after today: planned, not delivered.
        Session.objects.filter(pk=ap.sessions[-1].pk).update(
            status=Session.Status.DONE, date=TODAY + datetime.timedelta(days=3)
        )
        levels = [world.level, world.other_level]
        records = selectors.session_records(
            Group.objects.filter(plan__level__in=levels), attendance=False
        )
        expected = hours.staff_hours(records.all, as_of=TODAY)
        rows = selectors.staff_service(levels, TODAY)
        assert {row["staff"].pk: row["hours"] for row in rows} == expected
        assert any(h.sessions_delivered > 1 for h in expected.values())
        assert any(h.cancelled.total for h in expected.values())


class TestLevelSummaries:
    def test_they_show_what_the_level_page_shows(self, world, ap):
        more_rows(world, ap)
        services.session_cancel(session=ap.sessions[3], reason="", user=None)
        levels = [world.level, world.other_level]
        summaries = dict(selectors.level_summaries(world.year, levels, TODAY))
        for level in levels:
            detailed, summary = selectors.level_hours(level, TODAY), summaries[level]
            assert summary["report"].planned == detailed["report"].planned
            assert summary["report"].delivered == detailed["report"].delivered
            assert summary["report"].remaining_minutes == detailed["report"].remaining_minutes
            assert summary["strands"] == detailed["strands"]
            assert [w.message for w in summary["warnings"]] == [
                w.message for w in detailed["warnings"]
            ]
            assert summary["warnings"]


@pytest.mark.parametrize(
    "name, args",
    [("followup:hours-index", []), ("followup:hours-staff", []), ("followup:hours-level", None)],
)
def test_the_hour_pages_queries_do_not_grow_with_the_rows(
    login, world, ap, django_assert_max_num_queries, name, args
):
    client = login(world.users["coordinator"])
    url = reverse(name, args=[world.level.pk] if args is None else args)
    assert client.get(url).status_code == 200
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    more_rows(world, ap)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_the_coordinator_todo_queries_do_not_grow_with_the_levels(
    world, ap, django_assert_max_num_queries
):
    from appui.followup.selectors import reminders
    from appui.schools.access import SchoolAccess

    access = SchoolAccess.load(world.users["coordinator"], world.school)
    # Both levels have a plan for the current period: their hours are checked.
    for level in (world.level, world.other_level):
        Plan.objects.create(level=level, period=ap.period2, status=Plan.Status.PUBLISHED)
    with django_assert_max_num_queries(40) as small:
        reminders.coordinator_todo(access, world.year)
    more_rows(world, ap)
    third = world.year.levels.get(short_name="TPRO")
    Plan.objects.create(level=third, period=ap.period2, status=Plan.Status.PUBLISHED)
    with django_assert_max_num_queries(len(small.captured_queries)):
        items = reminders.coordinator_todo(access, world.year)
    assert "hours" in {item.key for item in items}


def test_the_pupil_page_follow_up_queries_do_not_grow_with_the_sessions(
    login, world, ap, django_assert_max_num_queries
):
    # One held session and one to come already: the page's lists are not empty.
    hold(ap.sessions[0])
    Session.objects.create(
        group=ap.group,
        date=TODAY + datetime.timedelta(days=7),
        start_time=datetime.time(10),
        end_time=datetime.time(11, 30),
    )
    client = login(world.users["coordinator"])
    url = reverse("schools:student-detail", args=[world.student.pk])
    client.get(url)
    with django_assert_max_num_queries(60) as small:
        client.get(url)
    more_rows(world, ap)
    # More groups and sessions for the pupil, held and marked.
    group = Group.objects.filter(plan__level=world.other_level).get()
    Assignment.objects.create(group=group, student=world.student)
    for session in ap.sessions[1:4]:
        hold(session)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_the_level_page_lists_its_pupils_a_page_at_a_time(login, world, ap, monkeypatch):
    from appui.followup import views

    monkeypatch.setattr(views, "HOURS_STUDENT_ROWS", 2)
    more_rows(world, ap)
    client = login(world.users["coordinator"])
    url = reverse("followup:hours-level", args=[world.other_level.pk])
    everyone = selectors.level_hours(world.other_level, TODAY)["rows"]
    assert len(everyone) > 2
    first = client.get(url)
    assert [row.student for row in first.context["rows"]] == [r.student for r in everyone[:2]]
    assert "page=2#students-title" in first.content.decode()
    # The figures still count every pupil.
    assert first.context["report"].students.keys() == {r.student.pk for r in everyone}
    last = client.get(f"{url}?page=99").context["rows"]
    assert [row.student for row in last] == [
        r.student for r in everyone[(len(everyone) - 1) // 2 * 2 :]
    ]
