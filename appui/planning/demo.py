"""Demo planning: rooms, two weekly slots (barrettes) per level with the staff and rooms
available in them, and a catalogue of about twenty modules with precise objectives."""

import random
from datetime import time

from django.conf import settings
from django.utils import timezone

from appui.diagnostics.models import Competency
from appui.schools.demo import demo_username
from appui.schools.models import Level, School, Staff, Student

from .models import Module, Room, Slot

ROOMS = [
    ("B101", 30, ""),
    ("B102", 30, ""),
    ("B103", 24, ""),
    ("B104", 24, ""),
    ("B201", 18, ""),
    ("B202", 18, ""),
    ("CDI", 28, "ordinateurs"),
    ("Info 1", 16, "ordinateurs"),
    ("Info 2", 16, "ordinateurs"),
    ("Atelier élec", 16, "atelier"),
    ("Salle polyvalente", 35, ""),
    ("A12", 20, ""),
    ("A14", 20, ""),
    ("A16", 22, ""),
]
# Level short name -> [(weekday, start, end)]. Two aligned slots a week per level; the
# levels' slots never overlap, so a teacher can serve several levels.
SLOTS = {
    "CAP1": [(0, time(14, 0), time(15, 30)), (3, time(10, 0), time(11, 30))],
    "CAP2": [(1, time(14, 0), time(15, 30)), (4, time(10, 0), time(11, 30))],
    "2NDPRO": [(1, time(10, 0), time(11, 15)), (3, time(14, 0), time(15, 15))],
    "1PRO": [(0, time(10, 0), time(11, 15)), (2, time(10, 0), time(11, 15))],
    "TPRO": [(2, time(8, 30), time(9, 45)), (4, time(14, 0), time(15, 15))],
    # The collège section: an hour a week (two in 6e), with the collège's teachers.
    "6E": [(0, time(8, 30), time(9, 30)), (3, time(8, 30), time(9, 30))],
    "5E": [(1, time(8, 30), time(9, 30))],
    "4E": [(0, time(16, 0), time(17, 0))],
    "3E": [(1, time(16, 0), time(17, 0))],
}
# Extra subjects whose teachers can run a module in the collège section.
COLLEGE_STAFF = {
    "LEC-S": ["020700", "040600"],
    "CON-M": ["020700", "061300", "062900"],
    "GRP-M": ["100100", "070200"],
    "NUM-S": ["070200"],
    "INF-M": ["040600"],
    "MOT-S": ["030201", "062900"],
    "PRJ-O": ["040600", "030201"],
}
# (code, title, objective, competency, kind, sessions, min, max, staff subjects, indicators)
MODULES = [
    (
        "LEC-S",
        "Lire pour comprendre",
        "Repérer les informations essentielles d'un texte professionnel",
        "FR.LEC",
        "soutien",
        4,
        6,
        14,
        ["LET-HG", "DOC"],
        "Répond juste à 4 questions sur 5 sur un texte inconnu",
    ),
    (
        "ECR-S",
        "Écrire sans se bloquer",
        "Rédiger un paragraphe structuré de dix lignes",
        "FR.ECR",
        "soutien",
        4,
        6,
        14,
        ["LET-HG"],
        "Paragraphe avec idée, exemple, connecteurs",
    ),
    (
        "ECR-A",
        "Atelier d'écriture",
        "Écrire un texte argumenté pour un concours ou un BTS",
        "FR.ECR",
        "approfondissement",
        5,
        8,
        18,
        ["LET-HG"],
        "Texte argumenté de deux pages",
    ),
    (
        "ORA-S",
        "Prendre la parole",
        "Présenter oralement un sujet pendant trois minutes",
        "FR.ORA",
        "expression",
        4,
        6,
        14,
        ["LET-HG", "ANG", "VENTE"],
        "Exposé de 3 minutes sans lire ses notes",
    ),
    (
        "THEA",
        "Théâtre et confiance",
        "Oser s'exprimer devant un groupe",
        "ES.CON",
        "culturel",
        5,
        8,
        16,
        ["ARTS", "EPS", "LET-HG"],
        "Joue une courte scène devant le groupe",
    ),
    (
        "CAL-S",
        "Calcul au quotidien",
        "Calculer une remise, un pourcentage, une conversion",
        "MA.CAL",
        "soutien",
        4,
        6,
        14,
        ["MATH-SC"],
        "8 calculs professionnels justes sur 10",
    ),
    (
        "PRO-S",
        "Proportionnalité en situation",
        "Résoudre un problème de proportionnalité du métier",
        "MA.PRO",
        "soutien",
        4,
        6,
        14,
        ["MATH-SC"],
        "Résout 3 problèmes du métier",
    ),
    (
        "PRO-A",
        "Maths pour le BTS",
        "Approfondir l'algèbre et les fonctions en vue d'un BTS",
        "MA.PRO",
        "approfondissement",
        5,
        8,
        18,
        ["MATH-SC"],
        "Réussit un sujet type d'entrée en BTS",
    ),
    (
        "GEO-S",
        "Mesurer et tracer",
        "Lire un plan et calculer des surfaces",
        "MA.GEO",
        "soutien",
        3,
        6,
        14,
        ["MATH-SC", "ELEC"],
        "Calcule les surfaces d'un plan coté",
    ),
    (
        "ORG-M",
        "S'organiser",
        "Tenir un agenda et planifier son travail de la semaine",
        "ME.ORG",
        "methodologie",
        3,
        6,
        16,
        ["LET-HG", "MATH-SC", "DOC", "PSE"],
        "Agenda tenu trois semaines de suite",
    ),
    (
        "MEM-M",
        "Apprendre ses leçons",
        "Mémoriser une leçon avec des fiches et l'auto-interrogation",
        "ME.MEM",
        "methodologie",
        4,
        6,
        16,
        ["LET-HG", "MATH-SC", "PSE", "DOC"],
        "Restitue une leçon apprise en AP",
    ),
    (
        "CON-M",
        "Lire une consigne",
        "Reformuler une consigne avant d'agir",
        "ME.CON",
        "methodologie",
        3,
        6,
        16,
        ["LET-HG", "MATH-SC", "PSE"],
        "Reformule correctement 4 consignes sur 5",
    ),
    (
        "GRP-M",
        "Travailler en équipe",
        "Mener une tâche à plusieurs en répartissant les rôles",
        "ME.GRP",
        "methodologie",
        3,
        8,
        18,
        ["EPS", "ECO-G", "ECO-D"],
        "Projet d'équipe rendu dans les délais",
    ),
    (
        "NUM-S",
        "Outils numériques",
        "Mettre en forme un document et l'envoyer en pièce jointe",
        "NU.OUT",
        "soutien",
        4,
        6,
        14,
        ["DOC", "GESTADM", "ECO-G"],
        "Document conforme envoyé par l'ENT",
    ),
    (
        "INF-M",
        "S'informer en ligne",
        "Vérifier une information et citer sa source",
        "NU.INF",
        "methodologie",
        3,
        6,
        16,
        ["DOC"],
        "Fiche de vérification complète",
    ),
    (
        "POS-P",
        "Posture en entreprise",
        "Se présenter et se comporter en stage",
        "PO.PRO",
        "orientation",
        4,
        8,
        18,
        ["VENTE", "GESTADM", "ELEC", "ECO-D"],
        "Grille d'observation du tuteur de stage",
    ),
    (
        "COM-P",
        "Communiquer au travail",
        "Rédiger un courriel professionnel et téléphoner",
        "PO.COM",
        "expression",
        3,
        6,
        16,
        ["VENTE", "GESTADM"],
        "Courriel et appel simulés réussis",
    ),
    (
        "MOT-S",
        "Donner du sens",
        "Relier les apprentissages au métier visé",
        "ES.MOT",
        "soutien",
        3,
        6,
        16,
        ["PSE", "ELEC", "VENTE", "GESTADM"],
        "Carnet de bord complété",
    ),
    (
        "PRJ-O",
        "Construire son projet",
        "Explorer deux métiers et rencontrer un professionnel",
        "OR.PRJ",
        "orientation",
        4,
        8,
        18,
        ["LET-HG", "VENTE", "ELEC", "GESTADM", "DOC"],
        "Fiche projet avec deux pistes argumentées",
    ),
    (
        "INS-O",
        "Préparer l'insertion",
        "CV, lettre et entretien d'embauche",
        "OR.INS",
        "orientation",
        4,
        8,
        18,
        ["VENTE", "GESTADM", "ECO-D", "ECO-G"],
        "CV et lettre prêts, entretien simulé",
    ),
    (
        "ETU-O",
        "Cap sur le BTS",
        "Préparer ses vœux et son dossier de poursuite d'études",
        "OR.ETU",
        "orientation",
        4,
        6,
        18,
        ["LET-HG", "MATH-SC", "ECO-G"],
        "Dossier et projet motivé complets",
    ),
    (
        "PAS-O",
        "Passerelle",
        "Préparer un changement de formation ou de voie",
        "OR.PAS",
        "orientation",
        3,
        4,
        12,
        ["LET-HG", "MATH-SC"],
        "Dossier de passerelle déposé",
    ),
]


