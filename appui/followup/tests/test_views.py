"""Every follow-up page: who gets it (200), who is refused (403), who must not even learn it
exists (404), and anonymous users (sent to the login page)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from appui.followup import services
from appui.followup.models import Attendance, CalendarFeed, ProgressMark, Session, StageReview
from appui.schools.models import Membership, Teaching
from appui.schools.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(world):
    """A teacher of the student's division who does not run the AP group."""
    user = f.UserFactory(username="reader")
    f.MembershipFactory(user=user, school=world.school, role=Membership.Role.TEACHER)
    staff = f.StaffFactory(school=world.school, user=user)
    Teaching.objects.create(staff=staff, division=world.division)
    return user


@pytest.fixture
def main_teacher(world):
    """The professeur principal of the student's division (not running the group)."""
    user = f.UserFactory(username="main")
    f.MembershipFactory(user=user, school=world.school, role=Membership.Role.TEACHER)
    staff = f.StaffFactory(school=world.school, user=user)
    Teaching.objects.create(staff=staff, division=world.division, is_main_teacher=True)
    return user


@pytest.fixture
def review(world, ap):
    (review,) = services.reviews_prepare(students=[world.student], period=ap.period, user=None)
    return review


def status(client, url, method="get", data=None, **extra):
    response = getattr(client, method)(url, data or {}, **extra)
    return response.status_code


def as_user(client, world, name):
    client.logout()
    if name == "anonymous":
        return client
    client.force_login(world.users[name])
    return client


def check(client, world, url, expected: dict, method="get", data=None):
    for name, code in expected.items():
        got = status(as_user(client, world, name), url, method, data)
        assert got == code, f"{name}: {got} != {code} for {method.upper()} {url}"


