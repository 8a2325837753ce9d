"""Everything appui holds about one pupil, as one JSON-ready dict (issue 15, item 7).

For a family's or a pupil's access request (RGPD, article 15) and for a pupil who changes
school: identity, enrolments, guardians, diagnoses, need profile, groups, attendance, progress
marks, stage reviews, tutorships, interviews and observations — restricted ones included and
marked ``"restricted": true``, since the export is made by the school for the person the
notes are about.

Every table holding a foreign key to ``Student`` is either exported (``EXPORTED``) or left out
for a stated reason (``NOT_EXPORTED``); a test walks the model registry and fails on a table
in neither, so a new table cannot be forgotten silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import models

from appui.diagnostics.models import Interview, Observation, Result
from appui.followup.models import Attendance, ProgressMark, StageReview
from appui.interop.models import LsuReport
from appui.planning.models import Assignment, Wish
from appui.schools.models import Enrolment, Student, StudentGuardian
from appui.tutoring.models import StudyHelpSignup, Tutorship

FORMAT_VERSION = 1

# (app_label.Model, field) → the section of the export that holds it.
EXPORTED: dict[tuple[str, str], str] = {
    ("schools.Enrolment", "student"): "enrolments",
    ("schools.StudentGuardian", "student"): "guardians",
    ("schools.Guardian", "students"): "guardians",
    ("schools.StudentGroup", "students"): "student_groups",
    ("diagnostics.Result", "student"): "diagnoses",
    ("diagnostics.NeedProfile", "student"): "need_profile",
    ("diagnostics.Interview", "student"): "interviews",
    ("diagnostics.Observation", "student"): "observations",
    ("planning.Assignment", "student"): "groups",
    ("planning.Wish", "student"): "wishes",
    ("followup.Attendance", "student"): "attendance",
    ("followup.ProgressMark", "student"): "progress_marks",
    ("followup.StageReview", "student"): "stage_reviews",
    ("tutoring.Tutorship", "student"): "tutorships",
    ("tutoring.StudyHelpSignup", "student"): "study_help",
    ("interop.LsuReport", "student"): "lsu_reports",
}

# Deliberate exclusions, with the reason.
NOT_EXPORTED: dict[tuple[str, str], str] = {
    ("followup.ProgressMark", "assessor"): (
        "marks the pupil gave classmates in co-evaluation: they are about the classmates"
    ),
}


#: The rows of each list section of the export: one entry of the section per row.
ROWS: dict[str, Callable[[Student], models.QuerySet]] = {
    "enrolments": lambda student: Enrolment.objects.filter(student=student),
    "guardians": lambda student: StudentGuardian.objects.filter(student=student),
    "student_groups": lambda student: student.student_groups.all(),
    "diagnoses": lambda student: Result.objects.filter(student=student),
    "interviews": lambda student: Interview.objects.filter(student=student),
    "observations": lambda student: Observation.objects.filter(student=student),
    "groups": lambda student: Assignment.objects.filter(student=student),
    "wishes": lambda student: Wish.objects.filter(student=student),
    "attendance": lambda student: Attendance.objects.filter(student=student),
    "progress_marks": lambda student: ProgressMark.objects.filter(student=student),
    "stage_reviews": lambda student: StageReview.objects.filter(student=student),
    "tutorships": lambda student: Tutorship.objects.filter(student=student),
    "study_help": lambda student: StudyHelpSignup.objects.filter(student=student),
    "lsu_reports": lambda student: LsuReport.objects.filter(student=student),
}


def export_counts(student: Student) -> dict[str, int]:
    """How many entries each list section of :func:`student_export` holds, counted (a year
    of attendance and marks is not read to show its size)."""
    return {key: rows(student).count() for key, rows in ROWS.items()}


def _plain(value: Any) -> Any:
    """A JSON value: dates in ISO 8601, decimals as text (exact), the rest unchanged."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _fields(obj: models.Model, *skip: str) -> dict[str, Any]:
    """The row's own values; a foreign key gives the related row's name (never a bare id)."""
    row: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in skip or field.name in ("id", "search_text"):
            continue
        if field.is_relation:
            related = getattr(obj, field.name)
            row[field.name] = str(related) if related is not None else None
        else:
            row[field.name] = _plain(field.value_from_object(obj))
    return row


def _address(obj: Any) -> dict[str, Any]:
    return {
        "lines": obj.address_lines.splitlines(),
        "postal_code": obj.postal_code,
        "city": obj.city,
        "country": obj.country,
        "postal_block": obj.postal_block,
    }


