"""Reads of the tutoring app."""

import datetime as dt

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from appui.core.indicators import tutor_allowance
from appui.schools.models import SchoolYear, Staff, Student, Teaching
from appui.schools.selectors import current_students, current_year, project_labeller

from .models import StudyHelpSignup, StudyHelpSlot, Tutor, TutorMeeting, Tutorship
from .services import policy_for
from .suggest import Pupil, Seat, suggest


def tutors_overview(year: SchoolYear) -> QuerySet[Tutor]:
    """The year's tutors with their load and the meetings they logged this year."""
    return (
        Tutor.objects.filter(year=year)
        .select_related("staff")
        .annotate(
            meeting_count=Count(
                "tutorships__meetings",
                filter=Q(tutorships__year=year),
                distinct=True,
            )
        )
        .order_by("-active", "staff__last_name", "staff__first_name")
    )


def available_tutors(year: SchoolYear) -> QuerySet[Tutor]:
    """Active tutors who still have room."""
    return (
        Tutor.objects.filter(year=year, active=True)
        .filter(tutee_count__lt=F("max_tutees"))
        .select_related("staff")
        .order_by("tutee_count", "staff__last_name")
    )


def tutor_of(user, year: SchoolYear | None) -> Tutor | None:
    if year is None or not getattr(user, "is_authenticated", False):
        return None
    return Tutor.objects.filter(year=year, staff__user=user).select_related("staff").first()


def students_without_tutor(year: SchoolYear, students: QuerySet[Student]) -> QuerySet[Student]:
    """Present students of ``students`` with no current tutor this year."""
    # A pupil with a proposal carried over from last year waits for the head's answer.
    tutored = Tutorship.objects.filter(year=year, end_date__isnull=True).values("student_id")
    return (
        current_students(students.filter(school=year.school))
        .exclude(pk__in=tutored)
        .select_related("division__level")
        .order_by("division__level__order", "division__code", "last_name", "first_name")
    )


def pupil_rows(students: QuerySet[Student]) -> list[dict]:
    """``students`` as plain rows (``pk``, ``name``, ``division``, ``project``): the assignment
    page shows up to 300 pupils twice, in its select and its list, without model instances."""
    project_label = project_labeller()
    return [
        {
            "pk": pk,
            "name": f"{last_name.upper()} {first_name}",
            "division": division or "—",
            "project": project_label(project),
        }
        for pk, last_name, first_name, division, project in students.values_list(
            "pk", "last_name", "first_name", "division__code", "project"
        )
    ]


def current_tutorships(year: SchoolYear, students: QuerySet[Student]) -> QuerySet[Tutorship]:
    """Current tutorships of the year for ``students``, with meeting counts."""
    return (
        Tutorship.objects.filter(
            year=year, end_date__isnull=True, proposed=False, student__in=students
        )
        .select_related("student__division", "tutor__staff")
        .annotate(meeting_count=Count("meetings"), last_meeting=Max("meetings__date"))
        .order_by("tutor__staff__last_name", "student__last_name", "student__first_name")
    )


def proposals(school, students: QuerySet[Student]) -> QuerySet[Tutorship]:
    """Tutorships carried over to a school year that is current or to come, waiting for the
    head's confirmation, for ``students``."""
    year = current_year(school)
    start = year.start_year if year is not None else 0
    return (
        Tutorship.objects.filter(
            year__school=school, year__start_year__gte=start, proposed=True, student__in=students
        )
        .select_related("year", "student", "tutor__staff")
        .order_by("year__start_year", "tutor__staff__last_name", "student__last_name")
    )


def tutees(tutor: Tutor) -> QuerySet[Tutorship]:
    """The tutor's current tutorships with their meeting count and last meeting."""
    return (
        tutor.tutorships.filter(end_date__isnull=True, proposed=False)
        .select_related("student__division")
        .annotate(meeting_count=Count("meetings"), last_meeting=Max("meetings__date"))
        .order_by("student__last_name", "student__first_name")
    )


