"""Page timings and query counts on a large demo school (1,500 students by default).

Builds, in a throwaway SQLite database (or BENCH_DATABASE_URL, SQLite or PostgreSQL, created
when missing), one school of the académie demo (``manage.py demo --schools 1``: staff and
rooms scaled to its pupils, so every level has published plans) with a year of sessions,
attendance and marks played up to ``--until`` (by default a week before the school year ends);
prints those counts, then, with the clock at that date, signs in as the school's demo accounts
(coordination, head, teacher, tutor, pupil, parent) and the académie inspector and requests
every main page N times (after one untimed request) through the full Django stack, printing
the median, the p95 and the number of SQL queries per page; a star marks a p95 over 150 ms.
Before and after, the machine's speed of the moment (``bench/machine.py``), to compare runs.
Timed as production serves a page: no test instrumentation of templates, queries counted on
one more request. ``--cold`` empties the cache before each timed request: the cost of the
first view after a change, when the results kept per data version are computed again.
Run: .venv/bin/python bench/pages.py [--students 1500] [--repeat 20] [--until 2027-06-21]
Again on the same database: BENCH_DATABASE_URL=... bench/pages.py --reuse [--only cibles]
[--gc-freeze: every page once, then gc.freeze(), before timing]
(e.g. BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/appui_pages).
"""

import argparse
import datetime
import gc
import io
import os
import statistics
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path

import time_machine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
)

import django  # noqa: E402
from machine import reference_line  # noqa: E402 (bench/, the script's own directory)

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def pages(school):
    """Every main page (list pages and main detail pages; no POST-only view, no file) of the
    coordinator, the head, the académie inspector, a teacher, a tutor, a pupil and a parent."""
    from appui.schools.models import Division, Level, Student

    division = Division.objects.order_by("-pk").first()
    student = Student.objects.filter(exit_date__isnull=True).order_by("pk").first()
    level = Level.objects.get(year__school=school, short_name="2NDPRO")
    grid_division = level.divisions.order_by("code").first()
    yield from school_pages(school, division, student)
    yield from diagnostics_pages(school, level, grid_division, student)
    yield from planning_pages(school, level)
    yield from followup_pages(school, level, grid_division, student)
    yield from tutoring_pages(school, student)
    yield from steering_pages(school, level)
    yield from interop_pages(school, student)
    yield from other_pages(school)
    yield from pupil_pages(school)


def _accounts(school, *names):
    from appui.schools.demo import demo_username

    return (demo_username(school, name) for name in names)


def school_pages(school, division, student):
    from appui.schools.models import Division

    coordination, direction = _accounts(school, "coordination", "direction")
    yield coordination, "accueil", "/"
    yield coordination, "établissement", "/etablissement/"
    yield coordination, "élèves (liste)", "/eleves/"
    yield coordination, "élèves (recherche)", "/eleves/?q=mar"
    yield coordination, "division", f"/divisions/{division.pk}/"
    yield coordination, "élève", f"/eleves/{student.pk}/"
    yield direction, "accueil (direction)", "/"
    yield direction, "paramètres", "/parametres/"
    yield direction, "paramètres (niveaux)", "/parametres/niveaux/"
    yield direction, "paramètres (niveau)", f"/parametres/niveaux/{division.level_id}/"
    yield direction, "paramètres (périodes)", "/parametres/periodes/"
    yield direction, "paramètres (connexions)", "/parametres/connexions/"
    yield direction, "historique élève", f"/eleves/{student.pk}/historique/"
    terminale = next(
        (
            d
            for d in Division.objects.filter(level__year__school=school)
            .select_related("level")
            .order_by("code")
            if d.level.has_parcours
        ),
        None,
    )
    if terminale:
        yield coordination, "parcours (division)", f"/divisions/{terminale.pk}/parcours/"