def _identity(student: Student) -> dict[str, Any]:
    identity = _fields(student, "division", "school", "user", *_ADDRESS_FIELDS)
    identity["school"] = {"uai": student.school.uai, "name": student.school.name}
    identity["address"] = _address(student)
    identity["has_account"] = student.user_id is not None
    return identity


_ADDRESS_FIELDS = ("address_lines", "postal_code", "city", "country")


def _enrolments(student: Student) -> list[dict[str, Any]]:
    """One entry per school year the pupil was enrolled in (``Enrolment``), oldest first:
    division, level, MEF, scheme, dates, repeating."""
    rows = []
    for enrolment in (
        ROWS["enrolments"](student)
        .select_related("year", "division__level")
        .order_by("year__start_year")
    ):
        division = enrolment.division
        level = division.level if division is not None else None
        rows.append(
            {
                "year": enrolment.year.label,
                "start_year": enrolment.year.start_year,
                "current": enrolment.year.is_current,
                "division": division.code if division is not None else None,
                "level": {
                    "name": level.name,
                    "short_name": level.short_name,
                    "track": level.track,
                    "year_in_cycle": level.year_in_cycle,
                }
                if level is not None
                else None,
                "mef": enrolment.mef,
                "scheme": enrolment.scheme,
                "entry_date": _plain(enrolment.entry_date),
                "exit_date": _plain(enrolment.exit_date),
                "repeating": enrolment.repeating,
            }
        )
    return rows


def _guardians(student: Student) -> list[dict[str, Any]]:
    links = ROWS["guardians"](student).select_related("guardian")
    rows = []
    for link in links.order_by("-legal_rank", "guardian__last_name"):
        guardian = link.guardian
        row = _fields(guardian, "school", "user", *_ADDRESS_FIELDS)
        row["address"] = _address(guardian)
        row.update(
            relationship=link.relationship,
            legal_rank=link.legal_rank,
            legal_guardian=link.legal_guardian,
            financial=link.financial,
            contact=link.contact,
        )
        rows.append(row)
    return rows


def _diagnoses(student: Student) -> list[dict[str, Any]]:
    results = ROWS["diagnoses"](student).select_related(
        "campaign__period", "campaign__level", "competency__domain"
    )
    rows = []
    for result in results.order_by("campaign__date", "competency__code"):
        campaign = result.campaign
        rows.append(
            {
                "campaign": str(campaign),
                "kind": campaign.kind,
                "date": _plain(campaign.date),
                "period": str(campaign.period),
                "level": str(campaign.level),
                "competency": result.competency.code,
                "competency_label": result.competency.label,
                "value": result.value,
                "not_assessed": result.not_assessed,
                "score": _plain(result.score),
                "updated_at": _plain(result.updated_at),
            }
        )
    return rows


def _need_profile(student: Student) -> dict[str, Any] | None:
    profile = getattr(student, "need_profile", None)
    if profile is None:
        return None
    return {
        "as_of": _plain(profile.as_of),
        "computed_at": _plain(profile.computed_at),
        "needs": profile.needs,
    }


def _groups(student: Student) -> list[dict[str, Any]]:
    assignments = (
        ROWS["groups"](student)
        .select_related(
            "group__plan__period",
            "group__plan__level",
            "group__module",
            "group__slot",
            "group__room",
            "group__round",
        )
        .prefetch_related("group__staff")
    )
    rows = []
    for assignment in assignments.order_by("group__plan__period__start_date", "pk"):
        group = assignment.group
        rows.append(
            {
                "period": str(group.plan.period),
                "level": str(group.plan.level),
                "plan_status": group.plan.status,
                "group": str(group),
                "module": {"code": group.module.code, "title": group.module.title},
                "slot": str(group.slot),
                "round": (
                    {
                        "label": str(group.round),
                        "starts_on": _plain(group.round.starts_on),
                        "ends_on": _plain(group.round.ends_on),
                    }
                    if group.round
                    else None
                ),
                "room": str(group.room) if group.room else None,
                "staff": [str(staff) for staff in group.staff.all()],
                "locked": assignment.locked,
                "lock_reason": assignment.lock_reason,
                "explanation": assignment.explanation,
            }
        )
    return rows


def _wishes(student: Student) -> list[dict[str, Any]]:
    """The modules the pupil wished for, by period, in rank order."""
    wishes = ROWS["wishes"](student).select_related("window__level", "window__period", "module")
    return [
        {
            "period": str(wish.window.period),
            "level": str(wish.window.level),
            "rank": wish.rank,
            "module": {"code": wish.module.code, "title": wish.module.title},
            "updated_at": _plain(wish.updated_at),
        }
        for wish in wishes.order_by("window__period__start_date", "rank")
    ]


