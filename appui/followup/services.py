"""Writes of the follow-up: sessions, attendance, progress marks, stage reviews, feeds."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appui.audit import trail
from appui.core.calendar import school_days
from appui.planning.models import Plan
from appui.schools.changes import mark_changed
from appui.schools.models import Period, Staff, Student
from appui.schools.services import ChangedMeanwhile, lock_text_versions, lock_version

from . import selectors
from .models import (
    Attendance,
    CalendarFeed,
    DigestPreference,
    ProgressMark,
    Session,
    StageReview,
)

# --------------------------------------------------------------------------- sessions


@transaction.atomic
def sessions_generate_for_plan(*, plan: Plan, today: dt.date | None = None) -> list[Session]:
    """Create the dated sessions of a published plan's groups; running it again adds nothing.

    Each group meets on its slot's weekday on every school day of the period, or of its
    round when the period is cut into rounds (school holidays of the school's zone and
    public holidays skipped: ``selectors.group_dates``).
    When the plan replaces an earlier publication of the same level and period, the earlier
    groups keep the sessions already held (with their attendance and marks) and lose the
    ones still to come; the new groups start from ``today``.
    """
    if plan.status != Plan.Status.PUBLISHED:
        raise ValidationError(_("Sessions are generated for published plans only."))
    today = today or timezone.localdate()
    period = plan.period
    zone = plan.level.year.school.holiday_zone
    start = period.start_date
    earlier = Session.objects.filter(
        group__plan__level_id=plan.level_id, group__plan__period_id=period.pk
    ).exclude(group__plan=plan)
    if earlier.exists():
        earlier.filter(date__gte=today).exclude(status=Session.Status.DONE).delete()
        start = max(start, today)
    existing = set(
        Session.objects.filter(group__plan=plan)
        .annotate(key=Coalesce("rescheduled_from", "date"))
        .values_list("group_id", "key")
    )
    dates: dict[tuple[int, int | None], list[dt.date]] = {}
    new: list[Session] = []
    for group in plan.groups.select_related("slot", "round"):
        slot, round = group.slot, group.round
        key = (slot.pk, group.round_id)
        if key not in dates:
            dates[key] = selectors.group_dates(
                zone,
                slot.weekday,
                period.start_date,
                period.end_date,
                round.starts_on if round else None,
                round.ends_on if round else None,
                since=start,
            )
        new.extend(
            Session(group=group, date=day, start_time=slot.start_time, end_time=slot.end_time)
            for day in dates[key]
            if (group.pk, day) not in existing
        )
    mark_changed(plan.level.year.school_id)  # bulk writes send no model signals
    return Session.objects.bulk_create(new)


def _require_not_held(session: Session) -> None:
    if session.status == Session.Status.DONE:
        raise ValidationError(_("This session was held: it can no longer be moved or cancelled."))


@transaction.atomic
def session_cancel(*, session: Session, reason: str, user) -> Session:
    _require_not_held(session)
    session.status = Session.Status.CANCELLED
    session.cancel_reason = reason.strip()
    session.updated_by = user
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def session_restore(*, session: Session, user) -> Session:
    """Undo a cancellation: the session is planned again on its date."""
    if session.status != Session.Status.CANCELLED:
        raise ValidationError(_("Only a cancelled session can be restored."))
    session.status = Session.Status.PLANNED
    session.cancel_reason = ""
    session.updated_by = user
    session.save()
    return session


def is_school_day(session_or_zone, day: dt.date) -> bool:
    zone = (
        session_or_zone
        if isinstance(session_or_zone, str)
        else session_or_zone.group.plan.level.year.school.holiday_zone
    )
    return day.weekday() < 6 and any(school_days(zone, day, day, day.weekday()))


@transaction.atomic
def session_reschedule(
    *, session: Session, date: dt.date, start_time: dt.time, end_time: dt.time, user
) -> Session:
    """Move a session (a cancelled one too: it is then made up) to another school day."""
    _require_not_held(session)
    if end_time <= start_time:
        raise ValidationError(_("A session must end after it starts."))
    year = session.group.plan.level.year
    if not year.start_date <= date <= year.end_date:
        raise ValidationError(_("The new date must be within the school year."))
    if not is_school_day(session, date):
        raise ValidationError(_("The new date falls on a holiday or a day without lessons."))
    slot_date = session.slot_date
    session.rescheduled_from = None if date == slot_date else slot_date
    session.date = date
    session.start_time = start_time
    session.end_time = end_time
    session.status = Session.Status.PLANNED
    session.cancel_reason = ""
    session.updated_by = user
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def session_set_texts(
    *,
    session: Session,
    user,
    plan_of_work: str | None = None,
    content: str | None = None,
    today: dt.date | None = None,
    versions: dict[str, str | None] | None = None,
) -> Session:
    """Save the plan of work and/or what was done; recording what was done marks it held.

    ``versions`` (field → ``text_version`` its form was opened on): a text someone else
    saved meanwhile refuses the save (``ChangedMeanwhile``), nothing written. Co-animators
    of a group share the session's texts."""
    lock_text_versions(session, versions or {})
    if plan_of_work is not None:
        session.plan_of_work = plan_of_work.strip()
    if content is not None:
        session.content = content.strip()
        if session.content:
            _mark_held(session, today)
    session.updated_by = user
    session.save()
    return session