def rooms_for(largest_level: int) -> list[tuple[str, int, str]]:
    """The demo's rooms, and more classrooms of 24 seats when its rooms are too few for the
    largest level in one slot: enough seats (1.2 × its pupils, the margin the slots keep) and
    enough rooms (a group of about twelve each; see ``needed`` below)."""
    rooms = list(ROOMS)
    needed_rooms = max(3, round(largest_level / 12) + 2)
    number = 300
    while sum(r[1] for r in rooms) < 1.2 * largest_level or len(rooms) < needed_rooms:
        number += 1
        rooms.append((f"C{number}", 24, ""))
    return rooms


def extend_demo(school: School, rng: random.Random) -> None:
    year = school.years.get(is_current=True)
    largest = max(
        (
            Student.objects.filter(
                school=school, exit_date__isnull=True, division__level=level
            ).count()
            for level in Level.objects.filter(year=year)
        ),
        default=0,
    )
    rooms = [
        Room.objects.create(school=school, name=name, capacity=capacity, features=features)
        for name, capacity, features in rooms_for(largest)
    ]
    competencies = {c.code: c for c in Competency.objects.filter(framework__school=school)}
    teachers = list(
        Staff.objects.filter(school=school, function=Staff.Function.TEACHER)
        .select_related("user")
        .prefetch_related("subjects")
    )
    by_subject: dict[str, list[Staff]] = {}
    for teacher in teachers:
        for subject in teacher.subjects.all():
            by_subject.setdefault(subject.code, []).append(teacher)
    for code, title, objective, comp, kind, sessions, low, high, subjects, indicators in MODULES:
        module = Module.objects.create(
            school=school,
            code=code,
            title=title,
            objective=objective,
            competency=competencies[comp],
            kind=kind,
            sessions=sessions,
            min_size=low,
            max_size=high,
            success_indicators=indicators,
            room_needs="ordinateurs" if comp.startswith("NU") else "",
        )
        subjects = subjects + COLLEGE_STAFF.get(code, [])
        module.staff.set([t for s in subjects for t in by_subject.get(s, [])])

    periods = list(year.periods.all())
    for level in Level.objects.filter(year=year).prefetch_related("divisions"):
        divisions = list(level.divisions.all())
        students = sum(d.students.filter(exit_date__isnull=True).count() for d in divisions)
        for weekday, start, end in SLOTS[level.short_name]:
            slot = Slot.objects.create(
                year=year, level=level, weekday=weekday, start_time=start, end_time=end
            )
            slot.periods.set(periods)
            slot.divisions.set(divisions)
            # Enough teachers for groups of about twelve, and rooms for everyone.
            needed = max(3, round(students / 12) + 2)
            # The collège section and the lycée have their own teachers.
            college = level.track == Level.Track.COLLEGE
            pool = [t for t in teachers if _teaches_college(t) == college]
            available = rng.sample(pool, k=min(len(pool), needed))
            # The demo accounts' teachers are free in the 2nde slots, so that logging in
            # as « professeur » or « tuteur » shows groups they run.
            if level.short_name == "2NDPRO":
                accounts = {demo_username(school, name) for name in ("professeur", "tuteur")}
                available += [
                    t for t in teachers if t.user.username in accounts and t not in available
                ]
            slot.staff.set(available)
            chosen, capacity = [], 0
            for room in rng.sample(rooms, k=len(rooms)):
                chosen.append(room)
                capacity += room.capacity
                if len(chosen) >= needed and capacity >= students * 1.2:
                    break
            slot.rooms.set(chosen)
    # Pupils' wishes draw from a copy of the generator: the plans below stay as they were.
    wish_rng = random.Random()
    wish_rng.setstate(rng.getstate())
    _demo_wishes(school, year, wish_rng)
    if getattr(settings, "DEMO_SOLVE_PLANS", True):
        _demo_plans(school, year, rng)


