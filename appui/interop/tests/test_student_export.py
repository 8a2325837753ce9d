"""``export_student INE``: everything appui holds about one pupil (issue 15, item 7)."""

import datetime
import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from appui.diagnostics.models import Campaign, Interview, NeedProfile, Observation, Result
from appui.followup.models import Attendance, ProgressMark, Session, StageReview
from appui.interop import student_export as export_module
from appui.interop.models import LsuAssessment, LsuReport
from appui.interop.student_export import student_export
from appui.planning.models import Assignment, Group, Plan, Wish, WishWindow
from appui.schools.models import Staff, StudentGroup, StudentGuardian, Subject
from appui.schools.services import enrolments_record
from appui.schools.tests import factories as f
from appui.tutoring.models import (
    StudyHelpSignup,
    StudyHelpSlot,
    Tutor,
    TutorMeeting,
    Tutorship,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def full(world, planning):
    """The student of `world` with a row in every table that holds a student."""
    student = world.student
    student.address_lines = "12 rue des Tilleuls\nBâtiment B"
    student.postal_code = "21000"
    student.city = "Dijon"
    student.scheme = "ulis"
    student.save()
    enrolments_record(year=world.year, students=[student])
    link = StudentGuardian.objects.get(student=student)
    link.relationship = StudentGuardian.Relationship.MOTHER
    link.financial = True
    link.save()
    guardian = link.guardian
    guardian.address_lines = "3 place Darcy"
    guardian.postal_code = "21000"
    guardian.city = "Dijon"
    guardian.mobile_phone = "06 00 00 00 01"
    guardian.save()
    group_siecle = StudentGroup.objects.create(year=world.year, code="AP-2PRO")
    group_siecle.students.add(student)

    period = planning["period"]
    module = planning["modules"][0]
    campaign = Campaign.objects.create(
        year=world.year,
        level=world.level,
        period=period,
        kind=Campaign.Kind.SEPTEMBER_REVIEW,
        name="Bilan de rentrée",
        date=datetime.date(2026, 9, 10),
        framework=module.competency.framework,
    )
    Result.objects.create(campaign=campaign, student=student, competency=module.competency, value=2)
    NeedProfile.objects.create(student=student, needs={"FR.LEC": {"level": 2}})
    author = Staff.objects.get(user=world.users["teacher"])
    Interview.objects.create(
        student=student, date=datetime.date(2026, 9, 12), author=author, notes="Motivé."
    )
    Interview.objects.create(
        student=student,
        date=datetime.date(2026, 9, 13),
        author=author,
        notes="Situation familiale difficile.",
        restricted=True,
    )
    Observation.objects.create(
        student=student,
        date=datetime.date(2026, 9, 14),
        author=author,
        competency=module.competency,
        signal=Observation.Signal.DIFFICULTY,
        note="Peine à repérer l'essentiel.",
    )
    plan = Plan.objects.create(level=world.level, period=period, status=Plan.Status.PUBLISHED)
    group = Group.objects.create(plan=plan, slot=planning["slots"][0], module=module)
    Assignment.objects.create(group=group, student=student, locked=True, lock_reason="PAP")
    window = WishWindow.objects.create(
        level=world.level,
        period=period,
        opens_on=datetime.date(2026, 9, 1),
        closes_on=datetime.date(2026, 9, 5),
    )
    Wish.objects.create(window=window, student=student, module=module, rank=1)
    session = Session.objects.create(
        group=group,
        date=datetime.date(2026, 9, 8),
        start_time=datetime.time(10),
        end_time=datetime.time(11, 30),
        status=Session.Status.DONE,
    )
    Attendance.objects.create(session=session, student=student, status="late")
    ProgressMark.objects.create(
        session=session, student=student, author_kind=ProgressMark.AuthorKind.TEACHER, level=3
    )
    StageReview.objects.create(student=student, period=period, comment="Des progrès nets.")
    tutor = Tutor.objects.create(
        year=world.year, staff=author, volunteered_on=datetime.date(2026, 9, 1), max_tutees=5
    )
    tutorship = Tutorship.objects.create(
        year=world.year, tutor=tutor, student=student, start_date=datetime.date(2026, 9, 15)
    )
    TutorMeeting.objects.create(
        tutorship=tutorship, date=datetime.date(2026, 10, 1), topics="Stage en entreprise"
    )
    report = LsuReport.objects.create(student=student, period=period, advice="Continuer ainsi.")
    subject = Subject.objects.create(school=world.school, code="030201", label="Français")
    LsuAssessment.objects.create(
        report=report, subject=subject, staff=author, appreciation="Bon trimestre."
    )
    slot = StudyHelpSlot.objects.create(
        year=world.year,
        date=datetime.date(2026, 11, 17),
        start_time=datetime.time(17),
        end_time=datetime.time(18),
        room="CDI",
        theme="Méthodes",
        capacity=12,
        taken=1,
    )
    StudyHelpSignup.objects.create(slot=slot, student=student, attendance="present")
    return student


def _run(*args) -> str:
    out = io.StringIO()
    call_command("export_student", *args, stdout=out)
    return out.getvalue()


def test_every_section_holds_the_pupils_data(full):
    data = student_export(full)
    for section in set(export_module.EXPORTED.values()):
        assert data[section], f"section {section} is empty"
    assert data["identity"]["ine"] == full.ine
    assert data["identity"]["scheme"] == "ulis"
    assert data["identity"]["address"]["postal_block"] == [
        "12 rue des Tilleuls",
        "Bâtiment B",
        "21000 DIJON",
    ]
    assert data["enrolments"] == [
        {
            "year": "2026-2027",
            "start_year": 2026,
            "current": True,
            "division": "2A",
            "level": {
                "name": "2nde pro",
                "short_name": "2PRO",
                "track": "bacpro",
                "year_in_cycle": 1,
            },
            "mef": "",
            "scheme": "ulis",
            "entry_date": None,
            "exit_date": None,
            "repeating": False,
        }
    ]
    [guardian] = data["guardians"]
    assert guardian["relationship"] == "mother" and guardian["financial"] is True
    assert guardian["mobile_phone"] == "06 00 00 00 01"
    assert guardian["address"]["postal_block"] == ["3 place Darcy", "21000 DIJON"]
    assert data["diagnoses"][0]["competency"] == "FR.LEC" and data["diagnoses"][0]["value"] == 2
    [group] = data["groups"]
    assert group["module"]["code"] == "LEC-S" and group["period"] == "Période 1"
    assert group["locked"] is True and group["slot"] == "mardi 10:00–11:30"
    assert data["wishes"][0]["rank"] == 1 and data["wishes"][0]["module"]["code"] == "LEC-S"
    assert data["attendance"][0]["status"] == "late"
    assert data["attendance"][0]["date"] == "2026-09-08"
    assert data["tutorships"][0]["meetings"][0]["topics"] == "Stage en entreprise"
    assert data["lsu_reports"][0]["assessments"][0]["appreciation"] == "Bon trimestre."


def test_restricted_notes_are_exported_and_marked(full):
    interviews = student_export(full)["interviews"]
    assert [(i["notes"], i["restricted"]) for i in interviews] == [
        ("Motivé.", False),
        ("Situation familiale difficile.", True),
    ]


def test_it_holds_nothing_of_another_pupil(full, world):
    text = json.dumps(student_export(full), ensure_ascii=False)
    assert world.classmate.last_name not in text
    assert world.foreign_student.last_name not in text


def test_every_table_holding_a_student_is_exported_or_deliberately_left_out():
    from appui.schools.models import Student

    relations = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if getattr(field, "related_model", None) is Student and field.concrete:
                relations.add((model._meta.label, field.name))
    declared = set(export_module.EXPORTED) | set(export_module.NOT_EXPORTED)
    assert relations - declared == set(), "add these to EXPORTED (and the export) or NOT_EXPORTED"
    assert declared - relations == set(), "these declared relations no longer exist"


def test_the_command_prints_utf8_json_with_iso_dates(full):
    output = _run(full.ine)
    data = json.loads(output)
    assert "Situation familiale difficile." in output  # ensure_ascii off: accents as is
    assert data["identity"]["birth_date"] == "2011-03-14"
    assert data["identity"]["last_name"] == "Martin"


def test_an_unknown_ine_exits_with_a_french_message(world):
    with pytest.raises(CommandError, match="Aucun élève n'a l'INE 0000000000X"):
        _run("0000000000X")


def test_an_ine_in_two_schools_needs_the_school(world):
    twin = f.StudentFactory(division=world.foreign_student.division, ine=world.student.ine)
    with pytest.raises(CommandError, match="plusieurs établissements"):
        _run(world.student.ine)
    data = json.loads(_run(world.student.ine, "--school", world.other_school.uai))
    assert data["identity"]["last_name"] == twin.last_name


def test_the_command_exits_with_status_1_on_an_unknown_ine(world):
    from unittest import mock

    from appui.interop.management.commands.export_student import Command

    out, err = io.StringIO(), io.StringIO()
    command = Command(stdout=out, stderr=err)
    # As `manage.py` runs it; the test's database connection is left open.
    with (
        mock.patch("django.core.management.base.connections"),
        pytest.raises(SystemExit) as exited,
    ):
        command.run_from_argv(["manage.py", "export_student", "9999999999Z"])
    assert exited.value.code == 1
    assert "Aucun élève n'a l'INE 9999999999Z" in err.getvalue()
    assert out.getvalue() == ""


def test_study_help_sign_ups_are_exported_with_their_slot_and_attendance(full):
    rows = student_export(full)["study_help"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["date"], row["start_time"], row["room"], row["theme"]) == (
        "2026-11-17",
        "17:00:00",
        "CDI",
        "Méthodes",
    )
    assert row["attendance"] == "present"
    assert "student" not in row and "year" not in row


def test_the_queries_do_not_grow_with_the_sessions_and_groups(
    full, world, planning, django_assert_max_num_queries
):
    """A year of sessions is hundreds of attendance rows and marks: each with its group's
    name (module and slot) read with it, and each group's staff prefetched."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        student_export(full)
    group = Group.objects.get(assignments__student=full)
    group.staff.add(Staff.objects.get(user=world.users["teacher"]))
    for slot in planning["slots"][1:]:
        other = Group.objects.create(plan=group.plan, slot=slot, module=group.module)
        other.staff.add(Staff.objects.get(user=world.users["teacher"]))
        Assignment.objects.create(group=other, student=full)
        for day in range(3):
            session = Session.objects.create(
                group=other,
                date=datetime.date(2026, 9, 20 + day),
                start_time=datetime.time(10),
                end_time=datetime.time(11),
                status=Session.Status.DONE,
            )
            Attendance.objects.create(session=session, student=full, status="present")
            ProgressMark.objects.create(
                session=session,
                student=full,
                author_kind=ProgressMark.AuthorKind.TEACHER,
                level=2,
            )
    with django_assert_max_num_queries(len(first)):
        data = student_export(full)
    assert len(data["attendance"]) > 1


def test_the_counts_shown_are_the_sizes_of_the_sections(full):
    """The page of a pupil's data counts each list section instead of building the export;
    the counts are the export's own sizes, and every section is listed on the page and in the
    PDF."""
    from appui.interop.student_export import ROWS, export_counts
    from appui.interop.views_rgpd import SECTIONS

    data = student_export(full)
    counts = export_counts(full)
    assert counts == {key: len(data[key]) for key in ROWS}
    assert all(counts[key] for key in ("attendance", "progress_marks", "wishes", "groups"))
    listed = {key for key, value in data.items() if isinstance(value, (list, dict))}
    assert listed <= set(SECTIONS)


def test_the_data_page_shows_the_counts(full, world, login):
    from django.urls import reverse

    from appui.interop.student_export import export_counts

    html = (
        login(world.users["head"])
        .get(reverse("interop:student-data", args=[full.pk]))
        .content.decode()
    )
    counts = export_counts(full)
    assert f"<td>{counts['attendance']}</td>" in html
    assert "Vœux des élèves" in html
