"""The demo school: a realistic, fictitious lycée professionnel for the current school year.

Deterministic for a seed. Rebuilding removes the demo school (found by its UAI) and the
accounts that belonged only to it, and never touches another school. Other apps extend the
demo by providing `appui.<app>.demo.extend_demo(school, rng)`; they run in INSTALLED_APPS order.

:func:`build_academy_demo` builds, with the same builders, an académie of many fictitious
schools for demos and benches: valid distinct UAIs, staff and rooms scaled to the pupils, and
their demo accounts named ``<account>-<uai>`` (:func:`demo_username`).
"""

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from importlib import import_module

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from appui.accounts.models import EntIdentity
from appui.core import calendar
from appui.core.identifiers import uai_check_letter

from . import demo_data as data
from . import demo_strands
from .models import (
    Academy,
    AcademyMembership,
    Division,
    Guardian,
    Level,
    Membership,
    Period,
    School,
    SchoolYear,
    Staff,
    Student,
    StudentGroup,
    StudentGuardian,
    Subject,
    Teaching,
)
from .services import enrolments_record

DEMO_UAI_DIGITS = "0219990"
DEMO_UAI = DEMO_UAI_DIGITS + uai_check_letter(DEMO_UAI_DIGITS)
DEMO_PASSWORD = "demo"
#: The pupils the demo's fixed staff serve; a larger school gets proportionally more teachers.
BASE_STUDENTS = 500
#: The académie of the many-schools demo: UAIs 0218001…0218999 (département 021, Côte-d'Or).
ACADEMY_UAI_BASE = 218000
ACADEMY_ACCOUNTS = {
    "academie-demo": "Inspecteur, vue académique de tous les établissements de démonstration",
    "admin-academie": "Administrateur académique (ajoute des établissements par import SIECLE)",
}
DEMO_ACCOUNTS = {
    "direction": "Chef d'établissement",
    "coordination": "Coordination AP (tout l'établissement)",
    "professeur": "Professeur de mathématiques-physique-chimie",
    "tuteur": "Professeur de lettres-histoire et tuteur",
    "eleve": "Élève de 2nde professionnelle",
    "parent": "Responsable légal de l'élève « eleve »",
    "academie": "Inspecteur (IEN), vue académique agrégée",
}
Role = Membership.Role


@dataclass
class DemoResult:
    school: School
    accounts: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower().replace(" ", "-") if c.isalnum() or c == "-")


def demo_username(school: School, account: str) -> str:
    """The username of one of :data:`DEMO_ACCOUNTS` in ``school``: ``<account>-<uai in lower
    case>`` in the schools of the académie demo (``direction-0218001h``), the account itself
    in any other (``direction``, the demo school's)."""
    if is_academy_demo_school(school):
        return f"{account}-{school.uai.lower()}"
    return account


def is_academy_demo_school(school: School) -> bool:
    """One of the académie demo's schools (UAIs 0218001…0218999)."""
    digits = school.uai[:7]
    return digits.isdigit() and 0 < int(digits) - ACADEMY_UAI_BASE < 1000


def academy_demo_uai(number: int) -> str:
    """The UAI of the académie demo's school ``number`` (1…999), with its check letter."""
    digits = f"{ACADEMY_UAI_BASE + number:07d}"
    return digits + uai_check_letter(digits)


def remove_demo_school(uai: str = DEMO_UAI) -> None:
    """Delete the demo school of ``uai`` and the accounts that belonged to it alone."""
    school = School.objects.filter(uai=uai).first()
    if school is None:
        return
    User = get_user_model()
    user_ids = set(
        User.objects.filter(
            Q(memberships__school=school)
            | Q(staff__school=school)
            | Q(student__school=school)
            | Q(guardian__school=school)
        ).values_list("pk", flat=True)
    )
    # Pupils first: their rows in other apps (a tutor's tutorships, which protect the tutor)
    # go with them, then the staff, then the school.
    Student.objects.filter(school=school).delete()
    Staff.objects.filter(school=school).delete()
    school.delete()
    # Accounts still linked to another school are left alone.
    User.objects.filter(pk__in=user_ids).filter(
        memberships__isnull=True, staff__isnull=True, student__isnull=True, guardian__isnull=True
    ).delete()


