"""A session page shows a staff member only the pupils they may see (least privilege).

The group of ``ap`` mixes divisions here: the student and classmate of 2A, and « Dupin
Noé » of 2C. « teacher » runs the group and sees all three (they take the attendance);
« reader » teaches 2A only and does not run the group: they may read the session (they see
two of its pupils), and see on it only the pupils whose own pages open for them.
"""

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from appui.followup import services
from appui.followup.models import ProgressMark
from appui.planning.models import Assignment
from appui.schools.models import Membership, Teaching
from appui.schools.tests import factories as f


@pytest.fixture
def mixed(world, ap, today_session):
    other = f.DivisionFactory(level=world.level, code="2C")
    outside = f.StudentFactory(division=other, last_name="Dupin", first_name="Noé")
    Assignment.objects.create(group=ap.group, student=outside)
    reader = f.UserFactory(username="reader")
    f.MembershipFactory(user=reader, school=world.school, role=Membership.Role.TEACHER)
    staff = f.StaffFactory(school=world.school, user=reader)
    Teaching.objects.create(staff=staff, division=world.division)
    return outside, reader


def page(login, user, session):
    response = login(user).get(reverse("followup:session-detail", args=[session.pk]))
    return response, response.content.decode()


def test_the_teacher_running_the_group_sees_every_pupil(world, login, mixed, today_session):
    outside, _reader = mixed
    response, body = page(login, world.users["teacher"], today_session)
    assert response.status_code == 200
    for pupil in (world.student, world.classmate, outside):
        assert pupil.last_name.upper() in body
    assert 'id="hidden-members"' not in body


def test_a_reader_sees_only_the_pupils_of_their_divisions(world, login, mixed, today_session):
    outside, reader = mixed
    services.attendance_set(
        session=today_session, student=outside, status="absent", user=world.users["teacher"]
    )
    response, body = page(login, reader, today_session)
    assert response.status_code == 200
    assert world.student.last_name.upper() in body and world.classmate.last_name.upper() in body
    assert outside.last_name.upper() not in body and outside.first_name not in body
    # Only the text counts: a token or a nonce in an attribute may hold « 2C » by chance.
    assert "2C" not in strip_tags(body)
    assert 'id="hidden-members"' in body and "1 autre élève" in body


def test_the_hidden_pupil_s_own_page_is_refused_to_the_reader_too(world, login, mixed):
    """The rule of the session page is the rule of the pupil's page."""
    outside, reader = mixed
    response = login(reader).get(reverse("schools:student-detail", args=[outside.pk]))
    assert response.status_code in (403, 404)


def test_a_co_evaluation_by_a_hidden_pupil_does_not_show_their_name(
    world, login, mixed, today_session
):
    outside, reader = mixed
    ProgressMark.objects.create(
        session=today_session,
        student=world.student,
        assessor=outside,
        author_kind=ProgressMark.AuthorKind.PEER,
        level=2,
    )
    _response, body = page(login, reader, today_session)
    assert outside.first_name not in body
    _response, body = page(login, world.users["teacher"], today_session)
    assert outside.first_name in body


def test_a_staff_member_seeing_none_of_its_pupils_is_refused(world, login, ap, today_session):
    other = f.UserFactory(username="elsewhere")
    f.MembershipFactory(user=other, school=world.school, role=Membership.Role.TEACHER)
    staff = f.StaffFactory(school=world.school, user=other)
    Teaching.objects.create(staff=staff, division=world.other_division)
    response, _body = page(login, other, today_session)
    assert response.status_code == 403


def test_an_outsider_is_not_told_the_session_exists(world, login, today_session):
    response, _body = page(login, world.users["outsider"], today_session)
    assert response.status_code == 404


def test_the_coordinator_sees_every_pupil(world, login, mixed, today_session):
    outside, _reader = mixed
    _response, body = page(login, world.users["coordinator"], today_session)
    assert outside.last_name.upper() in body