@transaction.atomic
def session_set_co_evaluation(
    *, session: Session, open: bool, user, today: dt.date | None = None
) -> Session:
    _require_recordable(session, today)
    session.co_evaluation = open
    session.updated_by = user
    session.save(update_fields=["co_evaluation", "updated_by", "updated_at"])
    return session


def _require_recordable(session: Session, today: dt.date | None = None) -> None:
    if session.status == Session.Status.CANCELLED:
        raise ValidationError(_("This session was cancelled."))
    if session.date > (today or timezone.localdate()):
        raise ValidationError(_("This session has not taken place yet."))


def _mark_held(session: Session, today: dt.date | None = None) -> None:
    _require_recordable(session, today)
    if session.status == Session.Status.PLANNED:
        session.status = Session.Status.DONE
        session.save(update_fields=["status"])


def _require_member(session: Session, student: Student) -> None:
    if not session.group.assignments.filter(student=student).exists():
        raise ValidationError(_("This student is not a member of the group."))


@transaction.atomic
def attendance_set(
    *, session: Session, student: Student, status: str, user, today: dt.date | None = None
) -> Attendance:
    """Record one student's attendance; the session is then marked held."""
    _require_member(session, student)
    _mark_held(session, today)
    if status not in Attendance.Status.values:
        raise ValidationError(_("Unknown attendance status."))
    attendance, _created = Attendance.objects.update_or_create(
        session=session, student=student, defaults={"status": status, "updated_by": user}
    )
    return attendance


@transaction.atomic
def attendance_all_present(*, session: Session, user, today: dt.date | None = None) -> int:
    """Mark present every member not marked yet (those already marked keep their status)."""
    _mark_held(session, today)
    marked = set(session.attendances.values_list("student_id", flat=True))
    members = session.group.assignments.exclude(student_id__in=marked).values_list(
        "student_id", flat=True
    )
    rows = [
        Attendance(
            session=session, student_id=pk, status=Attendance.Status.PRESENT, updated_by=user
        )
        for pk in members
    ]
    trail.record_created(Attendance.objects.bulk_create(rows))
    mark_changed(session.group.module.school_id)  # bulk_create sends no post_save
    return len(rows)


def _absent(session: Session, student: Student) -> bool:
    return session.attendances.filter(
        student=student, status__in=[Attendance.Status.ABSENT, Attendance.Status.EXCUSED]
    ).exists()


def _check_level(level: int | None) -> None:
    if level is not None and level not in ProgressMark.Level.values:
        raise ValidationError(_("Choose a level from 1 to 4."))


