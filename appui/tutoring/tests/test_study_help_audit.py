"""Study-help sign-ups are pupil records: signing up, cancelling and the attendance taken are
in the audit trail (``appui.audit.tracked``), with who did it and the pupil they concern."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from appui.audit import trail
from appui.tutoring import services
from appui.tutoring.models import StudyHelpSignup

from .test_study_help import NOW, TUESDAY, at
from .test_study_help import clock as clock  # noqa: F401 (the pinned clock, autouse)
from .test_study_help import slot as slot  # noqa: F401
from .test_study_help import supervisor as supervisor  # noqa: F401

pytestmark = pytest.mark.django_db
Action = LogEntry.Action


def signup_entries(student):
    return list(
        trail.entries_for(student.pk)
        .filter(content_type__model="studyhelpsignup")
        .order_by("timestamp", "pk")
    )


def test_a_pupil_signing_up_then_cancelling_leaves_two_entries(world, slot, login):
    pupil = world.users["student"]
    client = login(pupil)
    client.post(reverse("tutoring:study-help-signup", args=[slot.pk]))
    signup = StudyHelpSignup.objects.get(student=world.student)
    client.post(reverse("tutoring:study-help-cancel", args=[signup.pk]))
    assert not StudyHelpSignup.objects.exists()

    created, deleted = signup_entries(world.student)
    assert (created.action, deleted.action) == (Action.CREATE, Action.DELETE)
    assert created.actor == pupil and deleted.actor == pupil
    assert created.changes["slot"] == ["None", str(slot.pk)]
    assert "signed_up_at" not in created.changes  # the entry has its own time
    # The classmate's history says nothing of it.
    assert signup_entries(world.classmate) == []


def test_the_attendance_taken_is_kept_with_before_and_after(world, slot, supervisor):
    services.study_help_signup(slot=slot, student=world.student, now=NOW)
    services.study_help_attendance_set(
        slot=slot,
        marks={world.student.pk: "absent"},
        user=supervisor.user,
        now=at(TUESDAY, 17, 30),
    )
    update = signup_entries(world.student)[-1]
    assert update.action == Action.UPDATE
    assert update.changes["attendance"] == ["", "absent"]