class TestReadPages:
    def test_the_session_page(self, client, world, today_session, reader):
        url = reverse("followup:session-detail", args=[today_session.pk])
        check(
            client,
            world,
            url,
            {
                "anonymous": 302,
                "outsider": 404,
                "student": 403,
                "guardian": 403,
                "academy": 403,
                "level_coordinator": 403,
                "teacher": 200,
                "coordinator": 200,
                "head": 200,
            },
        )
        client.force_login(reader)
        assert client.get(url).status_code == 200  # reads the sessions of their students

    def test_the_session_page_shows_the_roster_and_the_plan(self, login, world, today_session):
        today_session.plan_of_work = "1. Lire le document"
        today_session.save()
        body = (
            login(world.users["teacher"])
            .get(reverse("followup:session-detail", args=[today_session.pk]))
            .content.decode()
        )
        assert "1. Lire le document" in body
        assert "MARTIN Léa" in body and "HÉLÈNE Zoé" in body
        assert "Tous présents" in body or "All present" in body

    def test_the_session_page_queries_do_not_grow_with_the_group(
        self, login, world, ap, today_session, django_assert_max_num_queries
    ):
        from appui.planning.models import Assignment

        client = login(world.users["teacher"])
        url = reverse("followup:session-detail", args=[today_session.pk])
        client.get(url)
        with django_assert_max_num_queries(40) as small:
            client.get(url)
        for _ in range(10):
            Assignment.objects.create(
                group=ap.group, student=f.StudentFactory(division=world.division)
            )
        with django_assert_max_num_queries(len(small.captured_queries)):
            client.get(url)

    def test_the_group_sessions(self, client, world, ap):
        check(
            client,
            world,
            reverse("followup:group-sessions", args=[ap.group.pk]),
            {"anonymous": 302, "outsider": 404, "student": 403, "teacher": 200, "coordinator": 200},
        )

    def test_the_follow_up_hub(self, client, world, today_session):
        url = reverse("followup:index")
        check(
            client,
            world,
            url,
            {"anonymous": 302, "student": 403, "guardian": 403, "academy": 403, "teacher": 200},
        )
        body = as_user(client, world, "outsider").get(url).content.decode()
        assert "Lire pour comprendre" not in body
        body = as_user(client, world, "teacher").get(url).content.decode()
        assert "Lire pour comprendre" in body

    def test_the_staff_week(self, client, world, today_session):
        url = reverse("followup:staff-week")
        check(
            client,
            world,
            url,
            {"anonymous": 302, "student": 403, "guardian": 403, "outsider": 403, "teacher": 200},
        )
        body = as_user(client, world, "teacher").get(url).content.decode()
        assert "Lire pour comprendre" in body

    def test_the_student_timetable(self, client, world, today_session):
        for name in ("student-timetable", "student-timetable-print"):
            url = reverse(f"followup:{name}", args=[world.student.pk])
            check(
                client,
                world,
                url,
                {
                    "anonymous": 302,
                    "outsider": 404,
                    "academy": 403,
                    "student": 200,
                    "guardian": 200,
                    "teacher": 200,
                },
            )
            body = as_user(client, world, "student").get(url).content.decode()
            assert "Lire pour comprendre" in body
            classmate = reverse(f"followup:{name}", args=[world.classmate.pk])
            assert as_user(client, world, "student").get(classmate).status_code == 403

    def test_the_division_timetable(self, client, world, today_session):
        for name in ("division-timetable", "division-timetable-print"):
            check(
                client,
                world,
                reverse(f"followup:{name}", args=[world.division.pk]),
                {
                    "anonymous": 302,
                    "outsider": 404,
                    "student": 403,
                    "level_coordinator": 403,
                    "teacher": 200,
                },
            )

    def test_the_portfolio(self, client, world, today_session):
        url = reverse("followup:portfolio", args=[world.student.pk])
        check(
            client,
            world,
            url,
            {
                "anonymous": 302,
                "outsider": 404,
                "academy": 403,
                "student": 200,
                "guardian": 200,
                "teacher": 200,
            },
        )
        assert (
            as_user(client, world, "student")
            .get(reverse("followup:portfolio", args=[world.classmate.pk]))
            .status_code
            == 403
        )

    def test_the_student_page_shows_the_follow_up(self, login, world, today_session):
        body = (
            login(world.users["student"])
            .get(reverse("schools:student-detail", args=[world.student.pk]))
            .content.decode()
        )
        assert 'id="suivi"' in body
        assert reverse("followup:portfolio", args=[world.student.pk]) in body

    def test_the_home_page_lists_today_sessions(self, login, world, today_session):
        body = login(world.users["teacher"]).get(reverse("home")).content.decode()
        assert reverse("followup:session-detail", args=[today_session.pk]) in body