def diagnostics_pages(school, level, division, student):
    from appui.diagnostics.models import Campaign, Framework

    (coordination,) = _accounts(school, "coordination")
    campaign = Campaign.objects.filter(level=level).order_by("-date").first()
    framework = Framework.objects.order_by("pk").first()
    yield coordination, "diagnostic", "/diagnostic/"
    yield coordination, "campagne", f"/diagnostic/campagnes/{campaign.pk}/"
    yield coordination, "grille", f"/diagnostic/campagnes/{campaign.pk}/divisions/{division.pk}/"
    yield coordination, "référentiels", "/diagnostic/referentiels/"
    if framework:
        yield coordination, "référentiel", f"/diagnostic/referentiels/{framework.pk}/"
    yield coordination, "besoins du niveau", f"/diagnostic/besoins/niveaux/{level.pk}/"
    yield coordination, "besoins (division)", f"/diagnostic/besoins/divisions/{division.pk}/"
    yield coordination, "profil de besoins", f"/eleves/{student.pk}/besoins/"


def planning_pages(school, level):
    from appui.planning.models import Module, Partner, Plan, Round, WishWindow

    (coordination,) = _accounts(school, "coordination")
    yield coordination, "groupes", "/groupes/"
    plan = Plan.objects.filter(level=level).order_by("-pk").first()
    if plan:
        yield coordination, "plan de groupes", f"/groupes/plans/{plan.pk}/"
    published = (
        Plan.objects.filter(level=level, status=Plan.Status.PUBLISHED).order_by("-pk").first()
    )
    if published:
        # The plan being prepared from the published one (made once, like « Ajuster »).
        from appui.planning.services import plan_for_editing

        proposed = plan_for_editing(level=level, period=published.period, user=None)
        group = published.groups.order_by("pk").first()
        workspace = f"/groupes/niveaux/{level.pk}/periodes/{published.period_id}/"
        yield coordination, "espace du plan", workspace
        yield coordination, "séquences", f"{workspace}sequences/"
        yield coordination, "plan publié", f"/groupes/plans/{published.pk}/"
        yield coordination, "plan proposé", f"/groupes/plans/{proposed.pk}/"
        yield coordination, "versions du plan", f"/groupes/plans/{proposed.pk}/versions/"
        if group:
            yield coordination, "groupe", f"/groupes/{group.pk}/"
    round_ = Round.objects.filter(level__year__school=school).order_by("pk").first()
    if round_:
        yield coordination, "séquence", f"/groupes/sequences/{round_.pk}/"
    yield coordination, "modules", "/modules/"
    module = Module.objects.filter(school=school).order_by("pk").first()
    if module:
        yield coordination, "module", f"/modules/{module.pk}/"
    yield coordination, "barrettes", "/barrettes/"
    yield coordination, "barrettes (périodes)", "/barrettes/periodes/"
    yield coordination, "partenaires", "/partenaires/"
    partner = Partner.objects.filter(school=school).order_by("pk").first()
    if partner:
        yield coordination, "partenaire", f"/partenaires/{partner.pk}/"
    yield coordination, "vœux", "/voeux/"
    window = WishWindow.objects.filter(level__year__school=school).order_by("pk").first()
    if window:
        wishes = f"/voeux/niveaux/{window.level_id}/periodes/{window.period_id}/"
        yield coordination, "vœux (fenêtre)", wishes
        yield coordination, "vœux (saisie)", f"{wishes}saisie/"
    yield coordination, "regroupement par lot", "/groupes/lot/"


