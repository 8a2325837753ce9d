"""Demo follow-up: the sessions of the published plans, with attendance (about 90 % present,
some absences and lates), plans of work, what was done and progress marks for the sessions
already past, a few cancellations, and validated stage reviews for the first period —
including the « eleve » account's student, so that the student and the parent see one.

Runs after the planning demo. Without published plans (the planning demo solves plans only
when ``settings.DEMO_SOLVE_PLANS`` is true) there is nothing to follow up and nothing is made.
"""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from appui.planning.models import Assignment, Group, Plan
from appui.schools.demo import demo_username
from appui.schools.models import School, Student

from . import services
from .models import Attendance, ProgressMark, Session, StageReview

PLANS_OF_WORK = {
    "soutien": [
        "1. Rappel de l'objectif (5 min)\n2. Exercice diagnostic court\n3. Travail en binômes sur "
        "des situations du métier\n4. Bilan : ce que j'ai réussi, ce qui me reste à travailler",
        "1. Correction de l'exercice de la dernière fois\n2. Méthode pas à pas au tableau\n"
        "3. Entraînement individuel\n4. Auto-évaluation",
    ],
    "orientation": [
        "1. Tour de table : où en est mon projet ?\n2. Recherche documentaire (ONISEP)\n"
        "3. Fiche métier à compléter\n4. Mise en commun",
        "1. Préparation des questions pour le professionnel\n2. Entretien simulé en binômes\n"
        "3. Retour sur la posture",
    ],
}
DEFAULT_PLANS = [
    "1. Objectif de la séance\n2. Activité en petits groupes\n3. Production individuelle\n"
    "4. Bilan et auto-évaluation",
    "1. Retour sur la séance précédente\n2. Atelier guidé\n3. Présentation au groupe\n4. Bilan",
]
CONTENTS = [
    "Activité menée comme prévu ; la plupart des élèves ont terminé la production.",
    "Bon engagement du groupe ; reprise de la méthode nécessaire pour quelques élèves.",
    "Séance un peu courte (retards) : la fin de l'activité est reportée à la prochaine fois.",
    "Travail en binômes efficace ; productions ramassées.",
]
CANCEL_REASONS = [
    "Sortie pédagogique de la classe",
    "Conseil de classe",
    "Formation de l'enseignant",
]
COMMENTS = [
    "Progrès nets depuis le début du module.",
    "Doit encore gagner en autonomie.",
    "Participe activement.",
    "A besoin d'être rassuré(e) avant de se lancer.",
]
REVIEW_COMMENT = (
    "Bonne implication dans les modules d'accompagnement personnalisé de la période. "
    "Les objectifs à venir ont été discutés avec l'élève."
)


def extend_demo(school: School, rng: random.Random) -> None:
    today = timezone.localdate()
    plans = list(
        Plan.objects.filter(
            level__year__school=school, status=Plan.Status.PUBLISHED
        ).select_related("level__year__school", "period")
    )
    if not plans:
        return
    for plan in plans:
        # Publication already generated them (planning calls the service); this is a no-op
        # unless a plan was published some other way.
        services.sessions_generate_for_plan(plan=plan, today=today)
    _record_past_sessions(plans, today, rng)
    _validated_reviews(school, plans, today, rng)


@dataclass
class _Roster:
    """Who is in each group and runs it, and how each student behaves (drawn once)."""

    members: dict[int, list[int]]
    teacher: dict[int, int]
    absence: dict[int, float]
    level: dict[int, int]


def _roster(group_ids: set[int], rng: random.Random) -> _Roster:
    members: dict[int, list[int]] = defaultdict(list)
    for group_id, student_id in Assignment.objects.filter(group_id__in=group_ids).values_list(
        "group_id", "student_id"
    ):
        members[group_id].append(student_id)
    teacher: dict[int, int] = {}
    for group_id, user_id in Group.staff.through.objects.filter(group_id__in=group_ids).values_list(
        "group_id", "staff__user_id"
    ):
        teacher.setdefault(group_id, user_id)
    students = sorted({pk for ids in members.values() for pk in ids})
    # Most students come almost always; a few miss often (as in any lycée professionnel).
    absence = {pk: rng.choice([0.02, 0.04, 0.05, 0.06, 0.08, 0.2]) for pk in students}
    level = {pk: rng.choice([1, 2, 2, 2, 3, 3]) for pk in students}
    return _Roster(members, teacher, absence, level)


