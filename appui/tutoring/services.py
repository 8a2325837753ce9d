"""Writes of the tutoring app. Every rule of seed 003 that can be checked is checked here."""

import datetime as dt
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from appui.audit import trail
from appui.core.calendar import school_days
from appui.schools.changes import mark_changed
from appui.schools.models import Enrolment, Level, Membership, SchoolYear, Staff, Student
from appui.schools.services import lock_row_version

from .models import (
    StudyHelpSignup,
    StudyHelpSlot,
    Tutor,
    TutoringPolicy,
    TutorMeeting,
    Tutorship,
)


def policy_for(year: SchoolYear) -> TutoringPolicy:
    """The year's terms, created with the defaults the first time they are needed."""
    policy, _created = TutoringPolicy.objects.get_or_create(year=year)
    return policy


@transaction.atomic
def policy_set(
    *,
    year: SchoolYear,
    max_tutees: int,
    allowance_per_tutee: Decimal,
    user=None,
    version: str | None = None,
) -> TutoringPolicy:
    """Set the maximum number of tutees per tutor and the allowance rate.

    Lowering the maximum below what a tutor already follows is refused: the head first moves
    some tutees (a tutor is never made to exceed the maximum, even after the fact). Refused
    (``ChangedMeanwhile``, nothing written) if the terms changed since ``version``, their
    ``row_version`` when the form was opened; ``None`` skips the check (demo, tests).
    """
    policy = policy_for(year)
    lock_row_version(policy, version)
    over = list(
        Tutor.objects.select_for_update()
        .filter(year=year, tutee_count__gt=max_tutees)
        .select_related("staff")
    )
    if over:
        names = ", ".join(str(t.staff) for t in over)
        raise ValidationError(
            _("These tutors already follow more than %(max)s students: %(names)s.")
            % {"max": max_tutees, "names": names}
        )
    policy.max_tutees = max_tutees
    policy.allowance_per_tutee = allowance_per_tutee
    policy.updated_by = user
    policy.full_clean()
    policy.save()
    Tutor.objects.filter(year=year).update(max_tutees=max_tutees)
    return policy


@transaction.atomic
def tutor_volunteer(*, staff: Staff, year: SchoolYear, today: dt.date) -> Tutor:
    """The staff member volunteers to tutor this year (seed 003: « le volontariat »)."""
    if staff.school_id != year.school_id:
        raise ValidationError(_("This staff member belongs to another school."))
    if staff.exit_date is not None:
        raise ValidationError(_("A staff member who left cannot volunteer."))
    policy = policy_for(year)
    tutor, created = Tutor.objects.get_or_create(
        year=year,
        staff=staff,
        defaults={"volunteered_on": today, "max_tutees": policy.max_tutees},
    )
    if not created and not tutor.active:
        tutor.active = True
        tutor.volunteered_on = today
        tutor.save(update_fields=["active", "volunteered_on"])
    Membership.objects.get_or_create(
        user=staff.user, school_id=staff.school_id, role=Membership.Role.TUTOR
    )
    return tutor


@transaction.atomic
def tutor_withdraw(*, tutor: Tutor) -> Tutor:
    """The tutor stops volunteering; refused while they still follow tutees."""
    tutor = Tutor.objects.select_for_update().get(pk=tutor.pk)
    if _current_count(tutor):
        raise ValidationError(
            _("This tutor still follows students: end or move their tutorships first.")
        )
    tutor.active = False
    tutor.save(update_fields=["active"])
    # Proposals carried over from last year go with the volunteering.
    Tutorship.objects.filter(tutor=tutor, proposed=True).delete()
    still_tutoring = Tutor.objects.filter(
        staff__user=tutor.staff.user, year__school_id=tutor.year.school_id, active=True
    ).exists()
    if not still_tutoring:
        Membership.objects.filter(
            user=tutor.staff.user, school_id=tutor.year.school_id, role=Membership.Role.TUTOR
        ).delete()
    return tutor


def _current_count(tutor: Tutor) -> int:
    """The tutees the tutor follows: proposals do not count until the head confirms them."""
    return Tutorship.objects.filter(tutor=tutor, end_date__isnull=True, proposed=False).count()