def followup_pages(school, level, division, student):
    """Follow-up's pages: the hours, the teacher's week, a session and its group, the
    reviews of a class, the timetables, the portfolio."""
    from appui.followup.models import Session, StageReview
    from appui.schools.models import Staff

    coordination, professeur = _accounts(school, "coordination", "professeur")
    yield coordination, "heures", "/suivi/heures/"
    yield coordination, "heures du niveau", f"/suivi/heures/niveaux/{level.pk}/"
    yield coordination, "heures des personnels", "/suivi/heures/personnels/"
    yield coordination, "suivi", "/suivi/"
    yield coordination, "bilans (division)", f"/suivi/bilans/divisions/{division.pk}/"
    review = StageReview.objects.filter(student__division=division).order_by("pk").first()
    if review:
        yield coordination, "bilan", f"/suivi/bilans/{review.pk}/"
    yield coordination, "portfolio", f"/eleves/{student.pk}/portfolio/"
    yield coordination, "edt élève", f"/eleves/{student.pk}/emploi-du-temps/"
    yield coordination, "edt division", f"/divisions/{division.pk}/emploi-du-temps/"
    teacher = Staff.objects.filter(user__username=professeur).first()
    session = (
        Session.objects.filter(group__staff=teacher, status=Session.Status.DONE)
        .order_by("-date")
        .first()
    )
    yield professeur, "accueil (professeur)", "/"
    yield professeur, "ma semaine", "/suivi/semaine/"
    yield professeur, "agenda", "/suivi/agenda/"
    yield professeur, "courriel hebdomadaire", "/suivi/courriel-hebdomadaire/"
    if session:
        yield professeur, "séance", f"/suivi/seances/{session.pk}/"
        yield professeur, "séances du groupe", f"/suivi/groupes/{session.group_id}/seances/"


def tutoring_pages(school, student):
    from appui.tutoring.models import StudyHelpSlot, Tutorship

    coordination, direction, tuteur = _accounts(school, "coordination", "direction", "tuteur")
    yield coordination, "tutorat", "/tutorat/"
    yield coordination, "tutorat (suggestions)", "/tutorat/suggestions/"
    yield coordination, "tutorat (affecter)", "/tutorat/affecter/"
    tutorship = Tutorship.objects.filter(student__school=school).order_by("pk").first()
    if tutorship:
        yield coordination, "suivi de tutorat", f"/tutorat/suivis/{tutorship.pk}/"
        yield coordination, "tutorat d'un élève", f"/tutorat/eleves/{tutorship.student_id}/"
    yield direction, "tutorat (règles)", "/tutorat/regles/"
    yield direction, "tutorat (indemnités)", "/tutorat/indemnites/"
    yield tuteur, "accueil (tuteur)", "/"
    yield tuteur, "mes tutorés", "/tutorat/mes-tutores/"
    yield tuteur, "volontariat", "/tutorat/volontariat/"
    yield coordination, "études", "/etude/"
    slot = StudyHelpSlot.objects.filter(year__school=school).order_by("pk").first()
    if slot:
        yield coordination, "étude", f"/etude/{slot.pk}/"


def steering_pages(school, level):
    from appui.schools.models import Period
    from appui.steering.models import Meeting, Survey

    coordination, direction = _accounts(school, "coordination", "direction")
    period = Period.objects.filter(year__school=school, year__is_current=True).order_by("number")
    yield coordination, "pilotage", "/pilotage/"
    if period.exists():
        yield coordination, "pilotage (période)", f"/pilotage/?periode={period.first().pk}"
    yield coordination, "pilotage (niveau)", f"/pilotage/niveaux/{level.pk}/"
    yield coordination, "cibles", "/pilotage/cibles/"
    yield coordination, "échéancier", "/pilotage/echeancier/"
    yield coordination, "réunions", "/pilotage/reunions/"
    meeting = Meeting.objects.filter(year__school=school).order_by("-date", "-pk").first()
    if meeting:
        yield coordination, "réunion", f"/pilotage/reunions/{meeting.pk}/"
    yield coordination, "bilans de fin d'année", "/pilotage/bilans/"
    yield coordination, "formation", "/pilotage/formation/"
    yield coordination, "organigramme", "/pilotage/organigramme/"
    yield coordination, "enquêtes", "/enquetes/"
    survey = Survey.objects.filter(year__school=school).order_by("pk").first()
    if survey:
        yield coordination, "enquête", f"/enquetes/{survey.pk}/"
    yield direction, "pilotage (direction)", "/pilotage/"
    yield "academie-demo", "accueil (académie)", "/"
    yield "academie-demo", "pilotage académique", "/pilotage/academie/"
    yield "academie-demo", "établissements", "/etablissements/"


