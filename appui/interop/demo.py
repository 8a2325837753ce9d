"""Demo LSU data for the collège section: for each ended period whose groups were published,
the export settings, the class councils, the periodic-report data a school-life software
would give (subject positionings and appreciations, « acquis et conseils », attendance) and
validated stage reviews with the AP teacher's comment — so the LSU export of the demo's
collège levels is complete and validates against the official schema."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from appui.followup import services as followup_services
from appui.followup.models import StageReview
from appui.planning.models import Plan
from appui.schools.models import Level, School, Staff, Teaching

from .lsu import college_levels, present_students
from .models import LsuAssessment, LsuCouncil, LsuReport, LsuSettings

APPRECIATIONS = {
    1: "Des difficultés importantes : un travail régulier et un soutien sont nécessaires.",
    2: "Des progrès fragiles ; il faut persévérer et demander de l'aide.",
    3: "Un bon trimestre, un travail sérieux.",
    4: "Excellent travail, avec de très bonnes initiatives.",
}
ADVICE = [
    "Bon début d'année : les méthodes se mettent en place. Continuer à relire ses leçons "
    "chaque soir.",
    "Des efforts visibles à l'oral. L'écrit doit encore gagner en soin et en précision.",
    "Un élève sérieux et investi. Oser participer davantage en classe.",
    "Trimestre irrégulier : s'organiser avec l'agenda et rendre le travail à temps.",
    "Résultats encourageants. La lecture des consignes reste à consolider en AP.",
]
AP_COMMENTS = [
    "A suivi le module avec assiduité ; sait maintenant reformuler une consigne seul.",
    "Progrès nets en lecture : repère l'essentiel d'un texte documentaire.",
    "Participation active en groupe ; doit encore gagner en autonomie.",
    "Objectif en partie atteint : à poursuivre au prochain module.",
]


def extend_demo(school: School, rng: random.Random) -> None:
    year = school.years.get(is_current=True)
    today = timezone.localdate()
    # The head of school who signs: the demo « direction » account's staff record.
    head = Staff.objects.filter(school=school, function=Staff.Function.DIRECTION).first()
    ended = [p for p in year.periods.order_by("number") if p.end_date < today]
    for period in ended:
        levels = college_levels(period)
        published = Plan.objects.filter(
            period=period, level__in=levels, status=Plan.Status.PUBLISHED
        )
        if not levels or not published.exists():
            continue
        LsuSettings.objects.create(
            period=period,
            manager=head,
            locked_on=min(today, period.end_date + timedelta(days=10)),
        )
        students = list(present_students(period, levels))
        divisions = {student.division for student in students}
        for division in divisions:
            council = period.end_date - timedelta(days=2)
            while council.weekday() >= 5:
                council -= timedelta(days=1)
            LsuCouncil.objects.create(period=period, division=division, date=council)
        _reports(period, levels, students, rng)
        _stage_reviews(period, published, students, rng)


def _reports(period, levels: list[Level], students, rng: random.Random) -> None:
    teachings: dict[int, list[Teaching]] = {}
    for teaching in Teaching.objects.filter(division__level__in=levels).select_related("subject"):
        if teaching.subject is not None:
            teachings.setdefault(teaching.division_id, []).append(teaching)
    reports = LsuReport.objects.bulk_create(
        [
            LsuReport(
                student=student,
                period=period,
                advice=rng.choice(ADVICE),
                late=rng.choice([0, 0, 0, 1, 2, 3]),
                justified_absences=rng.choice([0, 0, 1, 2, 4]),
                unjustified_absences=rng.choice([0, 0, 0, 0, 1]),
            )
            for student in students
        ]
    )
    assessments = []
    for report, student in zip(reports, students, strict=True):
        ease = rng.random()
        for teaching in teachings.get(student.division_id, []):
            positioning = max(1, min(4, round(1 + 3 * ease + rng.uniform(-0.8, 0.8))))
            assessments.append(
                LsuAssessment(
                    report=report,
                    subject=teaching.subject,
                    staff_id=teaching.staff_id,
                    positioning=positioning,
                    appreciation=APPRECIATIONS[positioning],
                )
            )
    LsuAssessment.objects.bulk_create(assessments, batch_size=500)


def _stage_reviews(period, plans, students, rng: random.Random) -> None:
    """Validated stage reviews with the AP teacher's comment, for the students in groups."""
    in_groups = [
        student
        for student in students
        if student.assignments.filter(Q(group__plan__in=plans)).exists()
        and student.exit_date is None
    ]
    already = set(
        StageReview.objects.filter(period=period, status=StageReview.Status.VALIDATED).values_list(
            "student_id", flat=True
        )
    )
    chosen = [student for student in in_groups if student.pk not in already]
    if not chosen:
        return
    reviews = followup_services.reviews_prepare(students=chosen, period=period, user=None)
    now = timezone.now()
    for review in reviews:
        review.status = StageReview.Status.VALIDATED
        review.validated_at = now
        review.comment = rng.choice(AP_COMMENTS)
    StageReview.objects.bulk_update(reviews, ["status", "validated_at", "comment"])
