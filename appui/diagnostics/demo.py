"""Demo diagnosis: the default framework, a closed September review for every level with
plausible results, an open end-of-period re-diagnosis being filled in 2nde, welcome
interviews and observations. Results are correlated: each student has a general ease and a
French / maths / methods / posture profile around it, so some struggle nearly everywhere,
a few are strong, most are mixed — as in a lycée professionnel's September review."""

import random
from datetime import timedelta

from appui.schools.models import Level, School, Staff, Student

from . import services
from .models import Campaign, Interview, Observation, Result

SEPTEMBER_CODES = [
    "FR.LEC",
    "FR.ECR",
    "FR.ORA",
    "MA.CAL",
    "MA.PRO",
    "ME.ORG",
    "ME.CON",
    "NU.OUT",
    "PO.PRO",
    "ES.CON",
]
RE_DIAGNOSIS_CODES = ["FR.LEC", "FR.ECR", "MA.CAL", "MA.PRO", "ME.ORG", "ME.CON"]
DOMAIN_SPREAD = {"FR": 0.7, "MA": 0.8, "ME": 0.6, "NU": 0.5, "PO": 0.6, "ES": 0.7}
ASPIRATIONS = [
    "Travailler rapidement dans le métier, en alternance si possible.",
    "Poursuivre en BTS après le bac.",
    "Changer de spécialité l'an prochain, vers le commerce.",
    "Ne sait pas encore ; aime le travail en équipe.",
    "Reprendre l'entreprise familiale.",
    "Devenir électricien indépendant.",
]
STRENGTHS = [
    "Sérieux et ponctuel.",
    "À l'aise à l'oral.",
    "Bon sens pratique en atelier.",
    "Curieux, pose des questions.",
]
DIFFICULTIES = [
    "Manque de méthode pour apprendre ses leçons.",
    "Lecture des consignes trop rapide.",
    "Manque de confiance en lui ou en elle.",
    "Difficultés en calcul mental.",
]


def _level_for(rng: random.Random, ease: float, offset: float) -> int:
    score = ease + offset + rng.gauss(0, 0.55)
    if score < -0.9:
        return 1
    if score < 0.0:
        return 2
    if score < 0.95:
        return 3
    return 4


def extend_demo(school: School, rng: random.Random) -> None:
    framework = services.framework_install_default(school=school)
    competencies = {c.code: c for c in framework.competencies.all()}
    year = school.years.get(is_current=True)
    periods = list(year.periods.order_by("number"))
    staff = list(Staff.objects.filter(school=school, function=Staff.Function.TEACHER))
    students = list(
        Student.objects.filter(school=school).select_related("division__level").order_by("pk")
    )
    ease = {s.pk: rng.gauss(-0.1, 0.9) for s in students}
    offsets = {
        s.pk: {d: rng.gauss(0, spread) for d, spread in DOMAIN_SPREAD.items()} for s in students
    }

    results = []
    for level in Level.objects.filter(year=year):
        september = Campaign.objects.create(
            year=year,
            level=level,
            period=periods[0],
            kind=Campaign.Kind.SEPTEMBER_REVIEW,
            name=f"Bilan de rentrée — {level.name}",
            date=year.start_date + timedelta(days=14),
            framework=framework,
            state=Campaign.State.CLOSED,
        )
        september.competencies.set([competencies[c] for c in SEPTEMBER_CODES])
        for student in students:
            if student.division is None or student.division.level_id != level.pk:
                continue
            for code in SEPTEMBER_CODES:
                if rng.random() < 0.03:
                    results.append(
                        Result(
                            campaign=september,
                            student=student,
                            competency=competencies[code],
                            not_assessed="abs",
                        )
                    )
                    continue
                value = _level_for(rng, ease[student.pk], offsets[student.pk][code[:2]])
                results.append(
                    Result(
                        campaign=september,
                        student=student,
                        competency=competencies[code],
                        value=value,
                    )
                )

        if level.short_name == "2NDPRO" and len(periods) > 1:
            # Re-diagnosis after period 1 (seed 004), still being entered: some progress.
            review = Campaign.objects.create(
                year=year,
                level=level,
                period=periods[1],
                kind=Campaign.Kind.PERIOD_REVIEW,
                name=f"Re-diagnostic fin de période 1 — {level.name}",
                date=periods[0].end_date - timedelta(days=4),
                framework=framework,
                state=Campaign.State.OPEN,
            )
            review.competencies.set([competencies[c] for c in RE_DIAGNOSIS_CODES])
            level_students = [
                (s, s.division.code)
                for s in students
                if s.division and s.division.level_id == level.pk
            ]
            divisions = sorted({code for _student, code in level_students})
            filled = set(divisions[: max(1, len(divisions) - 2)])  # two divisions still to do
            for student, division_code in level_students:
                if division_code not in filled:
                    continue
                for code in RE_DIAGNOSIS_CODES:
                    value = _level_for(rng, ease[student.pk] + 0.25, offsets[student.pk][code[:2]])
                    results.append(
                        Result(
                            campaign=review,
                            student=student,
                            competency=competencies[code],
                            value=value,
                        )
                    )
    Result.objects.bulk_create(results, batch_size=1000)

    entering = [
        s
        for s in students
        if s.exit_date is None and s.division and s.division.level.year_in_cycle == 1
    ]
    for student in rng.sample(entering, k=len(entering) // 3):
        interview = Interview.objects.create(
            student=student,
            kind=Interview.Kind.WELCOME,
            date=year.start_date + timedelta(days=rng.randrange(3, 20)),
            author=rng.choice(staff),
            project=student.project,
            aspirations=rng.choice(ASPIRATIONS),
            strengths=rng.choice(STRENGTHS),
            difficulties=rng.choice(DIFFICULTIES),
            restricted=rng.random() < 0.05,
        )
        if ease[student.pk] > 0.8 or student.project in {
            Student.Project.FURTHER_STUDIES,
            Student.Project.BRIDGE,
        }:
            interview.deepen.set([competencies[rng.choice(["FR.ECR", "MA.PRO", "FR.ORA"])]])

    observed = rng.sample([s for s in students if s.exit_date is None], k=len(students) // 10)
    for student in observed:
        weak = ease[student.pk] < 0
        Observation.objects.create(
            student=student,
            date=year.start_date + timedelta(days=rng.randrange(10, 45)),
            author=rng.choice(staff),
            competency=competencies[rng.choice(["ME.ORG", "ME.CON", "ES.CON", "PO.PRO", "FR.ORA"])],
            signal=Observation.Signal.DIFFICULTY if weak else Observation.Signal.STRENGTH,
            note="Observé en atelier et en classe."
            if weak
            else "Prend des initiatives, aide ses camarades.",
            restricted=False,
        )
    services.profiles_recompute(students=students)