def _attendance(student: Student) -> list[dict[str, Any]]:
    rows = []
    # The group's name is its module and slot: both read with the rows.
    records = ROWS["attendance"](student).select_related(
        "session__group__module", "session__group__slot"
    )
    for record in records.order_by("session__date", "pk"):
        row = _fields(record, "student", "session", "updated_by")
        row.update(date=_plain(record.session.date), group=str(record.session.group))
        rows.append(row)
    return rows


def _progress_marks(student: Student) -> list[dict[str, Any]]:
    rows = []
    marks = ROWS["progress_marks"](student).select_related(
        "session__group__module", "session__group__slot", "assessor", "author"
    )
    for mark in marks.order_by("session__date", "pk"):
        row = _fields(mark, "student", "session")
        row.update(date=_plain(mark.session.date), group=str(mark.session.group))
        rows.append(row)
    return rows


def _stage_reviews(student: Student) -> list[dict[str, Any]]:
    reviews = ROWS["stage_reviews"](student).select_related("period")
    return [_fields(review, "student") for review in reviews.order_by("period__start_date", "pk")]


def _study_help(student: Student) -> list[dict[str, Any]]:
    """Sign-ups to study help outside class: the slot (day, times, room, theme) and attendance."""
    rows = []
    signups = ROWS["study_help"](student).select_related("slot", "attendance_by")
    for signup in signups.order_by("slot__date", "slot__start_time", "pk"):
        row = _fields(signup, "student", "slot")
        row.update(_fields(signup.slot, "year", "taken", "series", "created_by", "created_at"))
        rows.append(row)
    return rows


def _tutorships(student: Student) -> list[dict[str, Any]]:
    rows = []
    tutorships = ROWS["tutorships"](student).select_related("year", "tutor__staff")
    for tutorship in tutorships.order_by("start_date", "pk"):
        row = _fields(tutorship, "student", "tutor")
        row["tutor"] = str(tutorship.tutor.staff)
        row["meetings"] = [
            _fields(meeting, "tutorship")
            for meeting in tutorship.meetings.select_related("author").order_by("date", "pk")
        ]
        rows.append(row)
    return rows


def _notes(queryset: models.QuerySet) -> list[dict[str, Any]]:
    """Interviews or observations, restricted ones included and marked (``restricted``)."""
    rows = []
    for note in queryset.order_by("date", "pk"):
        row = _fields(note, "student")
        if hasattr(note, "deepen"):
            row["deepen"] = [str(item) for item in note.deepen.all()]
        row["restricted"] = bool(note.restricted)
        rows.append(row)
    return rows


def _student_groups(student: Student) -> list[dict[str, Any]]:
    groups = (
        ROWS["student_groups"](student).select_related("year").order_by("year__start_year", "code")
    )
    return [
        {"year": group.year.label, "code": group.code, "label": group.label} for group in groups
    ]


def _lsu_reports(student: Student) -> list[dict[str, Any]]:
    rows = []
    reports = ROWS["lsu_reports"](student).select_related("period")
    for report in reports.order_by("period__start_date", "pk"):
        row = _fields(report, "student")
        row["assessments"] = [
            _fields(assessment, "report")
            for assessment in report.assessments.select_related("subject", "staff")
        ]
        rows.append(row)
    return rows


def student_export(student: Student) -> dict[str, Any]:
    """Everything appui holds about ``student``, across all years, JSON-ready."""
    student = Student.objects.select_related("school", "division__year", "division__level").get(
        pk=student.pk
    )
    return {
        "format": "appui-student-export",
        "version": FORMAT_VERSION,
        "identity": _identity(student),
        "enrolments": _enrolments(student),
        "guardians": _guardians(student),
        "student_groups": _student_groups(student),
        "diagnoses": _diagnoses(student),
        "need_profile": _need_profile(student),
        "interviews": _notes(
            ROWS["interviews"](student).select_related("author").prefetch_related("deepen")
        ),
        "observations": _notes(
            ROWS["observations"](student).select_related("author", "competency")
        ),
        "groups": _groups(student),
        "wishes": _wishes(student),
        "attendance": _attendance(student),
        "progress_marks": _progress_marks(student),
        "stage_reviews": _stage_reviews(student),
        "tutorships": _tutorships(student),
        "study_help": _study_help(student),
        "lsu_reports": _lsu_reports(student),
    }