def _check_room(*, tutor: Tutor, student: Student, year: SchoolYear) -> int:
    """The rules every new current tutorship obeys: one current tutor per student and year,
    never beyond the tutor's maximum. Returns the tutor's count before the new one."""
    if not tutor.active:
        raise ValidationError(
            _("%(tutor)s no longer volunteers as a tutor.") % {"tutor": tutor.staff}
        )
    current = (
        Tutorship.objects.filter(year=year, student=student, end_date__isnull=True, proposed=False)
        .select_related("tutor__staff")
        .first()
    )
    if current is not None:
        raise ValidationError(
            _("%(student)s already has a tutor this year: %(tutor)s.")
            % {"student": student, "tutor": current.tutor.staff}
        )
    count = _current_count(tutor)
    if count >= tutor.max_tutees:
        raise ValidationError(
            _("%(tutor)s already follows %(count)s students, the maximum set by the head.")
            % {"tutor": tutor.staff, "count": count}
        )
    return count


@transaction.atomic
def tutorship_create(
    *,
    tutor: Tutor,
    student: Student,
    today: dt.date,
    user=None,
    origin: str = Tutorship.Origin.MANUAL,
) -> Tutorship:
    """Give a student a tutor, never beyond the tutor's maximum.

    A proposal carried over from last year for the student is replaced by this choice.
    """
    # Lock the tutor's row: two assignments to the same tutor are done one after the other.
    tutor = Tutor.objects.select_for_update().select_related("year", "staff").get(pk=tutor.pk)
    if student.school_id != tutor.year.school_id:
        raise ValidationError(_("This student belongs to another school."))
    if student.exit_date is not None:
        raise ValidationError(_("This student has left the school."))
    count = _check_room(tutor=tutor, student=student, year=tutor.year)
    Tutorship.objects.filter(year=tutor.year, student=student, proposed=True).delete()
    tutorship = Tutorship(
        year=tutor.year,
        tutor=tutor,
        student=student,
        start_date=today,
        origin=origin,
        assigned_by=user,
    )
    tutorship.full_clean()
    tutorship.save()
    tutor.tutee_count = count + 1
    tutor.save(update_fields=["tutee_count"])
    return tutorship


@transaction.atomic
def tutorships_create(*, pairs: list[tuple[Tutor, Student]], today: dt.date, user=None) -> int:
    """Accept suggested pairs, all or nothing."""
    for tutor, student in pairs:
        tutorship_create(
            tutor=tutor, student=student, today=today, user=user, origin=Tutorship.Origin.SUGGESTED
        )
    return len(pairs)


@transaction.atomic
def tutorship_end(*, tutorship: Tutorship, today: dt.date, reason: str = "") -> Tutorship:
    """End a tutorship (the student left, changed tutor…); its meetings are kept."""
    tutorship = Tutorship.objects.select_for_update().get(pk=tutorship.pk)
    if tutorship.proposed:
        raise ValidationError(_("This tutorship is only proposed: decline it instead."))
    if tutorship.end_date is not None:
        raise ValidationError(_("This tutorship has already ended."))
    tutor = Tutor.objects.select_for_update().get(pk=tutorship.tutor_id)
    tutorship.end_date = max(today, tutorship.start_date)
    tutorship.end_reason = reason
    tutorship.save(update_fields=["end_date", "end_reason"])
    tutor.tutee_count = _current_count(tutor)
    tutor.save(update_fields=["tutee_count"])
    return tutorship


@transaction.atomic
def tutorship_mark_informed(*, tutorship: Tutorship, day: dt.date) -> Tutorship:
    """Record the day the guardians were informed (seed 003: « information des responsables
    légaux »); due once the tutorship is confirmed."""
    if tutorship.proposed:
        raise ValidationError(
            _("The guardians are informed once the head has confirmed the tutorship.")
        )
    tutorship.guardians_informed_on = day
    tutorship.save(update_fields=["guardians_informed_on"])
    return tutorship


