"""The demo's study help: a weekly slot with sign-ups, past attendance, and today's slot open."""

import datetime
import zoneinfo

import pytest

from appui.tutoring import selectors
from appui.tutoring.models import StudyHelpSignup, StudyHelpSlot

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)  # the browser tests' Tuesday


@pytest.fixture
def demo(settings, time_machine):
    from appui.schools.demo import build_demo

    paris = zoneinfo.ZoneInfo("Europe/Paris")
    time_machine.move_to(datetime.datetime.combine(TODAY, datetime.time(10), paris), tick=True)
    settings.DEMO_SOLVE_PLANS = False
    return build_demo(seed=7, students=60)


def test_the_demo_has_a_weekly_slot_with_past_attendance_and_today_open(demo):
    slots = StudyHelpSlot.objects.filter(year__school=demo.school)
    assert slots.values("series").distinct().count() == 1
    assert {s.date.weekday() for s in slots} == {1}
    past = StudyHelpSignup.objects.filter(slot__date__lt=TODAY)
    assert past.exists() and not past.filter(attendance="").exists()
    assert past.filter(attendance="present").count() > past.count() // 2
    today = slots.get(date=TODAY)
    assert today.taken == 0
    eleve = StudyHelpSignup.objects.filter(student__user__username="eleve", slot__date__gt=TODAY)
    assert eleve.count() == 1
    summary = selectors.study_help_summary(today.year)
    assert summary["recorded"] == past.count() and summary["attendance_rate"] is not None
