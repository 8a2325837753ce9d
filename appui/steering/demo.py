"""Demo steering: targets, a year of milestones and meetings (pedagogical council in
September, a regulation meeting at the end of every period so far, with minutes, decisions
and actions), a closed staff survey with answers, an open survey for students and guardians,
and the end-of-year outcomes of the two previous years — so that every dashboard shows
real-looking figures."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from appui.schools.demo import demo_username
from appui.schools.models import Level, School, Staff

from . import services
from .models import Meeting, Milestone, PilotageRole, Question, Survey, TrainingAction
from .survey_templates import NO, YES

TARGETS = [
    ("attendance", "90"),
    ("need_coverage", "80"),
    ("churn", "30"),
    ("staff", "50"),
    ("never_offered", "5"),
    ("tutoring", "8"),
    ("satisfaction", "75"),
    ("progress", "40"),
    ("success", "85"),
]
COMMENTS = [
    "Les barrettes alignées facilitent vraiment l'organisation.",
    "Il faudrait un temps de concertation en début de période.",
    "Les groupes changent bien entre les périodes, les élèves s'y retrouvent.",
    "Prévoir une formation sur l'évaluation par compétences.",
    "Le diagnostic de septembre est long à saisir mais utile.",
]
DECISIONS = [
    "Reconduire le test de positionnement en fin de période pour tous les niveaux.",
    "Ouvrir un module d'approfondissement en mathématiques pour les élèves visant un BTS.",
    "Limiter à trois le nombre d'ateliers simultanés par barrette.",
    "Informer les familles des groupes par le bilan d'étape.",
    "Changer la composition des groupes figés de la période précédente.",
]
ACTIONS = [
    "Préparer les sujets du re-diagnostic",
    "Mettre à jour le catalogue des modules",
    "Rédiger le courrier aux familles",
    "Réserver la salle informatique pour la barrette du jeudi",
    "Faire le point avec la Psy-EN sur les élèves sans projet",
]


def extend_demo(school: School, rng: random.Random) -> None:
    year = school.years.get(is_current=True)
    today = timezone.localdate()
    periods = list(year.periods.order_by("number"))
    levels = list(Level.objects.filter(year=year).order_by("order"))
    staff = list(Staff.objects.filter(school=school).select_related("user").order_by("pk"))
    head_name, coordinator_name = (demo_username(school, a) for a in ("direction", "coordination"))
    head = next((s for s in staff if s.user.username == head_name), staff[0] if staff else None)
    coordinator = next((s for s in staff if s.user.username == coordinator_name), head)
    teachers = [s for s in staff if s.function == Staff.Function.TEACHER]

    for key, value in TARGETS:
        services.target_set(year=year, indicator=key, value=Decimal(value))
    second = next((lv for lv in levels if lv.short_name == "2NDPRO"), None)
    if second is not None:
        services.target_set(year=year, indicator="attendance", value=Decimal("92"), level=second)

    _milestones(year, periods, today)
    _meetings(rng, year, periods, levels, today, head, coordinator, teachers)
    _surveys(rng, school, year, today, staff)
    _outcomes(rng, school, year, levels)
    _instances(rng, year, levels, today, head, coordinator, teachers)
    _trainings(rng, year, today, teachers)
    _organigram(rng, year, levels, staff, teachers)


def _done(due: date, today: date, late: bool = False) -> date | None:
    if due >= today or late:
        return None
    return due


def _milestones(year, periods, today: date) -> None:
    services.milestone_create(
        year=year,
        title="Bilan de compétences de rentrée",
        kind=Milestone.Kind.DIAGNOSIS,
        due_date=year.start_date + timedelta(days=14),
        done_on=_done(year.start_date + timedelta(days=12), today),
    )
    services.milestone_create(
        year=year,
        title="Conseil pédagogique : objectifs de l'AP",
        kind=Milestone.Kind.COUNCIL,
        due_date=year.start_date + timedelta(days=21),
        done_on=_done(year.start_date + timedelta(days=20), today),
    )
    past = [p for p in periods if p.end_date < today]
    for period in periods:
        late = bool(past) and period == past[-1]
        services.milestone_create(
            year=year,
            title=f"Re-diagnostic de fin de {period.name.lower()}",
            kind=Milestone.Kind.DIAGNOSIS,
            due_date=period.end_date - timedelta(days=3),
            done_on=_done(period.end_date - timedelta(days=4), today),
        )
        services.milestone_create(
            year=year,
            title=f"Réunion de régulation — {period.name}",
            kind=Milestone.Kind.REGULATION,
            due_date=period.end_date,
            done_on=_done(period.end_date, today),
        )
        # The last stage reviews due are late: the dashboard shows what a late one looks like.
        services.milestone_create(
            year=year,
            title=f"Bilans d'étape — {period.name}",
            kind=Milestone.Kind.STAGE_REVIEW,
            due_date=period.end_date + timedelta(days=10),
            done_on=_done(period.end_date + timedelta(days=8), today, late=late),
        )
    services.milestone_create(
        year=year,
        title="Enquête de satisfaction auprès des élèves et des familles",
        kind=Milestone.Kind.SURVEY,
        due_date=year.end_date - timedelta(days=30),
    )


def _meetings(rng, year, periods, levels, today, head, coordinator, teachers) -> None:
    if head is None:
        return
    council_day = min(today, year.start_date + timedelta(days=20))
    council = services.meeting_save(
        year=year,
        kind=Meeting.Kind.COUNCIL,
        date=council_day,
        title="Conseil pédagogique de rentrée",
        agenda="1. Bilan de l'AP de l'an dernier\n2. Objectifs par niveau\n3. Calendrier",
        minutes=(
            "Le conseil fixe les objectifs de l'AP par niveau : méthodes en 2nde, orientation "
            "en 1re, poursuite d'études et insertion en terminale. Les indicateurs cibles et "
            "l'échéancier sont adoptés."
        ),
        attendees=[head, coordinator, *rng.sample(teachers, k=min(6, len(teachers)))],
        levels=levels,
    )
    first = services.decision_add(meeting=council, text=DECISIONS[0])
    services.decision_set_done(decision=first, day=council_day)
    services.decision_add(meeting=council, text=DECISIONS[1])
    services.action_add(
        meeting=council,
        description=ACTIONS[1],
        owner=coordinator,
        due_date=council_day + timedelta(days=30),
    )
    for n, period in enumerate(p for p in periods if p.end_date - timedelta(days=5) <= today):
        day = period.end_date - timedelta(days=5)
        meeting = services.meeting_save(
            year=year,
            kind=Meeting.Kind.REGULATION,
            date=day,
            title=f"Réunion de régulation — {period.name}",
            agenda=(
                "1. Assiduité et heures assurées\n2. Progrès au re-diagnostic\n"
                "3. Groupes de la période suivante"
            ),
            minutes=(
                "Les intervenants font le point sur chaque groupe. L'assiduité est bonne ; "
                "quelques élèves décrochent et seront reçus par la CPE. Les groupes de la "
                "période suivante seront reformés à partir du re-diagnostic."
            ),
            attendees=[coordinator, *rng.sample(teachers, k=min(5, len(teachers)))],
            levels=[levels[n % len(levels)]] if levels else [],
        )
        decision = services.decision_add(meeting=meeting, text=DECISIONS[(n + 2) % len(DECISIONS)])
        if day + timedelta(days=20) < today:
            services.decision_set_done(decision=decision, day=day + timedelta(days=14))
        action = services.action_add(
            meeting=meeting,
            description=ACTIONS[(n + 2) % len(ACTIONS)],
            owner=rng.choice(teachers) if teachers else coordinator,
            due_date=day + timedelta(days=12),
            decision=decision,
        )
        if day + timedelta(days=30) < today:
            services.action_set_done(action=action, day=day + timedelta(days=10))


def _surveys(rng, school, year, today, staff) -> None:
    opens = today - timedelta(days=40)
    survey = services.survey_create(
        year=year,
        template=Survey.Template.STAFF,
        opens_on=opens,
        closes_on=today,
        for_staff=True,
    )
    services.survey_publish(survey=survey)
    questions = list(survey.questions.order_by("order"))
    present = [s for s in staff if s.exit_date is None]
    respondents = rng.sample(present, k=min(len(present), max(5, round(len(present) * 0.6))))
    for person in respondents:
        answers: dict[int, int | str] = {}
        for question in questions:
            if question.kind == Question.Kind.SCALE:
                if rng.random() < 0.95:
                    answers[question.pk] = rng.choices([1, 2, 3, 4], weights=[6, 18, 48, 28])[0]
            elif question.kind == Question.Kind.YES_NO:
                answers[question.pk] = rng.choices([YES, NO], weights=[55, 45])[0]
            elif rng.random() < 0.3:
                answers[question.pk] = rng.choice(COMMENTS)
        if answers:
            services.survey_answer(survey=survey, user=person.user, answers=answers)
    Survey.objects.filter(pk=survey.pk).update(
        closes_on=today - timedelta(days=20), closed_at=timezone.now()
    )

    open_survey = services.survey_create(
        year=year,
        template=Survey.Template.STUDENTS,
        opens_on=today - timedelta(days=2),
        closes_on=today + timedelta(days=21),
        for_students=True,
        for_guardians=True,
    )
    services.survey_publish(survey=open_survey)


def _outcomes(rng, school, year, levels) -> None:
    for start_year in (year.start_year - 2, year.start_year - 1):
        for level in levels:
            enrolled = rng.randint(40, 90)
            final = (level.track == Level.Track.CAP and level.year_in_cycle == 2) or (
                level.track == Level.Track.BACPRO and level.year_in_cycle == 3
            )
            candidates = enrolled - rng.randint(0, 3) if final else 0
            passed = round(candidates * rng.uniform(0.78, 0.93)) if final else 0
            leavers = passed + rng.randint(0, 4) if final else 0
            leavers = min(leavers, enrolled)
            further = round(leavers * rng.uniform(0.25, 0.45)) if final else 0
            services.outcome_set(
                school=school,
                start_year=start_year,
                level=level,
                enrolled=enrolled,
                repeating=rng.randint(0, 4),
                candidates=candidates,
                passed=passed,
                leavers=leavers,
                further_studies=further,
            )


# --------------------------------------------------------------------------- pilotage (seed 001)


def _instances(rng, year, levels, today, head, coordinator, teachers) -> None:
    """One meeting of each instance besides the council and the regulation meetings: the
    board of governors, two subject teachers' councils, the class councils, a team meeting."""
    if head is None:
        return
    start = year.start_date
    items = [
        (
            Meeting.Kind.BOARD,
            start + timedelta(days=45),
            "Conseil d'administration : l'AP dans le projet d'établissement",
            [head],
        ),
        (
            Meeting.Kind.TEACHING,
            start + timedelta(days=25),
            "Conseil d'enseignement de lettres-histoire : objectifs de l'AP",
            [coordinator, *rng.sample(teachers, k=min(3, len(teachers)))],
        ),
        (
            Meeting.Kind.TEACHING,
            start + timedelta(days=27),
            "Conseil d'enseignement de mathématiques-sciences : tests de positionnement",
            rng.sample(teachers, k=min(3, len(teachers))),
        ),
        (
            Meeting.Kind.CLASS,
            start + timedelta(days=105),
            "Conseils de classe du premier trimestre",
            [head, *rng.sample(teachers, k=min(4, len(teachers)))],
        ),
        (
            Meeting.Kind.TEAM,
            start + timedelta(days=60),
            "Équipe de 2nde pro : bilan des groupes de besoins",
            rng.sample(teachers, k=min(4, len(teachers))),
        ),
    ]
    for kind, day, title, attendees in items:
        services.meeting_save(
            year=year,
            kind=kind,
            date=day,
            title=title,
            agenda="1. Point sur l'accompagnement personnalisé\n2. Questions diverses",
            minutes="" if day > today else "Le point sur l'AP est fait ; voir les décisions.",
            attendees=[a for a in attendees if a is not None],
            levels=levels[:1] if kind == Meeting.Kind.TEAM else [],
        )