@transaction.atomic
def meeting_log(
    *,
    tutorship: Tutorship,
    date: dt.date,
    topics: str,
    next_steps: str = "",
    user=None,
    today: dt.date,
) -> TutorMeeting:
    """Log a meeting of the tutor with the tutee."""
    tutorship = Tutorship.objects.select_for_update().get(pk=tutorship.pk)
    if tutorship.proposed:
        raise ValidationError(_("This tutorship is not confirmed yet."))
    if tutorship.end_date is not None:
        raise ValidationError(_("This tutorship has ended: no new meeting can be logged."))
    if date > today:
        raise ValidationError(_("A meeting is logged once it has taken place."))
    if date < tutorship.start_date:
        raise ValidationError(_("This meeting is dated before the tutorship started."))
    meeting = TutorMeeting(
        tutorship=tutorship,
        date=date,
        topics=topics.strip(),
        next_steps=next_steps.strip(),
        author=user,
    )
    meeting.full_clean()
    meeting.save()
    return meeting


# --------------------------------------------------------------------------- next year


@transaction.atomic
def tutorships_propose(*, previous: SchoolYear, year: SchoolYear, today: dt.date) -> int:
    """Carry last year's open tutorships over to ``year`` as proposals (seed 003: « le même
    tuteur pendant toute la scolarité »).

    A pupil enrolled in ``year`` (and not gone) whose tutor of ``previous`` is still on the
    staff gets a proposal with that tutor, unless they already have a tutor or a proposal
    in ``year``. The tutor's volunteering is carried over too (their ``Tutor`` row of
    ``year``, with ``year``'s terms, which start as ``previous``'s); a tutor who does not wish
    to go on withdraws, which declines their proposals. Returns the proposals created.
    """
    if previous.school_id != year.school_id or previous.start_year >= year.start_year:
        raise ValidationError(_("Tutorships are carried over to a later year of the school."))
    if not TutoringPolicy.objects.filter(year=year).exists():
        old = policy_for(previous)
        TutoringPolicy.objects.create(
            year=year, max_tutees=old.max_tutees, allowance_per_tutee=old.allowance_per_tutee
        )
    policy = policy_for(year)
    enrolled = set(
        Enrolment.objects.filter(year=year, exit_date__isnull=True).values_list(
            "student_id", flat=True
        )
    )
    taken = set(
        Tutorship.objects.filter(year=year, end_date__isnull=True).values_list(
            "student_id", flat=True
        )
    )
    tutors = {t.staff_id: t for t in Tutor.objects.filter(year=year)}
    proposals = []
    for tutorship in (
        Tutorship.objects.filter(year=previous, end_date__isnull=True, proposed=False)
        .select_related("tutor__staff")
        .order_by("pk")
    ):
        staff = tutorship.tutor.staff
        if tutorship.student_id not in enrolled or tutorship.student_id in taken:
            continue
        if staff.exit_date is not None:
            continue
        tutor = tutors.get(staff.pk)
        if tutor is None:
            tutor = Tutor.objects.create(
                year=year, staff=staff, volunteered_on=today, max_tutees=policy.max_tutees
            )
            tutors[staff.pk] = tutor
        if not tutor.active:
            # They withdrew for the new year: no proposal with them.
            continue
        proposals.append(
            Tutorship(
                year=year,
                tutor=tutor,
                student_id=tutorship.student_id,
                start_date=year.start_date,
                origin=tutorship.origin,
                proposed=True,
            )
        )
        taken.add(tutorship.student_id)
    trail.record_created(Tutorship.objects.bulk_create(proposals))
    mark_changed(year.school_id)  # bulk_create sends no post_save
    return len(proposals)


@transaction.atomic
def tutorship_confirm(*, tutorship: Tutorship, today: dt.date, user=None) -> Tutorship:
    """The head confirms a proposed tutorship: it becomes current, within the tutor's maximum
    and the one-current-tutor rule; the guardians' information is then due."""
    tutorship = Tutorship.objects.select_for_update().select_related("year").get(pk=tutorship.pk)
    if not tutorship.proposed:
        raise ValidationError(_("This tutorship is already confirmed."))
    tutor = Tutor.objects.select_for_update().select_related("staff").get(pk=tutorship.tutor_id)
    student = tutorship.student
    year = tutorship.year
    if not Enrolment.objects.filter(student=student, year=year, exit_date__isnull=True).exists():
        raise ValidationError(_("This student is not enrolled in that school year."))
    count = _check_room(tutor=tutor, student=student, year=year)
    tutorship.proposed = False
    tutorship.start_date = max(today, year.start_date)
    tutorship.assigned_by = user
    tutorship.full_clean()
    tutorship.save(update_fields=["proposed", "start_date", "assigned_by"])
    tutor.tutee_count = count + 1
    tutor.save(update_fields=["tutee_count"])
    return tutorship