def student_tutorships(student: Student) -> QuerySet[Tutorship]:
    """Every tutorship of the student, newest year first, with its meetings."""
    return (
        student.tutorships.filter(proposed=False)
        .select_related("year", "tutor__staff")
        .prefetch_related(Prefetch("meetings", queryset=TutorMeeting.objects.order_by("-date")))
        .order_by("-year__start_year", "-start_date")
    )


def suggestions(year: SchoolYear, students: QuerySet[Student]) -> dict:
    """Proposed tutors for the students without one (see `appui.tutoring.suggest`), and
    ``unplaced``: the ids of those left without (every tutor full). The pupils are read as ids
    and divisions: only those proposed are loaded whole (a school has hundreds without a
    tutor, a page shows as many proposals as tutors have room)."""
    without = students_without_tutor(year, students)
    rows = list(without.values_list("pk", "division_id"))
    tutors = {t.pk: t for t in Tutor.objects.filter(year=year, active=True).select_related("staff")}
    by_staff = {t.staff_id: t.pk for t in tutors.values()}
    # The most recent tutor of an earlier year, when they volunteer again this year.
    previous: dict[int, int] = {}
    for student_id, staff_id in (
        Tutorship.objects.filter(
            student__in=without.values("pk"),
            year__start_year__lt=year.start_year,
            proposed=False,
        )
        .order_by("year__start_year", "start_date")
        .values_list("student_id", "tutor__staff_id")
    ):
        if staff_id in by_staff:
            previous[student_id] = by_staff[staff_id]
    teachers: dict[int, set[int]] = {}
    for division_id, staff_id in Teaching.objects.filter(
        division__in={division_id for _pk, division_id in rows if division_id},
        staff_id__in=by_staff,
    ).values_list("division_id", "staff_id"):
        teachers.setdefault(division_id, set()).add(by_staff[staff_id])
    pupils = [
        Pupil(
            id=pk,
            previous_tutor=previous.get(pk),
            teachers=frozenset(teachers.get(division_id, ()) if division_id is not None else ()),
        )
        for pk, division_id in rows
    ]
    seats = {pk: Seat(load=t.tutee_count, maximum=t.max_tutees) for pk, t in tutors.items()}
    proposals, unplaced = suggest(pupils, seats)
    proposed = Student.objects.select_related("division__level").in_bulk(
        [p.student for p in proposals]
    )
    return {
        "proposals": [
            {"student": proposed[p.student], "tutor": tutors[p.tutor], "reason": p.reason}
            for p in proposals
        ],
        "unplaced": unplaced,
    }


def allowances(year: SchoolYear) -> list[dict]:
    """Per tutor: students followed this year (ended tutorships included), rate, amount."""
    policy = policy_for(year)
    rows = []
    tutors = (
        Tutor.objects.filter(year=year)
        .select_related("staff")
        .annotate(
            followed=Count(
                "tutorships__student", filter=Q(tutorships__proposed=False), distinct=True
            )
        )
        .order_by("staff__last_name", "staff__first_name")
    )
    for tutor in tutors:
        rows.append(
            {
                "tutor": tutor,
                "tutees": tutor.followed,
                "rate": policy.allowance_per_tutee,
                "amount": tutor_allowance(tutor.followed, policy.allowance_per_tutee),
            }
        )
    return rows


# --------------------------------------------------------------------------- study help


def study_help_when(now: dt.datetime, prefix: str = "") -> dict[str, Q]:
    """Filters on a slot (``prefix``: the path to it, e.g. ``"slot__"``) against ``now``."""
    local = timezone.localtime(now)
    today, time = local.date(), local.time()

    def on(**lookups) -> Q:
        return Q(**{prefix + key: value for key, value in lookups.items()})

    return {
        "not_started": on(date__gt=today) | on(date=today, start_time__gt=time),
        "started": on(date__lt=today) | on(date=today, start_time__lte=time),
        "not_ended": on(date__gt=today) | on(date=today, end_time__gt=time),
    }


