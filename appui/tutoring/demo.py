"""Demo tutoring: terms set by the head (6 tutees at most, 50 € per tutee), the « tuteur »
account and five other volunteer teachers, tutees chosen among students with a project of
further studies, a bridge or no project yet (seed 003: AP for « ceux qui souhaitent profiter
des passerelles … ou ceux qui ont un projet de poursuite d'études »), assigned by the
suggestion rules, the « eleve » account's student followed by « tuteur », meetings since the
start of the year, and most guardians informed.

Study help (seed 000, « aide au travail personnel hors la classe »): every Tuesday 17:00–18:00
at the CDI from the third week of the year, supervised by « tuteur » and another teacher, with
a few sign-ups and their attendance on past Tuesdays, and sign-ups for next week (« eleve »
among them); today's slot is left open for the pupil to sign up."""

import datetime as dt
import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from appui.schools.demo import demo_username
from appui.schools.models import School, Staff, Student

from . import selectors, services
from .models import StudyHelpSignup, Tutorship

TOPICS = [
    "Point sur le projet d'orientation ; recherche de fiches métiers sur l'ONISEP.",
    "Bilan de la période : résultats, assiduité, organisation du travail personnel.",
    "Préparation du stage en entreprise : lettre de motivation et posture.",
    "Poursuite d'études : découverte des BTS de la filière, dates des salons.",
    "Passerelle envisagée : conditions, calendrier, entretien avec la Psy-EN.",
    "Méthodes de travail : planning de révisions, agenda.",
]
NEXT_STEPS = [
    "Rencontrer la Psy-EN avant les vacances.",
    "Compléter la fiche projet et la rapporter au prochain entretien.",
    "Visiter le salon de l'orientation avec la famille.",
    "Demander un rendez-vous au professeur principal.",
    "",
]


def extend_demo(school: School, rng: random.Random) -> None:
    year = school.years.get(is_current=True)
    today = timezone.localdate()
    start = min(today, year.start_date + timedelta(days=21))
    services.policy_set(year=year, max_tutees=6, allowance_per_tutee=Decimal("50"))

    teachers = list(
        Staff.objects.filter(school=school, function=Staff.Function.TEACHER)
        .select_related("user")
        .order_by("last_name", "first_name", "pk")
    )
    tuteur_name = demo_username(school, "tuteur")
    tuteur = next(t for t in teachers if t.user.username == tuteur_name)
    others = rng.sample([t for t in teachers if t.user.username != tuteur_name], k=5)
    tutors = {
        staff.pk: services.tutor_volunteer(staff=staff, year=year, today=start)
        for staff in [tuteur, *others]
    }

    own = Student.objects.filter(
        user__username=demo_username(school, "eleve"), school=school
    ).first()
    if own is not None:
        services.tutorship_create(tutor=tutors[tuteur.pk], student=own, today=start)

    candidates = Student.objects.filter(
        school=school,
        exit_date__isnull=True,
        division__year=year,
        project__in=[
            Student.Project.FURTHER_STUDIES,
            Student.Project.BRIDGE,
            Student.Project.UNDECIDED,
        ],
    ).order_by("pk")
    wanted = sorted(rng.sample(list(candidates), k=min(28, candidates.count())), key=lambda s: s.pk)
    proposals = selectors.suggestions(year, Student.objects.filter(pk__in=[s.pk for s in wanted]))
    services.tutorships_create(
        pairs=[(p["tutor"], p["student"]) for p in proposals["proposals"]], today=start
    )

    for tutorship in Tutorship.objects.filter(year=year).order_by("pk"):
        if rng.random() < 0.85:
            services.tutorship_mark_informed(
                tutorship=tutorship, day=min(today, start + timedelta(days=rng.randint(3, 15)))
            )
        for day in _meeting_days(rng, start, today):
            services.meeting_log(
                tutorship=tutorship,
                date=day,
                topics=rng.choice(TOPICS),
                next_steps=rng.choice(NEXT_STEPS),
                user=tutorship.tutor.staff.user,
                today=today,
            )

    # Last, so that the draws above stay what they were before study help existed.
    _study_help(school, year, rng, today, supervisors=[tuteur, others[0]])


def _meeting_days(rng: random.Random, start: date, today: date) -> list[date]:
    span = (today - start).days
    if span <= 0:
        return []
    count = min(3, 1 + span // 40)
    return sorted({start + timedelta(days=rng.randint(0, span)) for _ in range(count)})


def _study_help(school: School, year, rng: random.Random, today: date, supervisors) -> None:
    first = year.start_date + timedelta(days=14)
    first += timedelta(days=(1 - first.weekday()) % 7)  # the next Tuesday
    if first > year.end_date:
        return
    # Opened at the start of the year (the service refuses a first date already past).
    slots = services.study_help_slots_create(
        year=year,
        first_date=first,
        last_date=min(year.end_date, first + timedelta(weeks=services.STUDY_HELP_MAX_REPEAT - 1)),
        start_time=dt.time(17),
        end_time=dt.time(18),
        capacity=12,
        supervisors=supervisors,
        room="CDI",
        theme="Aide aux devoirs",
        today=first,
    )
    pupils = list(
        Student.objects.filter(school=school, exit_date__isnull=True, division__year=year)
        .exclude(user__username="eleve")
        .order_by("pk")
    )
    own = Student.objects.filter(user__username="eleve", school=school).first()
    statuses = [StudyHelpSignup.Status.PRESENT] * 8 + [
        StudyHelpSignup.Status.ABSENT,
        StudyHelpSignup.Status.EXCUSED,
    ]
    past = [s for s in slots if s.date < today]
    upcoming = [s for s in slots if s.date > today]
    for slot in [*past, *upcoming[:1]]:
        chosen = rng.sample(pupils, k=min(len(pupils), rng.randint(3, 7)))
        if own is not None and (slot in upcoming or rng.random() < 0.4):
            chosen.append(own)
        before = timezone.make_aware(
            dt.datetime.combine(slot.date - timedelta(days=1), dt.time(12))
        )
        for pupil in chosen:
            services.study_help_signup(slot=slot, student=pupil, now=before)
        if slot in past:
            services.study_help_attendance_set(
                slot=slot,
                marks={pupil.pk: rng.choice(statuses) for pupil in chosen},
                user=supervisors[0].user,
                now=services.study_help_start(slot) + timedelta(hours=1),
            )
