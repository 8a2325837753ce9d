"""The audit trail (docs/rgpd.md « Journal d'audit »): changes to a pupil's records, with who,
when, before and after, reads of restricted notes, and the head's history page.

Cross-app: the trail (appui.audit) follows records of schools, diagnostics, planning,
followup and tutoring; the page lives in schools.
"""

import datetime

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from appui.audit import trail
from appui.audit.models import StudentLink
from appui.diagnostics import services as diagnostics
from appui.diagnostics.models import Observation
from appui.followup import services as followup
from appui.followup.models import Attendance
from appui.followup.tests import conftest as followup_fixtures
from appui.planning import services as planning
from appui.planning.models import Assignment, Group, Module
from appui.schools import services as schools

pytestmark = pytest.mark.django_db
TODAY = followup_fixtures.TODAY
# The follow-up tests' world: a published plan with one group and its sessions, on a pinned
# clock (Tuesday 24 November 2026 in Paris).
clock = followup_fixtures.clock
ap = followup_fixtures.ap
today_session = followup_fixtures.today_session
Action = LogEntry.Action


def entries(student, **filters):
    return list(trail.entries_for(student.pk).filter(**filters))


def changed(entry, field):
    return entry.changes[field]


# ------------------------------------------------------------------------------ writes


def test_a_change_to_a_pupil_is_kept_with_who_before_and_after(world):
    head = world.users["head"]
    with set_actor(head):
        schools.student_update(student=world.student, first_name="Léonie")
    [entry] = entries(world.student, action=Action.UPDATE, actor=head)
    assert entry.actor == head
    assert changed(entry, "first_name") == ["Léa", "Léonie"]
    # Bookkeeping columns are not noise in the trail.
    assert "search_text" not in entry.changes


def test_a_result_change_is_kept_with_before_and_after(world, planning):
    from appui.diagnostics.models import Campaign

    framework = world.school.frameworks.get()
    campaign = diagnostics.campaign_create(
        level=world.level,
        period=planning["period"],
        kind=Campaign.Kind.SEPTEMBER_REVIEW,
        name="Bilan",
        date=datetime.date(2026, 9, 15),
        framework=framework,
        competencies=list(framework.competencies.filter(code="FR.LEC")),
    )
    diagnostics.campaign_set_state(campaign=campaign, state=Campaign.State.OPEN)
    competency = framework.competencies.get(code="FR.LEC")
    teacher = world.users["teacher"]
    with set_actor(teacher):
        diagnostics.result_set(
            campaign=campaign, student=world.student, competency=competency, text="2", user=teacher
        )
        diagnostics.result_set(
            campaign=campaign, student=world.student, competency=competency, text="4", user=teacher
        )
    kinds = {e.content_type.model for e in entries(world.student)}
    assert {"result", "needprofile"} <= kinds
    update = next(
        e for e in entries(world.student, action=Action.UPDATE) if e.content_type.model == "result"
    )
    assert changed(update, "value") == ["2", "4"]
    assert update.actor == teacher


def test_attendance_one_by_one_and_all_present_are_both_kept(world, ap, today_session):
    teacher = world.users["teacher"]
    with set_actor(teacher):
        followup.attendance_set(
            session=today_session,
            student=world.student,
            status=Attendance.Status.ABSENT,
            user=teacher,
            today=TODAY,
        )
        # The bulk path (one INSERT for the whole group) is recorded too.
        followup.attendance_all_present(session=today_session, user=teacher, today=TODAY)
    [absent] = entries(world.student, content_type__model="attendance")
    assert changed(absent, "status") == ["None", Attendance.Status.ABSENT]
    [present] = entries(world.classmate, content_type__model="attendance")
    assert present.action == Action.CREATE
    assert present.actor == teacher
    assert changed(present, "status") == ["None", Attendance.Status.PRESENT]