@transaction.atomic
def tutorship_decline(*, tutorship: Tutorship) -> None:
    """The head declines a proposed tutorship: it is removed (it never started)."""
    deleted, _detail = Tutorship.objects.filter(pk=tutorship.pk, proposed=True).delete()
    if not deleted:
        raise ValidationError(_("Only a proposed tutorship can be declined."))


# --------------------------------------------------------------------------- study help

# A weekly repetition makes at most this many slots (a school year has about 36 weeks).
STUDY_HELP_MAX_REPEAT = 45


def study_help_start(slot: StudyHelpSlot) -> dt.datetime:
    """When the slot starts, in the school's time zone (the project's ``TIME_ZONE``)."""
    return timezone.make_aware(dt.datetime.combine(slot.date, slot.start_time))


def study_help_has_started(slot: StudyHelpSlot, now: dt.datetime) -> bool:
    return now >= study_help_start(slot)


def study_help_dates(*, year: SchoolYear, first: dt.date, last: dt.date | None) -> list[dt.date]:
    """``first``, or every week on ``first``'s weekday from ``first`` to ``last`` skipping the
    school holidays and public holidays of the school's zone (« tous les mardis du … au … »)."""
    if last is None or last == first:
        return [first]
    if last < first:
        raise ValidationError(_("The last date comes before the first one."))
    return list(school_days(year.school.holiday_zone, first, last, first.weekday()))


@transaction.atomic
def study_help_slots_create(
    *,
    year: SchoolYear,
    first_date: dt.date,
    last_date: dt.date | None = None,
    start_time: dt.time,
    end_time: dt.time,
    capacity: int,
    supervisors: list[Staff],
    levels: list[Level] | None = None,
    room: str = "",
    theme: str = "",
    user=None,
    today: dt.date,
) -> list[StudyHelpSlot]:
    """Open one study-help slot on ``first_date``, or one a week until ``last_date``."""
    levels = list(levels or [])
    if not supervisors:
        raise ValidationError(_("Choose at least one staff member to supervise the slot."))
    if any(s.school_id != year.school_id or s.exit_date is not None for s in supervisors):
        raise ValidationError(_("Supervisors are present staff members of the school."))
    if any(level.year_id != year.pk for level in levels):
        raise ValidationError(_("These levels belong to another school year."))
    if end_time <= start_time:
        raise ValidationError(_("The slot ends after it starts."))
    if first_date < today:
        raise ValidationError(_("A study-help slot is opened for today or a later day."))
    dates = study_help_dates(year=year, first=first_date, last=last_date)
    if not dates:
        raise ValidationError(_("No school day in these dates: every week falls in holidays."))
    if dates[0] < year.start_date or dates[-1] > year.end_date:
        raise ValidationError(_("The dates lie outside the school year."))
    if len(dates) > STUDY_HELP_MAX_REPEAT:
        raise ValidationError(
            _("At most %(count)s slots at once: shorten the repetition.")
            % {"count": STUDY_HELP_MAX_REPEAT}
        )
    series = uuid.uuid4() if len(dates) > 1 else None
    slots = []
    for day in dates:
        slot = StudyHelpSlot(
            year=year,
            date=day,
            start_time=start_time,
            end_time=end_time,
            capacity=capacity,
            room=room.strip(),
            theme=theme.strip(),
            series=series,
            created_by=user,
        )
        slot.full_clean()
        slot.save()
        slot.supervisors.set(supervisors)
        slot.levels.set(levels)
        slots.append(slot)
    return slots


