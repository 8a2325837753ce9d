"""Demo diagnosis: the default framework, a closed September review for every level with
plausible results, an open end-of-period re-diagnosis being filled in 2nde, welcome
interviews and observations. Results are correlated: each student has a general ease and a
French / maths / methods / posture profile around it, so some struggle nearly everywhere,
a few are strong, most are mixed — as in a lycée professionnel's September review."""

import random
from dataclasses import dataclass
from datetime import timedelta

from appui.schools.models import Level, Period, School, SchoolYear, Staff, Student

from . import services
from .models import Campaign, Competency, Framework, Interview, Observation, Result

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


@dataclass
class _Demo:
    """What every step of the demo diagnosis reads: the school year and its periods, the
    framework's competencies, teachers, students with their ease and per-domain offsets, and
    the one random generator (steps draw from it in a fixed order: same seed, same data)."""

    rng: random.Random
    year: SchoolYear
    periods: list[Period]
    framework: Framework
    competencies: dict[str, Competency]
    staff: list[Staff]
    students: list[Student]
    ease: dict[int, float]
    offsets: dict[int, dict[str, float]]


def extend_demo(school: School, rng: random.Random) -> None:
    """Add the diagnosis to the demo school; the steps run in this order, drawing from ``rng``."""
    demo = _prepare(school, rng)
    results: list[Result] = []
    for level in Level.objects.filter(year=demo.year):
        results += _september_review(demo, level)
        if level.short_name == "2NDPRO" and len(demo.periods) > 1:
            results += _re_diagnosis(demo, level)
    Result.objects.bulk_create(results, batch_size=1000)
    _welcome_interviews(demo)
    _observations(demo)
    services.profiles_recompute(students=demo.students)


def _prepare(school: School, rng: random.Random) -> _Demo:
    """The default framework installed, the school's data read, each student's profile drawn."""
    framework = services.framework_install_default(school=school)
    year = school.years.get(is_current=True)
    students = list(
        Student.objects.filter(school=school).select_related("division__level").order_by("pk")
    )
    ease = {s.pk: rng.gauss(-0.1, 0.9) for s in students}
    offsets = {
        s.pk: {d: rng.gauss(0, spread) for d, spread in DOMAIN_SPREAD.items()} for s in students
    }
    return _Demo(
        rng=rng,
        year=year,
        periods=list(year.periods.order_by("number")),
        framework=framework,
        competencies={c.code: c for c in framework.competencies.all()},
        staff=list(Staff.objects.filter(school=school, function=Staff.Function.TEACHER)),
        students=students,
        ease=ease,
        offsets=offsets,
    )


def _september_review(demo: _Demo, level: Level) -> list[Result]:
    """The level's closed September review and its results (a few absent students)."""
    rng, year, competencies = demo.rng, demo.year, demo.competencies
    september = Campaign.objects.create(
        year=year,
        level=level,
        period=demo.periods[0],
        kind=Campaign.Kind.SEPTEMBER_REVIEW,
        name=f"Bilan de rentrée — {level.name}",
        date=year.start_date + timedelta(days=14),
        framework=demo.framework,
        state=Campaign.State.CLOSED,
    )
    september.competencies.set([competencies[c] for c in SEPTEMBER_CODES])
    results = []
    for student in demo.students:
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
            value = _level_for(rng, demo.ease[student.pk], demo.offsets[student.pk][code[:2]])
            results.append(
                Result(
                    campaign=september,
                    student=student,
                    competency=competencies[code],
                    value=value,
                )
            )
    return results


def _re_diagnosis(demo: _Demo, level: Level) -> list[Result]:
    """Re-diagnosis after period 1 (seed 004), still being entered: some progress, and the
    last two divisions not filled in yet."""
    competencies = demo.competencies
    review = Campaign.objects.create(
        year=demo.year,
        level=level,
        period=demo.periods[1],
        kind=Campaign.Kind.PERIOD_REVIEW,
        name=f"Re-diagnostic fin de période 1 — {level.name}",
        date=demo.periods[0].end_date - timedelta(days=4),
        framework=demo.framework,
        state=Campaign.State.OPEN,
    )
    review.competencies.set([competencies[c] for c in RE_DIAGNOSIS_CODES])
    level_students = [
        (s, s.division.code)
        for s in demo.students
        if s.division and s.division.level_id == level.pk
    ]
    divisions = sorted({code for _student, code in level_students})
    filled = set(divisions[: max(1, len(divisions) - 2)])  # two divisions still to do
    results = []
    for student, division_code in level_students:
        if division_code not in filled:
            continue
        for code in RE_DIAGNOSIS_CODES:
            ease = demo.ease[student.pk] + 0.25
            value = _level_for(demo.rng, ease, demo.offsets[student.pk][code[:2]])
            results.append(
                Result(
                    campaign=review,
                    student=student,
                    competency=competencies[code],
                    value=value,
                )
            )
    return results


def _welcome_interviews(demo: _Demo) -> None:
    """Welcome interviews for a third of the students entering their cycle."""
    rng = demo.rng
    entering = [
        s
        for s in demo.students
        if s.exit_date is None and s.division and s.division.level.year_in_cycle == 1
    ]
    for student in rng.sample(entering, k=len(entering) // 3):
        interview = Interview.objects.create(
            student=student,
            kind=Interview.Kind.WELCOME,
            date=demo.year.start_date + timedelta(days=rng.randrange(3, 20)),
            author=rng.choice(demo.staff),
            project=student.project,
            aspirations=rng.choice(ASPIRATIONS),
            strengths=rng.choice(STRENGTHS),
            difficulties=rng.choice(DIFFICULTIES),
            restricted=rng.random() < 0.05,
        )
        if demo.ease[student.pk] > 0.8 or student.project in {
            Student.Project.FURTHER_STUDIES,
            Student.Project.BRIDGE,
        }:
            interview.deepen.set([demo.competencies[rng.choice(["FR.ECR", "MA.PRO", "FR.ORA"])]])


def _observations(demo: _Demo) -> None:
    """Observations of a tenth of the students: a difficulty for the weak, else a strength."""
    rng, students = demo.rng, demo.students
    observed = rng.sample([s for s in students if s.exit_date is None], k=len(students) // 10)
    for student in observed:
        weak = demo.ease[student.pk] < 0
        # Drawn in this order (day, author, competency): the demo's data depend on it.
        day = demo.year.start_date + timedelta(days=rng.randrange(10, 45))
        author = rng.choice(demo.staff)
        competency = rng.choice(["ME.ORG", "ME.CON", "ES.CON", "PO.PRO", "FR.ORA"])
        Observation.objects.create(
            student=student,
            date=day,
            author=author,
            competency=demo.competencies[competency],
            signal=Observation.Signal.DIFFICULTY if weak else Observation.Signal.STRENGTH,
            note="Observé en atelier et en classe."
            if weak
            else "Prend des initiatives, aide ses camarades.",
            restricted=False,
        )