@transaction.atomic
def mark_set(
    *,
    session: Session,
    student: Student,
    user,
    level: int | None = None,
    comment: str | None = None,
    today: dt.date | None = None,
) -> ProgressMark:
    """The teacher's mark on the module's objective (level and/or comment)."""
    _require_member(session, student)
    _check_level(level)
    _mark_held(session, today)
    if _absent(session, student):
        raise ValidationError(_("An absent student is not assessed for this session."))
    mark = ProgressMark.objects.filter(
        session=session, student=student, author_kind=ProgressMark.AuthorKind.TEACHER
    ).first()
    if mark is None:
        if level is None:
            raise ValidationError(_("Choose a level before writing a comment."))
        mark = ProgressMark(
            session=session, student=student, author_kind=ProgressMark.AuthorKind.TEACHER
        )
    if level is not None:
        mark.level = level
    if comment is not None:
        mark.comment = comment.strip()
    mark.author = user
    mark.full_clean()
    mark.save()
    return mark


@transaction.atomic
def marks_set_unmarked(*, session: Session, level: int, user, today: dt.date | None = None) -> int:
    """Give ``level`` to every member without a teacher mark, absent students excepted."""
    _check_level(level)
    _mark_held(session, today)
    skip = set(
        session.marks.filter(author_kind=ProgressMark.AuthorKind.TEACHER).values_list(
            "student_id", flat=True
        )
    ) | set(
        session.attendances.filter(
            status__in=[Attendance.Status.ABSENT, Attendance.Status.EXCUSED]
        ).values_list("student_id", flat=True)
    )
    members = session.group.assignments.exclude(student_id__in=skip).values_list(
        "student_id", flat=True
    )
    rows = [
        ProgressMark(
            session=session,
            student_id=pk,
            author_kind=ProgressMark.AuthorKind.TEACHER,
            author=user,
            level=level,
        )
        for pk in members
    ]
    trail.record_created(ProgressMark.objects.bulk_create(rows))
    mark_changed(session.group.module.school_id)  # bulk_create sends no post_save
    return len(rows)


@transaction.atomic
def student_mark_set(
    *,
    session: Session,
    assessor: Student,
    level: int,
    user,
    student: Student | None = None,
    comment: str = "",
    today: dt.date | None = None,
) -> ProgressMark:
    """A student's self-assessment (``student`` omitted or themself) or, when the teacher
    opened co-evaluation for the session, their assessment of a classmate."""
    student = student or assessor
    _require_member(session, assessor)
    _require_member(session, student)
    _check_level(level)
    if session.status != Session.Status.DONE or session.date > (today or timezone.localdate()):
        raise ValidationError(_("You can assess your progress once the session has taken place."))
    defaults = {"level": level, "comment": comment.strip(), "author": user}
    if student.pk == assessor.pk:
        mark, _created = ProgressMark.objects.update_or_create(
            session=session,
            student=student,
            author_kind=ProgressMark.AuthorKind.SELF,
            defaults=defaults,
        )
        return mark
    if not session.co_evaluation:
        raise ValidationError(_("Co-evaluation is not open for this session."))
    mark, _created = ProgressMark.objects.update_or_create(
        session=session,
        student=student,
        author_kind=ProgressMark.AuthorKind.PEER,
        assessor=assessor,
        defaults=defaults,
    )
    return mark


# --------------------------------------------------------------------------- stage reviews


def _review_texts(facts: dict) -> dict:
    """The editable texts of a review, drafted from its facts (French: shown as written)."""
    progress = []
    for module in facts["modules"]:
        line = f"{module['title']} — {module['objective']} : "
        if module.get("last_level"):
            line += selectors.LEVEL_LABELS[module["last_level"]].lower()
            first = module.get("first_level")
            if first and first != module["last_level"]:
                line += f" (au début : {selectors.LEVEL_LABELS[first].lower()})"
        else:
            line += "pas encore évalué"
        progress.append(line + ".")
    rate = facts["attendance"].get("rate")
    if rate is not None:
        progress.append(f"Présence : {round(rate * 100)} % des séances.")
    return {
        "progress": "\n".join(progress),
        "strengths": "\n".join(facts["strengths"]),
        "next_objectives": "\n".join(facts["next"]),
    }