def interop_pages(school, student):
    (direction,) = _accounts(school, "direction")
    yield direction, "imports", "/imports/"
    yield direction, "imports (responsables)", "/imports/responsables/comptes/"
    yield direction, "exports", "/exports/"
    yield direction, "export LSU", "/exports/lsu/"
    yield direction, "données d'un élève", f"/eleves/{student.pk}/donnees/"


def other_pages(school):
    from appui.jobs.models import Job
    from appui.planning.models_sharing import SharedModule

    coordination, direction = _accounts(school, "coordination", "direction")
    yield coordination, "tâches", "/taches/"
    job = Job.objects.filter(school=school, started_by__username=coordination).order_by("-pk")
    if job.exists():
        yield coordination, "tâche", f"/taches/{job.first().pk}/"
    yield coordination, "catalogue académique", "/catalogue-academique/"
    entry = SharedModule.objects.filter(academy=school.academy).order_by("pk").first()
    if entry:
        yield coordination, "fiche du catalogue", f"/catalogue-academique/{entry.pk}/"
    yield "academie-demo", "catalogue (diffusion)", "/catalogue-academique/diffusion/"
    yield coordination, "sécurité", "/compte/securite/"


def pupil_pages(school):
    from appui.schools.models import Student

    eleve, parent = _accounts(school, "eleve", "parent")
    yield eleve, "accueil (élève)", "/"
    pupil = Student.objects.filter(user__username=eleve).first()
    if pupil:
        yield eleve, "mon emploi du temps", f"/eleves/{pupil.pk}/emploi-du-temps/"
        yield eleve, "mon portfolio", f"/eleves/{pupil.pk}/portfolio/"
    yield eleve, "mes vœux", "/mes-voeux/"
    yield eleve, "études (inscriptions)", "/etude/inscriptions/"
    yield parent, "accueil (parent)", "/"


def default_until() -> datetime.date:
    """A week before the current school year ends (zone A): every period has begun."""
    from django.utils import timezone

    from appui.core import calendar

    start_year = calendar.school_year_start(timezone.localdate())
    return calendar.year_bounds("A", start_year)[1] - datetime.timedelta(days=7)


def data_counts(school) -> dict[str, int]:
    from appui.followup.models import Attendance, ProgressMark, Session
    from appui.planning.models import Plan

    return {
        "published plans": Plan.objects.filter(
            level__year__school=school, status=Plan.Status.PUBLISHED
        ).count(),
        "levels without a published plan": school.years.get(is_current=True)
        .levels.exclude(plans__status=Plan.Status.PUBLISHED)
        .count(),
        "sessions": Session.objects.filter(group__plan__level__year__school=school).count(),
        "attendances": Attendance.objects.filter(
            session__group__plan__level__year__school=school
        ).count(),
        "marks": ProgressMark.objects.filter(
            session__group__plan__level__year__school=school
        ).count(),
    }


def ensure_database() -> None:
    """Create the PostgreSQL database of BENCH_DATABASE_URL when it does not exist yet (SQLite
    creates its file on its own)."""
    if connection.vendor != "postgresql":
        return
    name = connection.settings_dict["NAME"]
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--until", type=datetime.date.fromisoformat, default=None)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the school already built in BENCH_DATABASE_URL (migrated, not rebuilt)",
    )
    parser.add_argument(
        "--only", default="", help="measure only the pages whose name or address contains this"
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="empty the cache before every timed request: what the first view after a change "
        "costs (the results kept per data version are computed again)",
    )
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="request every page once, then gc.freeze() before timing (a warmed-up worker "
        "whose objects the collector no longer walks)",
    )
    args = parser.parse_args()
    serve_like_production()
    ensure_database()
    call_command("migrate", verbosity=0)
    from appui.schools.models import School

    until = args.until or default_until()
    started = time.perf_counter()
    if args.reuse and School.objects.exists():
        school = School.objects.get()
        print(f"reusing {school} ({connection.vendor}: {connection.settings_dict['NAME']})")
    else:
        call_command(
            "demo",
            "--schools=1",
            f"--students={args.students}",
            f"--until={until.isoformat()}",
            "--solve-seconds=3",
            "--insecure-demo-passwords",
            stdout=io.StringIO(),
        )
        school = School.objects.get()
        print(
            f"demo school with {args.students} students built in "
            f"{time.perf_counter() - started:.1f} s, played up to {until:%d/%m/%Y}"
        )
    for name, count in data_counts(school).items():
        print(f"  {name}: {count}")
    noon = datetime.datetime.combine(until, datetime.time(12), zoneinfo.ZoneInfo("Europe/Paris"))
    with time_machine.travel(noon, tick=True):
        failed = measure(school, args.repeat, args.only, args.gc_freeze, args.cold)
    if failed:
        sys.exit(f"{failed} page(s) did not answer 200")