def _teaches_college(teacher: Staff) -> bool:
    """Collège subjects carry STS-web's six-digit codes in the demo."""
    return any(subject.code.isdigit() for subject in teacher.subjects.all())


def _demo_plans(school: School, year, rng: random.Random) -> None:
    """Published plans for the past periods and a proposed one for the current period."""
    from appui.core.grouping.solver import solve

    from . import grouping, rounds, services

    today = timezone.localdate()
    periods = [p for p in year.periods.order_by("number") if p.start_date <= today]
    if not periods:
        periods = list(year.periods.order_by("number")[:1])
    seconds = getattr(settings, "DEMO_SOLVE_SECONDS", 2.0)
    rounded = _rounded_level(year)
    for level in Level.objects.filter(year=year):
        for period in periods:
            cut = level == rounded and period == periods[-1]
            if cut:
                # Seed 004: two short sequences in the current period, each with its groups.
                rounds.rounds_cut(level=level, period=period, count=2)
            plan = services.plan_for_editing(level=level, period=period, user=None)
            solution = solve(
                grouping.build_instance(plan),
                time_limit=seconds,
                seed=rng.randrange(1000),
                gap_limit=0.02,
            )
            grouping.store_solution(plan, solution)
            if (period != periods[-1] or cut) and plan.status == plan.Status.PROPOSED:
                services.plan_publish(plan=plan, user=None)