def test_an_assignment_move_is_kept_with_the_group_before_and_after(world, ap):
    ap.plan.status = ap.plan.Status.PROPOSED
    ap.plan.save()
    other = Group.objects.create(plan=ap.plan, slot=ap.slot, module=ap.module, room=ap.room)
    assignment = Assignment.objects.get(group=ap.group, student=world.student)
    coordinator = world.users["coordinator"]
    with set_actor(coordinator):
        planning.assignment_move(assignment=assignment, group=other, user=coordinator)
    [entry] = entries(world.student, content_type__model="assignment", action=Action.UPDATE)
    assert entry.actor == coordinator
    assert changed(entry, "group") == [str(ap.group.pk), str(other.pk)]
    assert changed(entry, "locked") == ["False", "True"]


def test_a_solve_is_one_entry_naming_only_the_pupils_whose_groups_changed(world, ap):
    module = Module.objects.create(
        school=world.school,
        code="CAL-S",
        title="Calculer",
        objective="Calculer juste",
        competency=ap.module.competency,
        kind=Module.Kind.SUPPORT,
        min_size=1,
        max_size=12,
    )
    other = Group.objects.create(plan=ap.plan, slot=ap.slot, module=module, room=ap.room)
    from appui.planning.grouping import placements

    before = placements(ap.plan)
    with trail.muted():
        Assignment.objects.filter(student=world.student).update(group=other)
    trail.record_moves(ap.plan, before=before, after=placements(ap.plan), label="groupes")
    [entry] = entries(world.student, additional_data__has_key="moves")
    assert set(entry.additional_data["moves"]) == {str(world.student.pk)}
    assert entries(world.classmate, additional_data__has_key="moves") == []


def test_a_bulk_update_records_only_the_rows_that_change(world):
    world.student.mef = "24700000000"
    world.classmate.mef = world.classmate.mef  # unchanged
    assert trail.record_updates([world.student, world.classmate], ["mef"]) == 1
    [entry] = entries(world.student, changes__has_key="mef", action=Action.UPDATE)
    assert changed(entry, "mef") == ["", "24700000000"]
    assert entries(world.classmate, changes__has_key="mef", action=Action.UPDATE) == []


def test_a_guardian_change_is_in_each_child_s_history(world):
    guardian = world.student.guardians.get()
    from appui.schools.models import StudentGuardian

    StudentGuardian.objects.create(student=world.classmate, guardian=guardian)
    guardian.mobile_phone = "0600000000"
    guardian.save()
    for child in (world.student, world.classmate):
        [entry] = entries(child, content_type__model="guardian")
        assert changed(entry, "mobile_phone") == ["", "0600000000"]


def test_profiles_recomputed_in_bulk_are_logged_only_when_they_change(world, planning):
    diagnostics.profiles_recompute(students=[world.student, world.classmate])
    first = LogEntry.objects.filter(content_type__model="needprofile").count()
    assert first == 2
    diagnostics.profiles_recompute(students=[world.student, world.classmate])
    assert LogEntry.objects.filter(content_type__model="needprofile").count() == first


# ------------------------------------------------------------------------------ reads


def _restricted_note(world):
    return diagnostics.observation_create(
        student=world.student,
        author=None,
        date=datetime.date(2026, 10, 1),
        signal=Observation.Signal.DIFFICULTY,
        note="Situation familiale difficile",
        restricted=True,
    )


def test_reading_a_restricted_note_is_logged(world, login):
    note = _restricted_note(world)
    client = login(world.users["head"])
    response = client.get(reverse("diagnostics:student-profile", args=[world.student.pk]))
    assert "Situation familiale difficile" in response.content.decode()
    [read] = entries(world.student, action=Action.ACCESS)
    assert read.actor == world.users["head"]
    assert read.content_type.model == "observation"
    assert read.object_id == note.pk


def test_a_teacher_who_cannot_see_restricted_notes_leaves_no_read(world, login):
    _restricted_note(world)
    client = login(world.users["teacher"])
    response = client.get(reverse("diagnostics:student-profile", args=[world.student.pk]))
    assert "Situation familiale difficile" not in response.content.decode()
    assert entries(world.student, action=Action.ACCESS) == []


