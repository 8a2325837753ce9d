"""Page timings and query counts on a large demo school (1,500 students by default).

Builds the demo school in a throwaway SQLite database (or BENCH_DATABASE_URL), logs in as
the demo accounts and requests each main page N times through the full Django stack,
printing the median, p95 and the number of SQL queries per page.
Run: .venv/bin/python bench/pages.py [--students 1500] [--repeat 20]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def pages():
    from appui.diagnostics.models import Campaign
    from appui.planning.models import Plan
    from appui.schools.models import Division, Level, Student

    division = Division.objects.order_by("-pk").first()
    student = Student.objects.filter(exit_date__isnull=True).order_by("pk").first()
    level = Level.objects.get(short_name="2NDPRO")
    campaign = Campaign.objects.filter(level=level).order_by("-date").first()
    grid_division = level.divisions.order_by("code").first()
    plan = Plan.objects.filter(level=level).order_by("-pk").first()
    yield "coordination", "accueil", "/"
    yield "coordination", "établissement", "/etablissement/"
    yield "coordination", "élèves (liste)", "/eleves/"
    yield "coordination", "élèves (recherche)", "/eleves/?q=mar"
    yield "coordination", "division", f"/divisions/{division.pk}/"
    yield "coordination", "élève", f"/eleves/{student.pk}/"
    yield "coordination", "profil de besoins", f"/eleves/{student.pk}/besoins/"
    yield "coordination", "besoins du niveau", f"/diagnostic/besoins/niveaux/{level.pk}/"
    yield "coordination", "campagne", f"/diagnostic/campagnes/{campaign.pk}/"
    yield (
        "coordination",
        "grille",
        f"/diagnostic/campagnes/{campaign.pk}/divisions/{grid_division.pk}/",
    )
    if plan:
        yield "coordination", "plan de groupes", f"/groupes/plans/{plan.pk}/"
    yield "coordination", "barrettes", "/barrettes/"
    yield "professeur", "accueil (professeur)", "/"
    yield "eleve", "accueil (élève)", "/"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    setup_test_environment()
    settings.DEMO_SOLVE_SECONDS = 3.0
    call_command("migrate", verbosity=0)
    from appui.schools.demo import build_demo

    started = time.perf_counter()
    build_demo(seed=1, students=args.students)
    print(
        f"demo school with {args.students} students built in {time.perf_counter() - started:.1f} s"
    )
    clients: dict[str, Client] = {}
    print(f"{'page':<24} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    worst = 0.0
    for user, name, url in list(pages()):
        client = clients.get(user)
        if client is None:
            client = clients[user] = Client()
            client.login(username=user, password="demo")
        timings = []
        for _ in range(args.repeat):
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