class TestRunningASession:
    """Every write on a session: its teacher and coordinators only."""

    @pytest.mark.parametrize(
        "name,data",
        [
            ("attendance", {"student": "STUDENT", "status": "present"}),
            ("all-present", {}),
            ("mark", {"student": "STUDENT", "level": "3"}),
            ("group-mark", {"level": "3"}),
            ("texts", {"content": "Lecture"}),
            ("co-evaluation", {"open": "1"}),
            ("session-cancel", {"reason": "Sortie"}),
            ("session-reschedule", {"date": "DATE", "start_time": "14:00", "end_time": "15:00"}),
            ("session-restore", {}),
        ],
    )
    def test_only_the_group_teacher_and_coordinators_write(
        self, client, world, today_session, reader, name, data
    ):
        data = {k: str(world.student.pk) if v == "STUDENT" else v for k, v in data.items()}
        url = reverse(f"followup:{name}", args=[today_session.pk])
        check(
            client,
            world,
            url,
            {
                "anonymous": 302,
                "outsider": 404,
                "student": 403,
                "guardian": 403,
                "level_coordinator": 403,
            },
            method="post",
            data=data,
        )
        client.force_login(reader)
        assert client.post(url, data).status_code == 403
        assert Attendance.objects.count() == 0 and ProgressMark.objects.count() == 0
        today_session.refresh_from_db()
        assert today_session.status == Session.Status.PLANNED and not today_session.content

    def test_attendance_in_htmx_answers_the_student_row(self, login, world, today_session):
        client = login(world.users["teacher"])
        response = client.post(
            reverse("followup:attendance", args=[today_session.pk]),
            {"student": world.student.pk, "status": "absent"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert f'id="eleve-{world.student.pk}"' in body
        assert 'value="absent" class="absent" aria-pressed="true"' in body
        assert 'hx-swap-oob="true"' in body  # the counters follow
        assert Attendance.objects.get(student=world.student).status == "absent"

    def test_all_present_then_a_group_level_then_one_correction(self, login, world, today_session):
        client = login(world.users["teacher"])
        client.post(
            reverse("followup:attendance", args=[today_session.pk]),
            {"student": world.classmate.pk, "status": "absent"},
        )
        response = client.post(
            reverse("followup:all-present", args=[today_session.pk]), HTTP_HX_REQUEST="true"
        )
        assert 'id="roster"' in response.content.decode()
        client.post(reverse("followup:group-mark", args=[today_session.pk]), {"level": "3"})
        client.post(
            reverse("followup:mark", args=[today_session.pk]),
            {"student": world.student.pk, "level": "4"},
        )
        client.post(
            reverse("followup:mark", args=[today_session.pk]),
            {"student": world.student.pk, "comment": "Très bien"},
        )
        attendance = dict(
            Attendance.objects.filter(session=today_session).values_list("student_id", "status")
        )
        assert attendance == {world.student.pk: "present", world.classmate.pk: "absent"}
        (mark,) = ProgressMark.objects.filter(session=today_session)
        assert (mark.student, mark.level, mark.comment) == (world.student, 4, "Très bien")
        today_session.refresh_from_db()
        assert today_session.status == Session.Status.DONE

    def test_a_student_of_another_group_is_refused_in_the_row(self, login, world, today_session):
        response = login(world.users["teacher"]).post(
            reverse("followup:attendance", args=[today_session.pk]),
            {"student": world.student_elsewhere.pk, "status": "present"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 404  # not a row of this session
        assert not Attendance.objects.exists()

    def test_a_student_of_another_school_is_404(self, login, world, today_session):
        response = login(world.users["teacher"]).post(
            reverse("followup:attendance", args=[today_session.pk]),
            {"student": world.foreign_student.pk, "status": "present"},
        )
        assert response.status_code == 404

    def test_the_teacher_cancels_then_restores(self, login, world, ap):
        session = ap.sessions[-1]
        session.date = timezone.localdate() + datetime.timedelta(days=7)
        session.save()
        client = login(world.users["teacher"])
        assert client.get(reverse("followup:session-cancel", args=[session.pk])).status_code == 200
        client.post(reverse("followup:session-cancel", args=[session.pk]), {"reason": "Sortie"})
        session.refresh_from_db()
        assert session.status == Session.Status.CANCELLED
        client.post(reverse("followup:session-restore", args=[session.pk]))
        session.refresh_from_db()
        assert session.status == Session.Status.PLANNED

    def test_a_coordinator_moves_a_session(self, login, world, ap):
        session = ap.sessions[1]
        client = login(world.users["coordinator"])
        url = reverse("followup:session-reschedule", args=[session.pk])
        assert client.get(url).status_code == 200
        response = client.post(
            url, {"date": "2026-10-20", "start_time": "10:00", "end_time": "11:00"}
        )
        assert response.status_code == 200  # holidays: the form shows the error
        assert "vacances" in response.content.decode() or "holiday" in response.content.decode()
        client.post(url, {"date": "2026-09-10", "start_time": "14:00", "end_time": "15:00"})
        session.refresh_from_db()
        assert (session.date, session.rescheduled_from) == (
            datetime.date(2026, 9, 10),
            datetime.date(2026, 9, 8),
        )


class TestStudentAssessment:
    def test_a_student_assesses_their_own_progress(self, client, world, today_session):
        services.attendance_all_present(session=today_session, user=None)
        url = reverse("followup:student-mark", args=[today_session.pk])
        check(
            client,
            world,
            url,
            {"anonymous": 302, "outsider": 404, "teacher": 403, "guardian": 403},
            method="post",
            data={"level": "3"},
        )
        response = as_user(client, world, "student").post(url, {"level": "3", "comment": "ok"})
        assert response.status_code == 302
        mark = ProgressMark.objects.get(author_kind="self")
        assert (mark.student, mark.level, mark.comment) == (world.student, 3, "ok")

    def test_the_student_page_shows_their_mark_on_the_last_session(
        self, login, world, today_session
    ):
        services.attendance_all_present(session=today_session, user=None)
        client = login(world.users["student"])
        client.post(
            reverse("followup:student-mark", args=[today_session.pk]),
            {"level": "3", "comment": "presque"},
        )
        body = client.get(reverse("schools:student-detail", args=[world.student.pk]))
        html = body.content.decode()
        assert 'value="presque"' in html
        assert 'value="3" aria-pressed="true"' in html
        assert 'value="2" aria-pressed="true"' not in html

    def test_a_student_assesses_a_classmate_when_co_evaluation_is_open(
        self, login, world, today_session
    ):
        services.attendance_all_present(session=today_session, user=None)
        services.session_set_co_evaluation(session=today_session, open=True, user=None)
        client = login(world.users["student"])
        page = client.get(reverse("schools:student-detail", args=[world.student.pk]))
        assert 'name="student"' in page.content.decode()
        client.post(
            reverse("followup:student-mark", args=[today_session.pk]),
            {"level": "2", "student": world.classmate.pk},
        )
        mark = ProgressMark.objects.get(author_kind="peer")
        assert (mark.student, mark.assessor) == (world.classmate, world.student)


class TestCalendar:
    def test_the_agenda_page_is_for_staff(self, client, world, ap):
        check(
            client,
            world,
            reverse("followup:agenda"),
            {"anonymous": 302, "student": 403, "guardian": 403, "outsider": 403, "teacher": 200},
        )

    def test_renewing_changes_the_address(self, login, world, ap):
        client = login(world.users["teacher"])
        client.get(reverse("followup:agenda"))
        old = CalendarFeed.objects.get(staff=ap.teacher).token
        client.post(reverse("followup:agenda"))
        assert CalendarFeed.objects.get(staff=ap.teacher).token != old
        assert client.get(reverse("followup:ical-feed", args=[old])).status_code == 404

    def test_the_feed_needs_no_login_but_the_secret(self, client, world, ap):
        services.session_cancel(session=ap.sessions[2], reason="", user=None)
        feed = services.calendar_feed_for(staff=ap.teacher)
        response = client.get(reverse("followup:ical-feed", args=[feed.token]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        body = response.content.decode()
        assert body.count("BEGIN:VEVENT") == 7
        assert "SUMMARY:AP LEC-S" in body
        assert "DTSTART;TZID=Europe/Paris:20260901T100000" in body
        assert "STATUS:CANCELLED" in body
        assert "BEGIN:VTIMEZONE" in body
        assert "MARTIN" not in body  # no student names in a feed
        assert client.get(reverse("followup:ical-feed", args=["nope"])).status_code == 404


class TestHours:
    def test_the_level_pages_are_for_coordinators(self, client, world, ap):
        check(
            client,
            world,
            reverse("followup:hours-index"),
            {
                "anonymous": 302,
                "teacher": 403,
                "student": 403,
                "academy": 403,
                "coordinator": 200,
                "level_coordinator": 200,
                "head": 200,
            },
        )
        check(
            client,
            world,
            reverse("followup:hours-level", args=[world.level.pk]),
            {
                "anonymous": 302,
                "outsider": 404,
                "teacher": 403,
                "level_coordinator": 403,
                "coordinator": 200,
            },
        )
        check(
            client,
            world,
            reverse("followup:hours-staff"),
            {"anonymous": 302, "teacher": 403, "student": 403, "coordinator": 200},
        )

    def test_the_level_page_shows_due_planned_and_warnings(self, login, world, ap):
        f.StudentFactory(division=world.division, last_name="Seul")
        body = (
            login(world.users["coordinator"])
            .get(reverse("followup:hours-level", args=[world.level.pk]))
            .content.decode()
        )
        assert "90 h" in body  # due
        assert "10 h 30" in body  # planned: 7 sessions of 1 h 30
        assert "même nombre" in body  # the student in no group

    def test_a_level_coordinator_sees_only_their_levels(self, login, world, ap):
        body = (
            login(world.users["level_coordinator"])
            .get(reverse("followup:hours-index"))
            .content.decode()
        )
        assert world.other_level.name in body and world.level.name not in body

    def test_the_service_sheet_lists_the_staff(self, login, world, ap):
        body = (
            login(world.users["coordinator"]).get(reverse("followup:hours-staff")).content.decode()
        )
        assert ap.teacher.last_name.upper() in body
        assert "10 h 30" in body


class TestReviews:
    def test_the_division_list_is_for_the_main_teacher_and_coordinators(
        self, client, world, ap, main_teacher
    ):
        url = reverse("followup:review-list", args=[world.division.pk]) + f"?periode={ap.period.pk}"
        check(
            client,
            world,
            url,
            {
                "anonymous": 302,
                "outsider": 404,
                "student": 403,
                "teacher": 403,
                "level_coordinator": 403,
                "coordinator": 200,
            },
        )
        client.force_login(main_teacher)
        assert client.get(url).status_code == 200
        client.post(url, {"periode": ap.period.pk})
        assert StageReview.objects.filter(period=ap.period).count() == 2

    def test_a_draft_is_read_by_staff_only(self, client, world, review):
        check(
            client,
            world,
            reverse("followup:review-detail", args=[review.pk]),
            {
                "anonymous": 302,
                "outsider": 404,
                "student": 403,
                "guardian": 403,
                "academy": 403,
                "teacher": 200,
                "coordinator": 200,
            },
        )

    def test_a_validated_review_is_read_by_the_student_and_guardian(self, client, world, review):
        services.review_validate(review=review, user=None)
        url = reverse("followup:review-detail", args=[review.pk])
        check(client, world, url, {"student": 200, "guardian": 200, "outsider": 404})
        body = as_user(client, world, "guardian").get(url).content.decode()
        assert "<form" not in body.split('id="contenu"')[1]  # nothing to edit

    def test_only_the_main_teacher_and_coordinators_edit(self, client, world, review, main_teacher):
        edit = reverse("followup:review-detail", args=[review.pk])
        data = {"progress": "P", "strengths": "S", "next_objectives": "N", "comment": "C"}
        data["version"] = review.version
        check(
            client,
            world,
            edit,
            {"anonymous": 302, "outsider": 404, "student": 403, "teacher": 403},
            method="post",
            data={**data, "action": "validate"},
        )
        action = reverse("followup:review-action", args=[review.pk])
        check(
            client,
            world,
            action,
            {"anonymous": 302, "outsider": 404, "student": 403, "guardian": 403, "teacher": 403},
            method="post",
            data={"action": "refresh", "version": review.version},
        )
        review.refresh_from_db()
        assert review.status == StageReview.Status.DRAFT and review.progress != "P"
        client.force_login(main_teacher)
        client.post(edit, data)
        review.refresh_from_db()
        client.post(edit, {**data, "version": review.version, "action": "validate"})
        review.refresh_from_db()
        assert (review.progress, review.status) == ("P", StageReview.Status.VALIDATED)

    def test_drafting_one_review_from_the_student_page(self, client, world, ap):
        url = reverse("followup:review-prepare", args=[world.student.pk, ap.period.pk])
        check(
            client,
            world,
            url,
            {"anonymous": 302, "outsider": 404, "student": 403, "teacher": 403},
            method="post",
        )
        assert as_user(client, world, "coordinator").post(url).status_code == 302
        assert StageReview.objects.filter(student=world.student).count() == 1
