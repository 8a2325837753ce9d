"""Retention (RGPD, docs/rgpd.md « Durées de conservation »): ``manage.py purge``.

Two rules, each with a setting:

- a pupil whose last enrolment ended more than ``RETENTION_PUPIL_YEARS`` years ago is
  **anonymised**: identity, address, identifiers, accounts, guardians (when no other child
  keeps them), every free text written about them (interviews, observations, review texts,
  tutor meetings, lock reasons, explanations, marks' comments, LSU reports) and their need
  profile (whose evidence quotes those notes) go; what the school's indicators count stays
  (enrolments, results, placements, attendance, mark levels, tutorships), attached to a
  pupil named « Anonyme #id ». ``--delete`` removes the pupil and everything about them
  instead (past indicators then change);
- an uploaded file is **emptied** ``RETENTION_UPLOAD_DAYS`` days after its import was applied
  (or, never applied, after it was uploaded): the import's metadata and report stay.

The pupil's audit entries are deleted with their data (they hold before/after values); one
entry records the anonymisation itself. ``purge_plan`` only reads: the dry run prints it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Q, Value
from django.db.models.functions import Coalesce, Length
from django.utils import timezone
from django.utils.translation import gettext as _

from appui.audit import trail
from appui.diagnostics.models import Interview, NeedProfile, Observation
from appui.followup.models import ProgressMark, StageReview
from appui.planning.models import Assignment
from appui.schools.models import Guardian, School, Student, StudentGuardian
from appui.tutoring.models import TutorMeeting

from .models import ImportBatch, LsuReport

ANONYMOUS = "Anonyme"


@dataclass
class LeftPupil:
    student: Student
    left_on: dt.date


@dataclass
class PurgePlan:
    today: dt.date
    years: int
    days: int
    pupils_before: dt.date  # pupils who left before this date
    uploads_before: dt.datetime  # files of imports done before this moment
    pupils: list[LeftPupil] = field(default_factory=list)
    uploads: list[ImportBatch] = field(default_factory=list)

    @property
    def upload_bytes(self) -> int:
        return sum(getattr(batch, "size", 0) or 0 for batch in self.uploads)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def is_anonymised(student: Student) -> bool:
    return student.last_name == ANONYMOUS and not student.ine and not student.siecle_id


def purge_plan(
    *,
    today: dt.date | None = None,
    years: int | None = None,
    days: int | None = None,
    school: School | None = None,
) -> PurgePlan:
    """What the purge would do (reads only)."""
    today = today or timezone.localdate()
    years = settings.RETENTION_PUPIL_YEARS if years is None else years
    days = settings.RETENTION_UPLOAD_DAYS if days is None else days
    tz = timezone.get_current_timezone()
    plan = PurgePlan(
        today=today,
        years=years,
        days=days,
        pupils_before=_years_before(today, years),
        uploads_before=dt.datetime.combine(today - dt.timedelta(days=days), dt.time.min, tz),
    )
    students = Student.objects.select_related("school")
    if school is not None:
        students = students.filter(school=school)
    # A pupil's last day: the latest end of their enrolments (the exit date, or the year's last
    # day while they stayed to the end); a pupil without enrolments, their own exit date.
    students = students.annotate(
        last_day=Max(Coalesce("enrolments__exit_date", "enrolments__year__end_date")),
    )
    for student in students.exclude(last_name=ANONYMOUS, ine="", siecle_id="").order_by("pk"):
        left_on = student.last_day or student.exit_date  # type: ignore[attr-defined]
        if left_on is None or left_on >= plan.pupils_before:
            continue
        plan.pupils.append(LeftPupil(student, left_on))
    batches = (
        ImportBatch.objects.exclude(content=b"")
        .filter(
            Q(status=ImportBatch.Status.APPLIED, applied_at__lt=plan.uploads_before)
            | Q(
                ~Q(status=ImportBatch.Status.APPLIED),
                created_at__lt=plan.uploads_before,
            )
        )
        .annotate(
            size=Length("content") + Coalesce(Length("extra_content"), Value(0)),
        )
        .defer("content", "extra_content")
        .select_related("school")
        .order_by("created_at", "pk")
    )
    if school is not None:
        batches = batches.filter(school=school)
    plan.uploads = list(batches)
    return plan


@dataclass
class PurgeDone:
    pupils: int = 0
    guardians: int = 0
    accounts: int = 0
    notes: int = 0
    audit_entries: int = 0
    uploads: int = 0
    upload_bytes: int = 0


@transaction.atomic
def purge_apply(plan: PurgePlan, *, delete: bool = False) -> PurgeDone:
    done = PurgeDone()
    ids = [left.student.pk for left in plan.pupils]
    User = get_user_model()
    with trail.muted():
        if ids:
            guardian_ids = set(
                StudentGuardian.objects.filter(student_id__in=ids).values_list(
                    "guardian_id", flat=True
                )
            )
            user_ids = set(
                Student.objects.filter(pk__in=ids, user__isnull=False).values_list(
                    "user_id", flat=True
                )
            )
            StudentGuardian.objects.filter(student_id__in=ids).delete()
            orphans = Guardian.objects.filter(pk__in=guardian_ids, studentguardian=None)
            user_ids |= set(orphans.filter(user__isnull=False).values_list("user_id", flat=True))
            done.guardians, _detail = orphans.delete()
            done.notes = (
                Interview.objects.filter(student_id__in=ids).delete()[0]
                + Observation.objects.filter(student_id__in=ids).delete()[0]
            )
            if delete:
                Student.objects.filter(pk__in=ids).delete()
            else:
                _anonymise(ids)
            # Accounts that belonged to these pupils and guardians only (never a staff member's).
            done.accounts, _detail = User.objects.filter(
                pk__in=user_ids, staff__isnull=True
            ).delete()
            done.pupils = len(ids)
        for batch in plan.uploads:
            done.upload_bytes += getattr(batch, "size", 0) or 0
        uploads = ImportBatch.objects.filter(pk__in=[b.pk for b in plan.uploads])
        uploads.filter(status=ImportBatch.Status.PREVIEWED).update(
            status=ImportBatch.Status.CANCELLED
        )
        done.uploads = uploads.update(content=b"", extra_content=None)
    done.audit_entries = trail.forget(ids)
    if ids and not delete:
        when = plan.today.strftime("%d/%m/%Y")
        trail.record_event(
            Student.objects.filter(pk__in=ids),
            label=_("Retention"),
            value=_("anonymised on %(date)s") % {"date": when},
        )
    return done


def _anonymise(ids: list[int]) -> None:
    for student in Student.objects.filter(pk__in=ids):
        student.last_name = ANONYMOUS
        student.first_name = f"#{student.pk}"
        student.ine = student.siecle_id = student.elenoet = ""
        student.birth_date = None
        student.address_lines = student.postal_code = student.city = student.country = ""
        student.user = None
        student.refresh_search_text()
        student.save()
    NeedProfile.objects.filter(student_id__in=ids).delete()
    LsuReport.objects.filter(student_id__in=ids).delete()
    StageReview.objects.filter(student_id__in=ids).update(
        progress="", strengths="", next_objectives="", comment="", data={}
    )
    ProgressMark.objects.filter(student_id__in=ids).update(comment="")
    Assignment.objects.filter(student_id__in=ids).update(lock_reason="", explanation="")
    TutorMeeting.objects.filter(tutorship__student_id__in=ids).update(topics="", next_steps="")
