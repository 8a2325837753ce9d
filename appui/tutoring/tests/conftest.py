import datetime

import pytest

from appui.schools.models import Membership, Staff
from appui.schools.tests import factories as f
from appui.tutoring import services

TODAY = datetime.date(2026, 10, 5)


@pytest.fixture
def tutoring(world):
    """School A with terms (max 2 tutees, 50 € each) and two volunteer tutors.

    - ``tutor``: a teacher of division 2A (the « teacher » user's colleague), with the
      student Léa Martin as tutee;
    - ``spare``: a volunteer with no tutee, who teaches nothing.
    """
    services.policy_set(year=world.year, max_tutees=2, allowance_per_tutee=50)
    tutor_user = f.UserFactory(username="tutor")
    world.users["tutor"] = tutor_user
    tutor_staff = f.StaffFactory(school=world.school, user=tutor_user, last_name="Tuteur")
    f.MembershipFactory(user=tutor_user, school=world.school, role=Membership.Role.TEACHER)
    world.division.teachings.create(staff=tutor_staff)
    spare_user = f.UserFactory(username="spare")
    world.users["spare"] = spare_user
    spare_staff = f.StaffFactory(school=world.school, user=spare_user, last_name="Réserve")
    f.MembershipFactory(user=spare_user, school=world.school, role=Membership.Role.TEACHER)
    tutor = services.tutor_volunteer(staff=tutor_staff, year=world.year, today=TODAY)
    spare = services.tutor_volunteer(staff=spare_staff, year=world.year, today=TODAY)
    tutorship = services.tutorship_create(tutor=tutor, student=world.student, today=TODAY)
    return {
        "tutor": tutor,
        "spare": spare,
        "tutorship": tutorship,
        "teacher_staff": Staff.objects.get(user=world.users["teacher"]),
    }


@pytest.fixture
def outsider_head(world):
    """The outsider becomes head of school B: they manage tutoring, but only there."""
    f.MembershipFactory(
        user=world.users["outsider"], school=world.other_school, role=Membership.Role.HEAD
    )
    return world.users["outsider"]