def study_help_slots(year: SchoolYear, staff: Staff | None = None) -> QuerySet[StudyHelpSlot]:
    """The year's slots (those ``staff`` supervises when given), with their supervisors,
    levels and the sign-ups still without attendance."""
    slots = StudyHelpSlot.objects.filter(year=year)
    if staff is not None:
        slots = slots.filter(supervisors=staff)
    return slots.prefetch_related("supervisors", "levels").annotate(
        unrecorded=Count("signups", filter=Q(signups__attendance=""))
    )


# The pupil's page lists the slots of the next weeks only; later ones appear as time goes by.
STUDY_HELP_PUPIL_WEEKS = 4


def study_help_open_for(student: Student, now: dt.datetime) -> list[StudyHelpSlot]:
    """The slots not started yet, within ``STUDY_HELP_PUPIL_WEEKS``, that the pupil may take:
    of their school's current year, open to their level; each with ``signup`` (the pupil's
    sign-up or None)."""
    year = current_year(student.school)
    if year is None:
        return []
    level_id = student.division.level_id if student.division is not None else None
    open_to = Q(levels__isnull=True)
    if level_id is not None:
        open_to |= Q(levels=level_id)
    slots = list(
        StudyHelpSlot.objects.filter(year=year)
        .filter(study_help_when(now)["not_started"])
        .filter(
            date__lte=timezone.localtime(now).date() + dt.timedelta(weeks=STUDY_HELP_PUPIL_WEEKS)
        )
        .filter(pk__in=StudyHelpSlot.objects.filter(open_to).values("pk"))
        .prefetch_related("supervisors", "levels")
        .order_by("date", "start_time", "pk")[:60]
    )
    mine = {
        s.slot_id: s
        for s in StudyHelpSignup.objects.filter(student=student, slot__in=[x.pk for x in slots])
    }
    for slot in slots:
        slot.signup = mine.get(slot.pk)  # type: ignore[attr-defined]
    return slots


def study_help_signups_of(
    students, now: dt.datetime, *, upcoming: bool = True, limit: int | None = None
) -> QuerySet[StudyHelpSignup]:
    """The pupils' sign-ups of slots not ended yet (``upcoming``, soonest first) or ended
    (latest first)."""
    not_ended = study_help_when(now, "slot__")["not_ended"]
    signups = StudyHelpSignup.objects.filter(student__in=students).select_related("slot", "student")
    if upcoming:
        signups = signups.filter(not_ended).order_by(
            "slot__date", "slot__start_time", "student__last_name"
        )
    else:
        signups = signups.exclude(not_ended).order_by(
            "-slot__date", "-slot__start_time", "student__last_name"
        )
    return signups[:limit] if limit else signups


def study_help_supervisor_home(staff: Staff, now: dt.datetime) -> dict:
    """For the staff home: the supervisor's slots with attendance to take (started, some
    sign-up unrecorded) and their next slots."""
    slots = StudyHelpSlot.objects.filter(supervisors=staff)
    to_record = (
        slots.filter(study_help_when(now)["started"], signups__attendance="")
        .distinct()
        .order_by("-date", "-start_time")[:5]
    )
    upcoming = slots.filter(study_help_when(now)["not_started"]).order_by("date", "start_time")[:3]
    return {"to_record": list(to_record), "upcoming": list(upcoming)}


def study_help_summary(year: SchoolYear) -> dict:
    """The school's figures of the year's study help: slots, seats offered, sign-ups, pupils
    who signed up, attendance recorded, present, and the attendance rate (present among the
    recorded, in %, None before any call)."""
    slots = StudyHelpSlot.objects.filter(year=year).aggregate(
        slots=Count("pk"), seats=Sum("capacity")
    )
    signups = StudyHelpSignup.objects.filter(slot__year=year).aggregate(
        signups=Count("pk"),
        pupils=Count("student", distinct=True),
        recorded=Count("pk", filter=~Q(attendance="")),
        present=Count("pk", filter=Q(attendance=StudyHelpSignup.Status.PRESENT)),
        excused=Count("pk", filter=Q(attendance=StudyHelpSignup.Status.EXCUSED)),
    )
    recorded = signups["recorded"]
    return {
        "slots": slots["slots"],
        "seats": slots["seats"] or 0,
        **signups,
        "attendance_rate": round(100 * signups["present"] / recorded) if recorded else None,
    }