@transaction.atomic
def build_demo(*, seed: int = 2026, students: int = 500, today: date | None = None) -> DemoResult:
    """Rebuild the demo school for ``today``'s school year; same seed, same data.

    The steps run in this order and draw from one generator; then each other app extends
    the demo with its own generator (see :func:`_extend_by_apps`).
    """
    remove_demo_school()
    school = _create_school()
    return _build_school(school, seed=seed, students=students, today=today)


def build_academy_demo(
    *,
    schools: int,
    students: int,
    seed: int = 2026,
    today: date | None = None,
    on_school: Callable[[DemoResult, int], None] | None = None,
) -> list[DemoResult]:
    """An académie of ``schools`` fictitious schools of ``students`` pupils each, rebuilt.

    School ``n`` has the UAI :func:`academy_demo_uai` (n), its own generator (``seed`` and
    ``n``) and the demo accounts named by :func:`demo_username`; the académie has an
    inspector (``academie-demo``) and an administrator (``admin-academie``), who see every
    school of it. Staff and rooms grow with the pupils (:func:`staff_scale`, and the rooms of
    ``appui.planning.demo``), so every level's plans can be published.

    Each school is built in a transaction of its own (a failure keeps the schools built
    before it; building again rebuilds them), then ``on_school(result, number)`` is called.
    """
    if not 1 <= schools <= 999:
        raise ValueError("Between 1 and 999 schools.")
    academy = _demo_academy()
    results = []
    for number in range(1, schools + 1):
        with transaction.atomic():
            results.append(
                _build_academy_school(academy, number, seed=seed, students=students, today=today)
            )
        if on_school is not None:
            on_school(results[-1], number)
    with transaction.atomic():
        _create_academy_accounts(academy, results)
    return results


def _build_academy_school(
    academy: Academy, number: int, *, seed: int, students: int, today: date | None
) -> DemoResult:
    """School ``number`` of the académie demo, rebuilt."""
    uai = academy_demo_uai(number)
    remove_demo_school(uai)
    town, city = data.ACADEMY_SCHOOL_NAMES[(number - 1) % len(data.ACADEMY_SCHOOL_NAMES)]
    school = School(
        uai=uai,
        name=f"Lycée professionnel {town} (démo {number})",
        city=city,
        academy=academy,
        holiday_zone=School.Zone.A,
        ent_oidc_claim="preferred_username",
    )
    school.full_clean()
    school.save()
    return _build_school(school, seed=seed * 1000 + number, students=students, today=today)