# ------------------------------------------------------------------------------ the page


def history_url(student, **query):
    from urllib.parse import urlencode

    url = reverse("schools:student-history", args=[student.pk])
    return f"{url}?{urlencode(query)}" if query else url


@pytest.fixture
def history(world, login):
    """Two changes by two people and one restricted read, about the student."""
    head, teacher = world.users["head"], world.users["teacher"]
    with set_actor(head):
        schools.student_update(student=world.student, first_name="Léonie")
    with set_actor(teacher):
        _restricted_note(world)
    login(head).get(reverse("diagnostics:student-profile", args=[world.student.pk]))
    return world


def test_the_head_sees_changes_in_french_with_before_and_after(history, login):
    client = login(history.users["head"])
    html = client.get(history_url(history.student)).content.decode()
    assert "Léa → Léonie" in html
    assert "Prénom" in html  # the field's French verbose name
    assert "Observation" in html
    assert "consultation" in html


def test_the_history_filters_by_kind_action_author_and_dates(history, login):
    client = login(history.users["head"])
    teacher = history.users["teacher"]
    by_teacher = client.get(history_url(history.student, auteur=teacher.pk))
    assert "Léa → Léonie" not in by_teacher.content.decode()
    assert by_teacher.context["page"].paginator.count >= 1
    reads = client.get(history_url(history.student, action=int(Action.ACCESS)))
    assert "Léa → Léonie" not in reads.content.decode()
    assert reads.context["page"].paginator.count == 1
    student_type = history.student.__class__
    from django.contrib.contenttypes.models import ContentType

    kind = ContentType.objects.get_for_model(student_type).pk
    only_pupil = client.get(history_url(history.student, type=kind))
    assert all(row.kind == "Élève" for row in only_pupil.context["rows"])
    after_tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    later = client.get(history_url(history.student, du=after_tomorrow.isoformat()))
    assert later.context["page"].paginator.count == 0


def test_the_history_downloads_as_csv_with_the_same_filters(history, login):
    client = login(history.users["head"])
    response = client.get(history_url(history.student, format="csv"))
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Léa;Léonie" in body
    filtered = client.get(
        history_url(history.student, format="csv", auteur=history.users["teacher"].pk)
    )
    assert "Léa;Léonie" not in b"".join(filtered.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize("role", ["teacher", "coordinator", "level_coordinator", "student"])
def test_other_roles_are_refused(world, login, role):
    client = login(world.users[role])
    assert client.get(history_url(world.student)).status_code == 403


def test_another_school_s_head_gets_404(world, login):
    client = login(world.users["head"])
    assert client.get(history_url(world.foreign_student)).status_code == 404


def test_anonymous_is_sent_to_the_login_page(world, client):
    response = client.get(history_url(world.student))
    assert response.status_code == 302


def test_the_page_s_queries_do_not_grow_with_the_entries(
    world, login, django_assert_max_num_queries
):
    head = world.users["head"]
    with set_actor(head):
        for index in range(30):
            schools.student_update(
                student=world.student, project="insertion" if index % 2 else "undecided"
            )
    client = login(head)
    with django_assert_max_num_queries(25):
        client.get(history_url(world.student))


# ------------------------------------------------------------------------------ forget


def test_forgetting_a_pupil_keeps_entries_shared_with_a_sibling(world):
    from appui.schools.models import StudentGuardian

    guardian = world.student.guardians.get()
    StudentGuardian.objects.create(student=world.classmate, guardian=guardian)
    guardian.email = "parent@example.org"
    guardian.save()
    schools.student_update(student=world.student, first_name="Léonie")
    trail.forget([world.student.pk])
    assert entries(world.student) == []
    assert len(entries(world.classmate, content_type__model="guardian")) == 1
    assert not StudentLink.objects.filter(student_id=world.student.pk).exists()