def _attendance_status(roll: float, absence: float, rng: random.Random) -> str:
    if roll < absence:
        return rng.choice(
            [Attendance.Status.ABSENT, Attendance.Status.ABSENT, Attendance.Status.EXCUSED]
        )
    if roll < absence + 0.04:
        return Attendance.Status.LATE
    return Attendance.Status.PRESENT


def _hold(
    session: Session, roster: _Roster, rng: random.Random
) -> tuple[list[Attendance], list[ProgressMark]]:
    """Mark the session held with its texts; the roll call and teacher marks it gets."""
    user_id = roster.teacher.get(session.group_id)
    session.status = Session.Status.DONE
    session.plan_of_work = rng.choice(PLANS_OF_WORK.get(session.group.module.kind, DEFAULT_PLANS))
    session.content = rng.choice(CONTENTS)
    session.updated_by_id = user_id
    attendances, marks = [], []
    for student_id in roster.members[session.group_id]:
        status = _attendance_status(rng.random(), roster.absence[student_id], rng)
        attendances.append(
            Attendance(session=session, student_id=student_id, status=status, updated_by_id=user_id)
        )
        if status in (Attendance.Status.ABSENT, Attendance.Status.EXCUSED):
            continue
        if rng.random() < 0.35:
            roster.level[student_id] = min(4, roster.level[student_id] + 1)
        marks.append(
            ProgressMark(
                session=session,
                student_id=student_id,
                author_kind=ProgressMark.AuthorKind.TEACHER,
                author_id=user_id,
                level=roster.level[student_id],
                comment=rng.choice(COMMENTS) if rng.random() < 0.1 else "",
            )
        )
    return attendances, marks


def _self_marks(
    last_held: dict[int, Session], roster: _Roster, rng: random.Random
) -> list[ProgressMark]:
    """Half of the students assessed themselves at the last session of each group."""
    marks = []
    for group_id, session in last_held.items():
        for student_id in roster.members[group_id]:
            if rng.random() < 0.5:
                own = max(1, min(4, roster.level[student_id] + rng.choice([-1, 0, 0, 1])))
                marks.append(
                    ProgressMark(
                        session=session,
                        student_id=student_id,
                        author_kind=ProgressMark.AuthorKind.SELF,
                        level=own,
                    )
                )
    return marks


def _record_past_sessions(plans, today: date, rng: random.Random) -> None:
    """Hold the sessions before ``today`` (a few cancelled) with attendance and marks."""
    sessions = list(
        Session.objects.filter(group__plan__in=plans, date__lt=today)
        .select_related("group__module")
        .order_by("group_id", "date")
    )
    roster = _roster({s.group_id for s in sessions}, rng)
    attendances: list[Attendance] = []
    marks: list[ProgressMark] = []
    last_held: dict[int, Session] = {}
    for session in sessions:
        if rng.random() < 0.03:
            session.status = Session.Status.CANCELLED
            session.cancel_reason = rng.choice(CANCEL_REASONS)
            continue
        held_attendances, held_marks = _hold(session, roster, rng)
        attendances += held_attendances
        marks += held_marks
        last_held[session.group_id] = session
    marks += _self_marks(last_held, roster, rng)
    Session.objects.bulk_update(
        sessions, ["status", "cancel_reason", "plan_of_work", "content", "updated_by"]
    )
    Attendance.objects.bulk_create(attendances)
    ProgressMark.objects.bulk_create(marks)


def _validated_reviews(school: School, plans, today: date, rng: random.Random) -> None:
    """Validated stage reviews of the first period for a few 2nde students, « eleve » first."""
    ended = sorted({p.period for p in plans if p.period.end_date < today}, key=lambda p: p.number)
    if not ended:
        return
    period = ended[0]
    own = Student.objects.filter(
        school=school, user__username=demo_username(school, "eleve")
    ).first()
    division_id = own.division_id if own else None
    candidates = list(
        Student.objects.filter(
            Q(pk=own.pk if own else None)
            | Q(
                assignments__group__plan__period=period,
                assignments__group__plan__status=Plan.Status.PUBLISHED,
                division_id=division_id,
            )
        )
        .filter(school=school, exit_date__isnull=True)
        .distinct()
        .order_by("pk")
    )
    chosen = [s for s in candidates if own and s.pk == own.pk]
    others = [s for s in candidates if not own or s.pk != own.pk]
    chosen += rng.sample(others, k=min(5, len(others)))
    reviews = services.reviews_prepare(students=chosen, period=period, user=None)
    now = timezone.now()
    for review in reviews:
        review.status = StageReview.Status.VALIDATED
        review.validated_at = now
        review.comment = REVIEW_COMMENT
    StageReview.objects.bulk_update(reviews, ["status", "validated_at", "comment"])