def staff_scale(students: int) -> int:
    """How many times the demo's staff a school of ``students`` pupils has (1 up to 500)."""
    return max(1, -(-students // BASE_STUDENTS))


def _build_school(
    school: School, *, seed: int, students: int, today: date | None = None
) -> DemoResult:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    result = DemoResult(school=school)
    year = _create_year(school, today)
    levels = _create_levels(year)
    subjects = _create_subjects(school)
    divisions = _create_divisions(year, levels)

    staff_by_subject = _create_staff(rng, school, subjects, result, scale=staff_scale(students))
    _create_teachings(rng, divisions, subjects, staff_by_subject)
    all_students = _create_students(rng, school, year, divisions, students)
    _create_ulis_group(year, divisions, all_students)
    demo_strands.extend(levels, year, seed)
    _create_guardians(rng, school, all_students)
    _create_demo_accounts(school, levels, divisions, staff_by_subject, all_students, result)
    _link_ent_identities(school, result)

    _extend_by_apps(school, seed)

    result.counts = {
        "levels": len(levels),
        "divisions": len(divisions),
        "students": len(all_students),
        "guardians": Guardian.objects.filter(school=school).count(),
        "staff": Staff.objects.filter(school=school).count(),
        "periods": year.periods.count(),
    }
    return result


def _demo_academy() -> Academy:
    """The demo's académie (created if needed, shared with real schools)."""
    academy, _ = Academy.objects.get_or_create(code="DIJON", defaults={"name": "Académie de Dijon"})
    return academy


def _create_academy_accounts(academy: Academy, results: list[DemoResult]) -> None:
    """The académie demo's inspector and administrator: every school of the académie."""
    roles = {
        "academie-demo": AcademyMembership.Role.INSPECTOR,
        "admin-academie": AcademyMembership.Role.ADMINISTRATOR,
    }
    User = get_user_model()
    for username, role in roles.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name="Compte", last_name="Académique")
        user.set_password(DEMO_PASSWORD)
        user.save()
        AcademyMembership.objects.get_or_create(user=user, academy=academy, role=role)
        for result in results:
            result.accounts[username] = ACADEMY_ACCOUNTS[username]


def _create_school() -> School:
    """The fictitious lycée, in its academy (created if needed, shared with real schools)."""
    academy = _demo_academy()
    school = School(
        uai=DEMO_UAI,
        name="Lycée professionnel Les Tilleuls (démo)",
        city="Dijon",
        academy=academy,
        holiday_zone=School.Zone.A,
        # ENT sign-on: the demo accounts' ENT identifier is their username, which an OpenID
        # Connect provider releases as preferred_username (its « sub » is its own).
        ent_oidc_claim="preferred_username",
    )
    school.full_clean()
    school.save()
    return school


def _create_year(school: School, today: date) -> SchoolYear:
    """The current school year and its periods, between the zone's holidays."""
    start_year = calendar.school_year_start(today)
    first, last = calendar.year_bounds(school.holiday_zone, start_year)
    year = SchoolYear.objects.create(
        school=school, start_year=start_year, start_date=first, end_date=last, is_current=True
    )
    for number, span in enumerate(
        calendar.periods_between_holidays(school.holiday_zone, start_year), 1
    ):
        Period.objects.create(
            year=year, number=number, name=span.name, start_date=span.start, end_date=span.end
        )
    return year


def _create_levels(year: SchoolYear) -> dict[str, Level]:
    """The levels of :data:`demo_data.LEVELS`, by short name."""
    levels = {}
    for order, (short, name, track, year_in_cycle, mask, hours) in enumerate(data.LEVELS):
        levels[short] = Level.objects.create(
            year=year,
            track=track,
            year_in_cycle=year_in_cycle,
            name=name,
            short_name=short,
            mef_mask=mask,
            ap_hours=Decimal(hours),
            hours_reference=data.COLLEGE_HOURS_REFERENCE
            if track == Level.Track.COLLEGE
            else data.REFORM_2019,
            order=order,
            separate_schemes=short not in data.SCHEMES_TOGETHER_LEVELS,
        )
    return levels


def _create_subjects(school: School) -> dict[str, Subject]:
    """The subjects of :data:`demo_data.SUBJECTS`, by code."""
    return {
        code: Subject.objects.create(school=school, code=code, label=label)
        for code, label in data.SUBJECTS
    }


def _create_divisions(year: SchoolYear, levels: dict[str, Level]) -> dict[str, Division]:
    """The divisions of :data:`demo_data.DIVISIONS`, by code."""
    divisions = {}
    for code, level_short, specialty, _mef, _size, _subject, _girls in data.DIVISIONS:
        divisions[code] = Division.objects.create(
            year=year,
            level=levels[level_short],
            code=code,
            label=f"{levels[level_short].name} — {specialty}" if specialty else "",
            specialty=specialty,
        )
    return divisions


def _extend_by_apps(school: School, seed: int) -> None:
    """Each other appui app with a ``demo`` module extends the demo, in INSTALLED_APPS order,
    with its own generator seeded from ``seed`` and its label."""
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith("appui.") or app_config.name == "appui.schools":
            continue
        try:
            module = import_module(f"{app_config.name}.demo")
        except ModuleNotFoundError:
            continue
        module.extend_demo(school, random.Random(f"{seed}-{app_config.label}"))


def _new_user(username: str, first_name: str, last_name: str, email: str = ""):
    User = get_user_model()
    base, suffix = username, 1
    while User.objects.filter(username=username).exists():
        suffix += 1
        username = f"{base}{suffix}"
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_unusable_password()
    user.save()
    return user


def _person(rng: random.Random, female: bool) -> tuple[str, str]:
    first = rng.choice(data.ADULT_FIRST_NAMES_F if female else data.ADULT_FIRST_NAMES_M)
    return first, rng.choice(data.LAST_NAMES)


def _add_staff(rng, school, function, subjects=(), female=None, civility=None):
    female = rng.random() < 0.55 if female is None else female
    first, last = _person(rng, female)
    # The académie demo's staff carry their school's UAI: names repeat across many schools.
    prefix = school.uai.lower() if is_academy_demo_school(school) else "demo"
    user = _new_user(
        f"{prefix}.{_slug(first)}.{_slug(last)}",
        first,
        last,
        f"{_slug(first)}.{_slug(last)}@tilleuls-demo.example.org",
    )
    staff = Staff.objects.create(
        school=school,
        user=user,
        sts_id=str(100000 + Staff.objects.filter(school=school).count()),
        civility=civility or ("Mme" if female else "M."),
        last_name=last,
        first_name=first,
        function=function,
    )
    staff.subjects.set(subjects)
    role = Role.HEAD if function == Staff.Function.DIRECTION else Role.TEACHER
    Membership.objects.create(user=user, school=school, role=role)
    return staff


def _create_staff(rng, school, subjects, result, scale: int = 1) -> dict[str, list[Staff]]:
    """The direction, school life and teachers; ``scale`` times the teachers of each subject
    (and of school life) for a school that many times larger than the demo's."""
    for _ in range(3):  # proviseur, proviseur adjoint, DDFPT
        _add_staff(rng, school, Staff.Function.DIRECTION)
    for _ in range(2 * scale):
        _add_staff(rng, school, Staff.Function.CPE)
    _add_staff(rng, school, Staff.Function.PSYEN)
    for _ in range(2):
        _add_staff(rng, school, Staff.Function.OTHER)
    by_subject: dict[str, list[Staff]] = {}
    for code, count in data.TEACHERS_PER_SUBJECT.items():
        by_subject[code] = [
            _add_staff(rng, school, Staff.Function.TEACHER, [subjects[code]])
            for _ in range(count * scale)
        ]
    return by_subject


def _create_teachings(rng, divisions, subjects, staff_by_subject) -> None:
    """Each division gets one teacher per subject, spreading the load round-robin."""
    turn = {code: 0 for code in staff_by_subject}
    for code, _level, _spec, _mef, _size, specialty_subject, _girls in data.DIVISIONS:
        division = divisions[code]
        if specialty_subject == "COLLEGE":
            wanted = list(data.COLLEGE_SUBJECTS)
        else:
            wanted = (
                data.COMMON_SUBJECTS + [specialty_subject] + data.SPECIALTY_EXTRA[specialty_subject]
            )
        teachings = []
        for subject_code in wanted:
            team = staff_by_subject[subject_code]
            teacher = team[turn[subject_code] % len(team)]
            turn[subject_code] += 1
            teachings.append(
                Teaching.objects.create(
                    staff=teacher, division=division, subject=subjects[subject_code]
                )
            )
        main = rng.choice(teachings)
        main.is_main_teacher = True
        main.save(update_fields=["is_main_teacher"])


def _create_students(rng, school, year, divisions, total) -> list[Student]:
    weights = [division[4] for division in data.DIVISIONS]
    sizes = [max(8, round(total * w / sum(weights))) for w in weights]
    # Rounding leaves a few students over or under: settle them on the largest divisions.
    order = sorted(range(len(sizes)), key=lambda i: -weights[i])
    for step in range(abs(total - sum(sizes))):
        sizes[order[step % len(order)]] += 1 if total > sum(sizes) else -1
    students: list[Student] = []
    used_ine: set[str] = set()
    sequence = 0
    for (code, _level, _spec, _mef, _size, _subject, girls), size in zip(
        data.DIVISIONS, sizes, strict=True
    ):
        division = divisions[code]
        level = division.level
        # Age at the start of the year: 15 in CAP 1 / 2nde, plus the year in the cycle.
        base_age = data.COLLEGE_AGES.get(level.short_name, 15 + level.year_in_cycle - 1)
        for _ in range(size):
            sequence += 1
            female = rng.random() < girls
            first = rng.choice(data.FIRST_NAMES_F if female else data.FIRST_NAMES_M)
            last = rng.choice(data.LAST_NAMES)
            age = base_age + (1 if rng.random() < 0.22 else 0) + (1 if rng.random() < 0.05 else 0)
            birth = date(year.start_year - age, 1, 1) + timedelta(days=rng.randrange(365))
            ine = ""
            while not ine or ine in used_ine:
                ine = f"{rng.randrange(10**9, 10**10)}{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}"
            used_ine.add(ine)
            years_here = base_age - 11 if level.track == Level.Track.COLLEGE else None
            entry = year.start_date - timedelta(
                days=365 * (level.year_in_cycle - 1 if years_here is None else years_here)
            )
            project = _project(rng, level)
            student = Student(
                school=school,
                siecle_id=str(4000000 + sequence),
                ine=ine,
                last_name=last,
                first_name=first,
                birth_date=birth,
                sex=Student.Sex.FEMALE if female else Student.Sex.MALE,
                division=division,
                entry_date=entry,
                project=project,
            )
            student.refresh_search_text()
            students.append(student)
    # A few students left during the year: they stay, marked as left (nothing is deleted).
    for student in rng.sample(students, k=max(1, len(students) // 60)):
        student.exit_date = year.start_date + timedelta(days=rng.randrange(20, 70))
    ulis_division = divisions[data.ULIS_DIVISION]
    ulis_class = [s for s in students if s.division is ulis_division and s.exit_date is None]
    for student in rng.sample(ulis_class, k=min(data.ULIS_PUPILS, len(ulis_class))):
        student.scheme = Student.Scheme.ULIS
    Student.objects.bulk_create(students, batch_size=500)
    created = list(Student.objects.filter(school=school).order_by("pk"))
    # Each pupil's enrolment of the year: the history a later year is read against.
    enrolments_record(year=year, students=created)
    return created


def _create_ulis_group(year: SchoolYear, divisions, students) -> None:
    """SIECLE lists ULIS pupils in a group of that name (how imports find their scheme)."""
    members = [s for s in students if s.scheme == Student.Scheme.ULIS]
    if not members:
        return
    group = StudentGroup.objects.create(
        year=year, code="ULIS", label="Unité localisée pour l'inclusion scolaire"
    )
    group.divisions.set([divisions[data.ULIS_DIVISION]])
    group.students.set(members)


def _project(rng, level: Level) -> str:
    P = Student.Project
    if level.track == Level.Track.COLLEGE:
        return P.UNDECIDED
    if level.track == Level.Track.BACPRO and level.year_in_cycle == 3:
        options = [(P.INSERTION, 45), (P.FURTHER_STUDIES, 35), (P.BRIDGE, 4), (P.UNDECIDED, 16)]
    elif level.track == Level.Track.CAP and level.year_in_cycle == 2:
        options = [(P.INSERTION, 50), (P.BRIDGE, 25), (P.UNDECIDED, 25)]
    else:
        options = [(P.UNDECIDED, 70), (P.INSERTION, 12), (P.FURTHER_STUDIES, 10), (P.BRIDGE, 8)]
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights)[0]


def _address(rng) -> dict[str, str]:
    postal_code, city = rng.choice(data.TOWNS)
    return {
        "address_lines": f"{rng.randrange(1, 120)} {rng.choice(data.STREETS)}",
        "postal_code": postal_code,
        "city": city,
        "country": "France",
    }


def _create_guardians(rng, school, students) -> None:
    """One or two legal guardians a pupil (rank 1 and 2, as SIECLE's RESP_LEGAL), most living
    together at the pupil's address; now and then a grandparent to contact (rank 0).

    Guardians are inserted in bulk, in the order they are drawn (so with the same keys)."""
    links = []
    guardians: list[Guardian] = []
    for student in students:
        home = _address(rng)
        for field_name, value in home.items():
            setattr(student, field_name, value)
        count = 2 if rng.random() < 0.6 else 1
        for index in range(count):
            female = index == 0 if rng.random() < 0.8 else index == 1
            first = rng.choice(data.ADULT_FIRST_NAMES_F if female else data.ADULT_FIRST_NAMES_M)
            last = student.last_name if rng.random() < 0.8 else rng.choice(data.LAST_NAMES)
            # Separated parents: the second guardian lives elsewhere.
            address = home if index == 0 or rng.random() < 0.75 else _address(rng)
            guardian = Guardian(
                school=school,
                civility="Mme" if female else "M.",
                last_name=last,
                first_name=first,
                email=f"{_slug(first)}.{_slug(last)}{rng.randrange(10, 99)}@famille.example.org",
                phone=f"06 39 98 {rng.randrange(100):02d} {rng.randrange(100):02d}",
                **address,
            )
            guardians.append(guardian)
            relationship = (
                StudentGuardian.Relationship.MOTHER
                if female
                else StudentGuardian.Relationship.FATHER
            )
            if rng.random() < 0.05:
                relationship = StudentGuardian.Relationship.OTHER
            links.append(
                StudentGuardian(
                    student=student,
                    guardian=guardian,
                    relationship=relationship,
                    legal_rank=index + 1,
                    financial=index == 0,
                    contact=True,
                )
            )
        if rng.random() < 0.08:
            grandmother = Guardian(
                school=school,
                civility="Mme",
                last_name=student.last_name,
                first_name=rng.choice(data.ADULT_FIRST_NAMES_F),
                phone=f"03 80 {rng.randrange(100):02d} {rng.randrange(100):02d} "
                f"{rng.randrange(100):02d}",
                **_address(rng),
            )
            guardians.append(grandmother)
            links.append(
                StudentGuardian(
                    student=student,
                    guardian=grandmother,
                    relationship=StudentGuardian.Relationship.FAMILY,
                    legal_rank=0,
                    contact=True,
                )
            )
    Guardian.objects.bulk_create(guardians, batch_size=500)
    for link in links:
        link.guardian_id = link.guardian.pk  # set by bulk_create after the link was made
    StudentGuardian.objects.bulk_create(links, batch_size=500)
    Student.objects.bulk_update(
        students, ["address_lines", "postal_code", "city", "country"], batch_size=500
    )


def _link_ent_identities(school: School, result: DemoResult) -> None:
    """ENT sign-on (docs/connexion.md): each demo account's ENT identifier is its username,
    for CAS and OpenID Connect, so the demo signs on through any test ENT server."""
    User = get_user_model()
    users = User.objects.filter(username__in=list(result.accounts))
    EntIdentity.objects.bulk_create(
        EntIdentity(
            user=user,
            school=school,
            provider=provider,
            identifier=user.username,
            source=EntIdentity.Source.DEMO,
        )
        for user in users
        for provider in EntIdentity.Provider.values
    )


def _set_account(user, account: str, result: DemoResult) -> None:
    username = demo_username(result.school, account)
    user.username = username
    user.set_password(DEMO_PASSWORD)
    user.save()
    result.accounts[username] = DEMO_ACCOUNTS[account]


def _claim_username(username: str) -> None:
    """Free a demo username held by a leftover account of no school (never another school's)."""
    User = get_user_model()
    leftover = User.objects.filter(username=username).first()
    if leftover is None:
        return
    if leftover.memberships.exists() or hasattr(leftover, "staff") or hasattr(leftover, "student"):
        raise RuntimeError(
            f"Le compte « {username} » appartient à un autre établissement : démo non créée."
        )
    leftover.delete()


def _create_demo_accounts(school, levels, divisions, staff_by_subject, students, result) -> None:
    User = get_user_model()
    for account in DEMO_ACCOUNTS:
        _claim_username(demo_username(school, account))

    head = Staff.objects.filter(school=school, function=Staff.Function.DIRECTION).first()
    assert head is not None  # _create_staff made three direction staff
    _set_account(head.user, "direction", result)

    coordinator = staff_by_subject["LET-HG"][0]
    Membership.objects.create(user=coordinator.user, school=school, role=Role.COORDINATOR)
    _set_account(coordinator.user, "coordination", result)

    # The first maths teacher with a 2nde pro (the first of all in the usual demo; a larger
    # school spreads its divisions over more teachers).
    teacher = next(
        t
        for t in staff_by_subject["MATH-SC"]
        if Division.objects.filter(teachings__staff=t, level__short_name="2NDPRO").exists()
    )
    _set_account(teacher.user, "professeur", result)

    tutor = staff_by_subject["LET-HG"][1]
    Membership.objects.create(user=tutor.user, school=school, role=Role.TUTOR)
    _set_account(tutor.user, "tuteur", result)

    taught = Division.objects.filter(teachings__staff=teacher, level__short_name="2NDPRO").first()
    assert taught is not None  # chosen above for it
    student = next(s for s in students if s.division_id == taught.pk and s.exit_date is None)
    student_user = User(first_name=student.first_name, last_name=student.last_name)
    _set_account(student_user, "eleve", result)
    student.user = student_user
    student.save(update_fields=["user"])
    Membership.objects.create(user=student_user, school=school, role=Role.STUDENT)

    guardian = student.guardians.order_by("pk").first()
    parent_user = User(first_name=guardian.first_name, last_name=guardian.last_name)
    _set_account(parent_user, "parent", result)
    guardian.user = parent_user
    guardian.save(update_fields=["user"])
    Membership.objects.create(user=parent_user, school=school, role=Role.GUARDIAN)

    if is_academy_demo_school(school):
        # The académie demo's schools share one académie account (_create_academy_accounts).
        return
    inspector = User(first_name="Claire", last_name="Vasseur")
    _set_account(inspector, "academie", result)
    Membership.objects.create(user=inspector, school=school, role=Role.ACADEMY)