def _ap_teachers(year, teachers) -> list:
    """Teachers running a published group of the year (the indicator's population), else all."""
    from appui.planning.models import Group

    running = set(
        Group.staff.through.objects.filter(
            group__plan__level__year=year, group__plan__status="published"
        ).values_list("staff_id", flat=True)
    )
    return [t for t in teachers if t.pk in running] or list(teachers)


def _trainings(rng, year, today, teachers) -> None:
    """Two training actions done with their participants, one planned with those registered."""
    pool = _ap_teachers(year, teachers)
    if not pool:
        return
    first = min(year.start_date + timedelta(days=30), today - timedelta(days=7))
    services.training_save(
        year=year,
        title="Évaluer par compétences en accompagnement personnalisé",
        theme="Évaluation par compétences, échelle du LSU",
        organiser=TrainingAction.Organiser.ACADEMY,
        date=first,
        hours=Decimal("6"),
        status=TrainingAction.Status.DONE,
        participants=rng.sample(pool, k=min(5, len(pool))),
        notes="Formation d'initiative locale inscrite au plan académique (EAFC).",
    )
    services.training_save(
        year=year,
        title="Conduire un entretien d'orientation",
        theme="Entretiens personnalisés, projet de l'élève",
        organiser=TrainingAction.Organiser.SCHOOL,
        date=today - timedelta(days=2),
        hours=Decimal("3"),
        status=TrainingAction.Status.DONE,
        participants=rng.sample(pool, k=min(3, len(pool))),
    )
    services.training_save(
        year=year,
        title="Différencier dans les groupes de besoins",
        theme="Groupes de besoins, différenciation",
        organiser=TrainingAction.Organiser.AREA,
        date=today + timedelta(days=30),
        hours=Decimal("6"),
        participants=rng.sample(pool, k=min(4, len(pool))),
    )


