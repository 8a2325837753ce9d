"""Pages that show "today", "this week" or "the current period" use the date in Paris, at any
hour the suite runs: late on a Sunday evening (already Monday in Paris), on a public holiday,
during school holidays, and on the nights the school year turns (23:30 UTC on 30 and 31
August is already 31 August and 1 September in Paris).

The group meets on Tuesdays in periods 1 (1 Sept – 16 Oct 2026) and 2 (2 Nov – 18 Dec);
period 3 starts after Christmas.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse

from appui.followup.models import Session
from appui.schools.models import Membership, Period
from appui.schools.tests import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date
UTC = datetime.UTC


@dataclass(frozen=True)
class Moment:
    utc: datetime.datetime
    paris: datetime.date  # the date in Paris at that instant
    monday: datetime.date  # the week the timetables show
    period: int  # the period the printable timetable shows
    remaining_weeks: int  # Tuesdays with a slot after today (holidays left out)

    @property
    def utc_date(self) -> datetime.date:
        return self.utc.date()


MOMENTS = {
    # 00:45 on Sunday in Paris: the timetables show the week ahead.
    "saturday-night": Moment(
        datetime.datetime(2026, 12, 5, 23, 45, tzinfo=UTC), D(2026, 12, 6), D(2026, 12, 7), 2, 2
    ),
    # 00:30 on Monday in Paris: the new week, not the one the machine's date is in.
    "sunday-night": Moment(
        datetime.datetime(2026, 11, 22, 23, 30, tzinfo=UTC), D(2026, 11, 23), D(2026, 11, 23), 2, 4
    ),
    "armistice": Moment(
        datetime.datetime(2026, 11, 11, 9, tzinfo=UTC), D(2026, 11, 11), D(2026, 11, 9), 2, 5
    ),
    "christmas-holidays": Moment(
        datetime.datetime(2026, 12, 23, 9, tzinfo=UTC), D(2026, 12, 23), D(2026, 12, 21), 3, 0
    ),
    "31-august": Moment(
        datetime.datetime(2026, 8, 30, 23, 30, tzinfo=UTC), D(2026, 8, 31), D(2026, 8, 31), 1, 14
    ),
    "1-september": Moment(
        datetime.datetime(2026, 8, 31, 23, 30, tzinfo=UTC), D(2026, 9, 1), D(2026, 8, 31), 1, 13
    ),
}


@pytest.fixture(params=list(MOMENTS), ids=list(MOMENTS))
def moment(request, clock, world, ap) -> Moment:
    Period.objects.create(
        year=world.year,
        number=3,
        name="Période 3",
        start_date=D(2027, 1, 4),
        end_date=D(2027, 2, 12),
    )
    f.MembershipFactory(user=world.users["teacher"], school=world.school, role=Membership.Role.HEAD)
    chosen = MOMENTS[request.param]
    clock.move_to(chosen.utc, tick=False)
    return chosen


def session_on(ap, day: datetime.date) -> Session:
    session, _created = Session.objects.get_or_create(
        group=ap.group,
        date=day,
        defaults={"start_time": datetime.time(10), "end_time": datetime.time(11, 30)},
    )
    return session


@pytest.fixture
def sessions(ap, moment) -> tuple[Session, Session | None]:
    """A session on the day in Paris and, when the machine's date differs, one on that date."""
    wrong = session_on(ap, moment.utc_date) if moment.utc_date != moment.paris else None
    return session_on(ap, moment.paris), wrong


def link(session: Session) -> str:
    return reverse("followup:session-detail", args=[session.pk])


@pytest.mark.parametrize("name", ["home", "followup:index"])
def test_the_staff_pages_list_the_sessions_of_the_day_in_paris(
    login, world, moment, sessions, name
):
    today, wrong = sessions
    response = login(world.users["teacher"]).get(reverse(name))
    page = response.content.decode()
    # The day's list only: a session of the day before (the UTC date) is past and rightly
    # listed elsewhere on the page, among the « appels à faire ».
    start = page.index('id="today-title"')
    body = page[start : page.index("</section>", start)]
    assert link(today) in body
    if wrong is not None:
        assert link(wrong) not in body


def test_the_follow_up_hub_is_dated_in_paris(login, world, moment, sessions):
    response = login(world.users["teacher"]).get(reverse("followup:index"))
    assert response.context["today"] == moment.paris
    assert [s.date for s in response.context["sessions"]] == [moment.paris]


@pytest.mark.parametrize(
    "page",
    ["staff-week", "student-timetable", "division-timetable"],
)
def test_the_timetables_show_the_week_of_the_day_in_paris(login, world, moment, sessions, page):
    args = {"student-timetable": [world.student.pk], "division-timetable": [world.division.pk]}
    response = login(world.users["teacher"]).get(reverse(f"followup:{page}", args=args.get(page)))
    assert response.context["monday"] == moment.monday
    assert response.context["this_week"] == moment.monday
    days = {day.date: day.sessions for day in response.context["days"]}
    if moment.paris.weekday() == 6:
        assert min(days) == moment.paris + datetime.timedelta(days=1)
    else:
        assert [s.pk for s in days[moment.paris]] == [sessions[0].pk]


@pytest.mark.parametrize("page", ["student-timetable-print", "division-timetable-print"])
def test_the_printable_timetables_show_the_current_or_next_period(
    login, world, moment, sessions, page
):
    pk = world.student.pk if page.startswith("student") else world.division.pk
    response = login(world.users["teacher"]).get(reverse(f"followup:{page}", args=[pk]))
    assert response.context["period"].number == moment.period


def test_the_session_list_marks_the_day_in_paris(login, world, ap, moment, sessions):
    response = login(world.users["teacher"]).get(
        reverse("followup:group-sessions", args=[ap.group.pk])
    )
    assert response.context["today"] == moment.paris
    body = response.content.decode()
    row = body[body.index(link(sessions[0])) :].split("</th>", 1)[0]
    assert 'class="badge"' in row
    if sessions[1] is not None:
        wrong_row = body[body.index(link(sessions[1])) :].split("</th>", 1)[0]
        assert 'class="badge"' not in wrong_row


def test_the_hours_count_the_weeks_left_after_the_day_in_paris(login, world, moment):
    response = login(world.users["coordinator"]).get(
        reverse("followup:hours-level", args=[world.level.pk])
    )
    assert response.context["remaining_weeks"] == moment.remaining_weeks


def test_the_steering_dashboard_measures_on_the_day_in_paris(login, world, moment):
    response = login(world.users["head"]).get(reverse("steering:dashboard"))
    assert response.status_code == 200
    assert response.context["scope"].today == moment.paris