#: The target of every page's p95 (issue 19).
TARGET_MS = 150.0


def serve_like_production() -> None:
    """What the test client needs, and nothing more: its host name allowed and mail kept in
    memory. Not ``setup_test_environment()``: it makes every template (each include too) send
    a signal whose receiver copies the context, a cost no production request pays."""
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _client(clients: dict[str, Client], username: str) -> Client:
    from appui.accounts.models import User

    if username not in clients:
        clients[username] = Client()
        # Signed in directly: the login throttle (axes) needs a real request.
        clients[username].force_login(User.objects.get(username=username))
    return clients[username]


def measure(school, repeat: int, only: str = "", freeze: bool = False, cold: bool = False) -> int:
    """Time every page ``repeat`` times after an untimed first request; print its median,
    p95 and queries (of the last request), a star when the p95 is over the target. Returns
    the number of pages that did not answer 200 (reported, not timed). With ``freeze``, every
    page is requested once and the garbage collector's objects frozen before timing; with
    ``cold``, the cache is emptied before every timed request (untimed)."""
    from django.core.cache import cache

    clients: dict[str, Client] = {}
    listed = [page for page in pages(school) if not only or only in page[1] or only in page[2]]
    if freeze:
        # Every page once, then what the process holds moved out of the collector's reach:
        # its full collections no longer walk the whole application at random requests.
        for user, _name, url in listed:
            _client(clients, user).get(url)
        gc.collect()
        gc.freeze()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    frozen = ", gc frozen after a first pass" if freeze else ""
    frozen += ", cache emptied before each request" if cold else ""
    print(f"{connection.vendor}, {repeat} requests per page{frozen}, load average {load}")
    print(reference_line())
    print(f"{'page':<28} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    worst, over, failed = 0.0, [], 0
    for user, name, url in listed:
        client = _client(clients, user)
        # One request untimed first: what a first visit stores (a summary, a plan's
        # evaluation) is read by the next ones, and the refresh jobs it queues run inline here
        # (in production a worker runs them).
        response = client.get(url)
        timings = []
        for _ in range(repeat if response.status_code == 200 else 0):
            # Timed without recording the queries: the debug cursor that records them costs
            # time per query (on SQLite, one more query per query to quote its parameters).
            if cold:
                cache.clear()
            t0 = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200:
                break
        # The queries, counted on one more request.
        with CaptureQueriesContext(connection) as queries:
            if response.status_code == 200:
                response = client.get(url)
        if response.status_code != 200:
            failed += 1
            print(f"{name:<28} {'':>8} {'':>8} {'':>8}  {url} answered {response.status_code}")
            continue
        timings.sort()
        p95 = timings[max(0, int(0.95 * len(timings)) - 1)]
        worst = max(worst, p95)
        mark = " *" if p95 > TARGET_MS else ""
        if mark:
            over.append(name)
        print(f"{name:<28} {statistics.median(timings):>8.1f} {p95:>8.1f} {len(queries):>8}{mark}")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"worst p95: {worst:.1f} ms (target: {TARGET_MS:.0f} ms); load average {load}")
    print(reference_line())
    if over:
        print(f"over the target (*): {', '.join(over)}")
    return failed


if __name__ == "__main__":
    main()