def _organigram(rng, year, levels, staff, teachers) -> None:
    """The management, referents (one from outside), and a coordinator for each level, chosen
    among teachers without a demo login so that the demo accounts keep their roles."""
    direction = [s for s in staff if s.function == Staff.Function.DIRECTION]
    for kind, person in zip(
        (PilotageRole.Kind.HEAD, PilotageRole.Kind.DEPUTY, PilotageRole.Kind.DDFPT),
        direction,
        strict=False,
    ):
        services.pilotage_role_save(year=year, kind=kind, staff=person)
    cpe = next((s for s in staff if s.function == Staff.Function.CPE), None)
    psyen = next((s for s in staff if s.function == Staff.Function.PSYEN), None)
    if cpe is not None:
        services.pilotage_role_save(year=year, kind=PilotageRole.Kind.DROPOUT, staff=cpe)
    if psyen is not None:
        services.pilotage_role_save(year=year, kind=PilotageRole.Kind.ORIENTATION, staff=psyen)
    services.pilotage_role_save(
        year=year,
        kind=PilotageRole.Kind.OTHER,
        name="Mme Rolland",
        title="Conseillère de la mission locale (Avenir Pro)",
    )
    plain = [t for t in teachers if not t.user.has_usable_password()]
    rng.shuffle(plain)
    for kind in (PilotageRole.Kind.DIGITAL, PilotageRole.Kind.INCLUSION):
        if plain:
            services.pilotage_role_save(year=year, kind=kind, staff=plain.pop())
    for level in levels:
        if plain:
            services.level_coordinator_add(level=level, staff=plain.pop())