@transaction.atomic
def study_help_slot_delete(
    *, slot: StudyHelpSlot, now: dt.datetime, following: bool = False
) -> int:
    """Remove a slot that has not started (its sign-ups with it); with ``following``, also
    the later slots of its weekly series that have not started. Returns the slots removed."""
    slot = StudyHelpSlot.objects.select_for_update().get(pk=slot.pk)
    if study_help_has_started(slot, now):
        raise ValidationError(_("This slot has started: it stays, with its attendance."))
    doomed = [slot.pk]
    if following and slot.series is not None:
        doomed += [
            other.pk
            for other in StudyHelpSlot.objects.select_for_update().filter(
                series=slot.series, date__gt=slot.date
            )
            if not study_help_has_started(other, now)
        ]
    StudyHelpSlot.objects.filter(pk__in=doomed).delete()
    return len(doomed)


def study_help_level_ok(slot: StudyHelpSlot, student: Student) -> bool:
    """Whether the slot is open to the pupil's level (a slot without level is open to all)."""
    level_ids = {level.pk for level in slot.levels.all()}
    if not level_ids:
        return True
    division = student.division
    return division is not None and division.level_id in level_ids


@transaction.atomic
def study_help_signup(
    *, slot: StudyHelpSlot, student: Student, now: dt.datetime
) -> StudyHelpSignup:
    """Sign the pupil up for a slot that has not started, if a seat is left.

    The seat is taken by one conditional ``UPDATE`` (``taken < capacity``) under a lock on the
    slot's row: of two pupils taking the last seat at once, the second finds it taken.
    """
    slot = StudyHelpSlot.objects.select_for_update().select_related("year").get(pk=slot.pk)
    if student.school_id != slot.year.school_id:
        raise ValidationError(_("This student belongs to another school."))
    if student.exit_date is not None:
        raise ValidationError(_("This student has left the school."))
    if study_help_has_started(slot, now):
        raise ValidationError(_("This slot has started: sign-ups are closed."))
    if not study_help_level_ok(slot, student):
        raise ValidationError(_("This slot is not open to your level."))
    if StudyHelpSignup.objects.filter(slot=slot, student=student).exists():
        raise ValidationError(_("You are already signed up for this slot."))
    taken = StudyHelpSlot.objects.filter(pk=slot.pk, taken__lt=F("capacity")).update(
        taken=F("taken") + 1
    )
    if not taken:
        raise ValidationError(_("This slot is full."))
    signup = StudyHelpSignup(slot=slot, student=student)
    signup.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            signup.save()
    except IntegrityError as error:
        # The same pupil signed up at the same moment from another tab.
        raise ValidationError(_("You are already signed up for this slot.")) from error
    return signup


@transaction.atomic
def study_help_cancel(*, signup: StudyHelpSignup, now: dt.datetime) -> None:
    """The pupil withdraws until the slot starts; the seat is free again."""
    slot = StudyHelpSlot.objects.select_for_update().get(pk=signup.slot_id)
    if study_help_has_started(slot, now):
        raise ValidationError(_("This slot has started: the sign-up can no longer be cancelled."))
    deleted, _detail = StudyHelpSignup.objects.filter(pk=signup.pk).delete()
    if deleted:
        StudyHelpSlot.objects.filter(pk=slot.pk).update(taken=F("taken") - 1)


@transaction.atomic
def study_help_attendance_set(
    *, slot: StudyHelpSlot, marks: dict[int, str], user=None, now: dt.datetime
) -> int:
    """Record the attendance of the pupils signed up (``marks``: student id → status), once
    the slot has started. Returns the sign-ups changed."""
    slot = StudyHelpSlot.objects.select_for_update().get(pk=slot.pk)
    if not study_help_has_started(slot, now):
        raise ValidationError(_("Attendance is taken once the slot has started."))
    signups = {s.student_id: s for s in slot.signups.select_for_update()}
    if set(marks) - set(signups):
        raise ValidationError(_("Only the pupils signed up for the slot have an attendance."))
    valid = set(StudyHelpSignup.Status.values) | {""}
    changed = []
    for student_id, status in marks.items():
        if status not in valid:
            raise ValidationError(_("Unknown attendance: %(value)s.") % {"value": status})
        signup = signups[student_id]
        if signup.attendance != status:
            signup.attendance = status
            signup.attendance_by = user
            changed.append(signup)
    for signup in changed:
        signup.save(update_fields=["attendance", "attendance_by"])
    return len(changed)