#: The level whose current period the demo cuts into two rounds (séquences), published; the
#: first of these the demo school has. The 2nde pro plans stay whole periods.
ROUNDED_LEVELS = ("CAP1", "1PRO")


def _rounded_level(year) -> Level | None:
    levels = {lv.short_name: lv for lv in Level.objects.filter(year=year)}
    return next((levels[name] for name in ROUNDED_LEVELS if name in levels), None)


# Wishes windows of the demo (appui/planning/wishes.py): 1re pro chose before the current
# period (closed, so its plan honours them), 2nde pro is choosing for the next one (open,
# « eleve » has not answered yet). Modules: (level, which period) -> codes offered.
DEMO_WISHES = {
    ("1PRO", "current"): ["PRJ-O", "ETU-O", "INS-O", "POS-P", "COM-P", "ORA-S", "THEA", "MEM-M"],
    ("2NDPRO", "next"): ["LEC-S", "CAL-S", "ORG-M", "MEM-M", "PRJ-O", "THEA", "NUM-S", "POS-P"],
}


def _demo_wishes(school: School, year, rng: random.Random) -> None:
    """Open the demo's wishes windows and fill them: most pupils rank one to three modules,
    those matching their needs more often."""
    import datetime

    from appui.diagnostics.models import NeedProfile

    from .models import Wish, WishWindow

    today = timezone.localdate()
    periods = list(year.periods.order_by("number"))
    started = [p for p in periods if p.start_date <= today]
    current = started[-1] if started else periods[0]
    upcoming = [p for p in periods if p.start_date > today]
    day = datetime.timedelta(days=1)
    for (short_name, which), codes in DEMO_WISHES.items():
        level = Level.objects.filter(year=year, short_name=short_name).first()
        if level is None:
            continue
        if which == "current":
            period = current
            closes = min(period.start_date - 4 * day, today - day)
            opens, share = closes - 10 * day, 0.85
        else:
            if not upcoming:
                continue
            period = upcoming[0]
            opens, closes, share = today - 3 * day, today + 10 * day, 0.5
        offered = list(
            Module.objects.filter(school=school, code__in=codes)
            .select_related("competency")
            .order_by("code")
        )
        if len(offered) < 3:
            continue
        window = WishWindow.objects.create(
            level=level, period=period, opens_on=opens, closes_on=closes, max_wishes=3
        )
        window.modules.set(offered)
        # The demo accounts choose for themselves (« eleve » in the browser).
        pupils = [
            s
            for d in level.divisions.order_by("code")
            for s in d.students.filter(exit_date__isnull=True, user__isnull=True).order_by("pk")
        ]
        profiles = {p.student_id: p.needs for p in NeedProfile.objects.filter(student__in=pupils)}
        rows = []
        for pupil in pupils:
            if rng.random() >= share:
                continue
            needs = profiles.get(pupil.pk, {})
            weights = [
                1 + 2 * int(needs.get(m.competency.code, {}).get("level", 0)) for m in offered
            ]
            count = rng.choices([1, 2, 3], weights=[15, 25, 60])[0]
            chosen: list[Module] = []
            while len(chosen) < count:
                module = rng.choices(offered, weights=weights)[0]
                if module not in chosen:
                    chosen.append(module)
            rows += [
                Wish(window=window, student=pupil, module=module, rank=rank)
                for rank, module in enumerate(chosen, start=1)
            ]
        Wish.objects.bulk_create(rows)
