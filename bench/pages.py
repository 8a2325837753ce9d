"""Page timings and query counts on a large demo school (1,500 students by default).

Builds, in a throwaway SQLite database (or BENCH_DATABASE_URL), one school of the académie
demo (``manage.py demo --schools 1``: staff and rooms scaled to its pupils, so every level
has published plans) with a year of sessions, attendance and marks played up to ``--until``
(by default a week before the school year ends); prints those counts, then, with the clock at
that date, logs in as the school's demo accounts and requests each main page N times through
the full Django stack, printing the median, p95 and the number of SQL queries per page.
Run: .venv/bin/python bench/pages.py [--students 1500] [--repeat 20] [--until 2027-06-21]
"""

import argparse
import datetime
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

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def pages(school):
    from appui.diagnostics.models import Campaign
    from appui.planning.models import Plan
    from appui.schools.demo import demo_username
    from appui.schools.models import Division, Level, Student

    coordination, professeur, eleve = (
        demo_username(school, name) for name in ("coordination", "professeur", "eleve")
    )

    division = Division.objects.order_by("-pk").first()
    student = Student.objects.filter(exit_date__isnull=True).order_by("pk").first()
    level = Level.objects.get(year__school=school, short_name="2NDPRO")
    campaign = Campaign.objects.filter(level=level).order_by("-date").first()
    grid_division = level.divisions.order_by("code").first()
    plan = Plan.objects.filter(level=level).order_by("-pk").first()
    yield coordination, "accueil", "/"
    yield coordination, "établissement", "/etablissement/"
    yield coordination, "élèves (liste)", "/eleves/"
    yield coordination, "élèves (recherche)", "/eleves/?q=mar"
    yield coordination, "division", f"/divisions/{division.pk}/"
    yield coordination, "élève", f"/eleves/{student.pk}/"
    yield coordination, "profil de besoins", f"/eleves/{student.pk}/besoins/"
    yield coordination, "besoins du niveau", f"/diagnostic/besoins/niveaux/{level.pk}/"
    yield coordination, "campagne", f"/diagnostic/campagnes/{campaign.pk}/"
    yield (
        coordination,
        "grille",
        f"/diagnostic/campagnes/{campaign.pk}/divisions/{grid_division.pk}/",
    )
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
        yield coordination, "plan publié", f"/groupes/plans/{published.pk}/"
        yield coordination, "plan proposé", f"/groupes/plans/{proposed.pk}/"
        yield coordination, "versions du plan", f"/groupes/plans/{proposed.pk}/versions/"
        if group:
            yield coordination, "groupe", f"/groupes/{group.pk}/"
    yield coordination, "besoins (division)", f"/diagnostic/besoins/divisions/{grid_division.pk}/"
    yield coordination, "tutorat", "/tutorat/"
    yield coordination, "tutorat (suggestions)", "/tutorat/suggestions/"
    yield coordination, "modules", "/modules/"
    yield coordination, "barrettes", "/barrettes/"
    yield professeur, "accueil (professeur)", "/"
    yield eleve, "accueil (élève)", "/"
    yield from followup_pages(school, level, grid_division, student)


def followup_pages(school, level, division, student):
    """Follow-up's pages: the hours, the teacher's week, a session and its group, the
    reviews of a class, the timetables, the portfolio, and the LSU export page."""
    from appui.followup.models import Session
    from appui.schools.demo import demo_username
    from appui.schools.models import Staff

    coordination, professeur, direction = (
        demo_username(school, name) for name in ("coordination", "professeur", "direction")
    )
    yield coordination, "heures", "/suivi/heures/"
    yield coordination, "heures du niveau", f"/suivi/heures/niveaux/{level.pk}/"
    yield coordination, "heures des personnels", "/suivi/heures/personnels/"
    yield coordination, "suivi", "/suivi/"
    yield coordination, "bilans (division)", f"/suivi/bilans/divisions/{division.pk}/"
    yield coordination, "portfolio", f"/eleves/{student.pk}/portfolio/"
    yield coordination, "edt élève", f"/eleves/{student.pk}/emploi-du-temps/"
    yield coordination, "edt division", f"/divisions/{division.pk}/emploi-du-temps/"
    teacher = Staff.objects.filter(user__username=professeur).first()
    session = (
        Session.objects.filter(group__staff=teacher, status=Session.Status.DONE)
        .order_by("-date")
        .first()
    )
    yield professeur, "ma semaine", "/suivi/semaine/"
    yield professeur, "agenda", "/suivi/agenda/"
    if session:
        yield professeur, "séance", f"/suivi/seances/{session.pk}/"
        yield professeur, "séances du groupe", f"/suivi/groupes/{session.group_id}/seances/"
    yield direction, "export LSU", "/exports/lsu/"


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
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    from appui.schools.models import School

    until = args.until or default_until()
    started = time.perf_counter()
    if args.reuse and School.objects.exists():
        school = School.objects.get()
        print(f"reusing {school} ({os.environ['DATABASE_URL']})")
        for name, count in data_counts(school).items():
            print(f"  {name}: {count}")
        noon = datetime.datetime.combine(
            until, datetime.time(12), zoneinfo.ZoneInfo("Europe/Paris")
        )
        with time_machine.travel(noon, tick=True):
            measure(school, args.repeat)
        return
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
        measure(school, args.repeat)


def measure(school, repeat: int) -> None:
    from appui.accounts.models import User

    clients: dict[str, Client] = {}
    print(f"{'page':<24} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    worst = 0.0
    for user, name, url in list(pages(school)):
        client = clients.get(user)
        if client is None:
            client = clients[user] = Client()
            # Signed in directly: the login throttle (axes) needs a real request.
            client.force_login(User.objects.get(username=user))
        timings = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        timings.sort()
        p95 = timings[max(0, int(0.95 * len(timings)) - 1)]
        worst = max(worst, p95)
        print(f"{name:<24} {statistics.median(timings):>10.1f} {p95:>8.1f} {len(queries):>8}")
    print(f"worst p95: {worst:.1f} ms (target: 150 ms)")


if __name__ == "__main__":
    main()
