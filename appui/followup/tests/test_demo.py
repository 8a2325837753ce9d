import random

import pytest
from django.utils import timezone

from appui.followup.demo import extend_demo
from appui.followup.models import Attendance, ProgressMark, Session, StageReview

pytestmark = pytest.mark.django_db


def test_the_demo_records_past_sessions_and_validates_reviews(world, ap):
    world.users["student"].username = "eleve"
    world.users["student"].save()
    extend_demo(world.school, random.Random(3))
    past = Session.objects.filter(group=ap.group, date__lt=timezone.localdate())
    assert past.exclude(status=Session.Status.PLANNED).count() == past.count()
    held = past.filter(status=Session.Status.DONE)
    assert Attendance.objects.filter(session__in=held).count() == 2 * held.count()
    assert ProgressMark.objects.filter(author_kind="teacher").exists()
    review = StageReview.objects.get(student=world.student, period=ap.period)
    assert review.is_validated and review.data["modules"]


def test_the_demo_does_nothing_without_published_plans(world):
    extend_demo(world.school, random.Random(3))
    assert not Session.objects.exists() and not StageReview.objects.exists()