@transaction.atomic
def reviews_prepare(*, students, period: Period, user) -> list[StageReview]:
    """Draft the missing reviews of ``students`` for ``period`` from the data."""
    students = list(students)
    have = set(
        StageReview.objects.filter(period=period, student__in=students).values_list(
            "student_id", flat=True
        )
    )
    wanted = [s for s in students if s.pk not in have]
    facts = selectors.review_facts(wanted, period)
    reviews = [
        StageReview(
            student=student,
            period=period,
            data=facts[student.pk],
            updated_by=user,
            **_review_texts(facts[student.pk]),
        )
        for student in wanted
    ]
    created = StageReview.objects.bulk_create(reviews)
    trail.record_created(created)
    if created:
        mark_changed(period.year.school_id)  # bulk_create sends no post_save
    return created


class ReviewChanged(ChangedMeanwhile):
    """Someone saved the review after the form was opened: nothing was written."""

    message = gettext_lazy(
        "This review was changed by %(name)s at %(time)s while you were editing it. Your "
        "text is kept below; reload the page to see the new version."
    )
    message_unnamed = gettext_lazy(
        "This review was changed by someone else while you were editing it. Your text is "
        "kept below; reload the page to see the new version."
    )


def _lock_review(review: StageReview, version: int | None) -> None:
    # Every write to a review goes through here first: validating and editing at once can
    # never undo each other, and a form opened on an older state is refused.
    lock_version(review, version, ReviewChanged)


def _require_draft(review: StageReview) -> None:
    if review.is_validated:
        raise ValidationError(_("This review is validated: reopen it to change it."))


@transaction.atomic
def review_refresh(*, review: StageReview, user, version: int | None = None) -> StageReview:
    """Recompute a draft's facts and rewrite its texts from them (the comment is kept)."""
    _lock_review(review, version)
    _require_draft(review)
    facts = selectors.review_facts([review.student], review.period)[review.student_id]
    review.data = facts
    for name, value in _review_texts(facts).items():
        setattr(review, name, value)
    review.updated_by = user
    review.save()
    return review


@transaction.atomic
def review_update(
    *,
    review: StageReview,
    progress: str,
    strengths: str,
    next_objectives: str,
    comment: str,
    user,
    version: int | None = None,
    validate: bool = False,
) -> StageReview:
    """Save a draft's texts and, with ``validate``, validate it in the same transaction (the
    review's one form: « Valider » saves what is typed). Refused (``ReviewChanged``) if the
    review changed since ``version``."""
    _lock_review(review, version)
    _require_draft(review)
    review.progress = progress.strip()
    review.strengths = strengths.strip()
    review.next_objectives = next_objectives.strip()
    review.comment = comment.strip()
    review.updated_by = user
    if validate:
        _mark_validated(review, user)
    review.full_clean()
    review.save()
    return review


def _mark_validated(review: StageReview, user) -> None:
    review.status = StageReview.Status.VALIDATED
    review.validated_at = timezone.now()
    review.validated_by = user
    review.updated_by = user


@transaction.atomic
def review_validate(*, review: StageReview, user, version: int | None = None) -> StageReview:
    """Validate a draft as stored: from now on the student and their guardians read it."""
    _lock_review(review, version)
    _require_draft(review)
    _mark_validated(review, user)
    review.save()
    return review


@transaction.atomic
def review_reopen(*, review: StageReview, user, version: int | None = None) -> StageReview:
    """Back to draft (hidden from the family again) to correct it."""
    _lock_review(review, version)
    if not review.is_validated:
        raise ValidationError(_("This review is already a draft."))
    review.status = StageReview.Status.DRAFT
    review.validated_at = None
    review.validated_by = None
    review.updated_by = user
    review.save()
    return review


# --------------------------------------------------------------------------- calendar feeds


def calendar_feed_for(*, staff: Staff) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(staff=staff)
    return feed


@transaction.atomic
def calendar_feed_renew(*, staff: Staff) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    CalendarFeed.objects.filter(staff=staff).delete()
    return CalendarFeed.objects.create(staff=staff)


def digest_preference_set(*, user, weekly: bool) -> DigestPreference:
    """Opt ``user`` in to (or out of) the weekly e-mail digest of their reminders."""
    preference, _created = DigestPreference.objects.update_or_create(
        user=user, defaults={"weekly": weekly}
    )
    return preference
