"""The demo school feeds every dashboard: real-looking figures, no name for the académie.

One test, because building the demo (with its solved plans) is the slow part.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse

from appui.schools.models import Student
from appui.steering.models import Meeting, Milestone, Participation, Survey, Target
from appui.tutoring.models import Tutor, TutorMeeting, Tutorship

INDICATORS = [
    "targets",
    "hours",
    "attendance",
    "need_coverage",
    "progress",
    "marks",
    "churn",
    "modules",
    "staff",
    "never_offered",
    "tutoring",
    "satisfaction",
    "outcomes",
    "training",
    "instances",
    "milestones",
]


def test_the_demo_feeds_every_dashboard(db, settings, client):
    from appui.schools.demo import build_demo

    settings.DEMO_SOLVE_PLANS = True
    settings.DEMO_SOLVE_SECONDS = 0.5
    school = build_demo(seed=7, students=60).school

    # Tutoring: « tuteur » follows « eleve »; nobody beyond the maximum; meetings logged.
    tuteur = Tutor.objects.get(staff__user__username="tuteur")
    assert Tutorship.objects.filter(student__user__username="eleve", tutor=tuteur).exists()
    assert all(t.tutee_count <= t.max_tutees for t in Tutor.objects.all())
    assert TutorMeeting.objects.exists()
    # Steering: a year of meetings and milestones, targets, a closed survey with answers.
    assert Meeting.objects.filter(year__school=school).exists()
    assert Milestone.objects.filter(year__school=school).count() >= 10
    assert Target.objects.filter(year__school=school).exists()
    closed = Survey.objects.get(year__school=school, template="staff")
    assert closed.current_status == "closed"
    assert Participation.objects.filter(survey=closed).count() >= 5

    users = get_user_model().objects
    client.force_login(users.get(username="direction"))
    body = client.get(reverse("steering:dashboard")).content.decode()
    for key in INDICATORS:
        assert f'data-indicator="{key}"' in body, key
    assert body.count('class="bar-row"') > 30

    client.force_login(users.get(username="academie"))
    response = client.get(reverse("steering:academy"))
    assert response.status_code == 200
    body = response.content.decode()
    assert school.name in body
    for last_name in Student.objects.filter(school=school).values_list("last_name", flat=True):
        assert last_name.upper() not in body.upper()
