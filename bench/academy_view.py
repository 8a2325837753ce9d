"""The académie view read from summaries: p50/p95 and query count for N schools.

Builds, in a throwaway SQLite database (or BENCH_DATABASE_URL), an académie of N demo schools
(``manage.py demo --schools N --students M``, the year played up to ``--until``), brings
their dashboards' summaries up to date (``manage.py refresh_summaries --all``, timed), then
requests the académie view as the demo inspector (``academie-demo``) ``--repeat`` times and
prints the median, p95 and the number of SQL queries; also one school's dashboard read from
its summary, and computed from the records (stale summary), for comparison.
Run: .venv/bin/python bench/academy_view.py [--schools 20] [--students 200] [--repeat 20]
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


def timed(client: Client, url: str, repeat: int, before=None) -> tuple[list[float], int]:
    timings, count = [], 0
    for _ in range(repeat):
        if before is not None:
            before()
        connection.queries_log.clear()  # the log keeps 9,000 queries: count from empty
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        count = len(queries)
    return sorted(timings), count


def line(name: str, timings: list[float], queries: int) -> str:
    p95 = timings[max(0, int(0.95 * len(timings)) - 1)]
    return f"{name:<36} {statistics.median(timings):>10.1f} {p95:>8.1f} {queries:>8}"


def clone(n: int) -> None:
    """``n`` more schools of the académie, each with the summaries (and data version) of one
    of the built schools, in turn."""
    from appui.schools.models import School, SchoolYear
    from appui.steering.models import Summary, SummaryState

    built = list(School.objects.exclude(uai__startswith="9").order_by("uai"))
    for number in range(n):
        source = built[number % len(built)]
        year = SchoolYear.objects.get(school=source, is_current=True)
        school = School.objects.create(
            uai=f"9{number:06d}{'ABCDEFGHJKLMNPRSTUVWXYZ'[number % 23]}",
            name=f"{source.name} (copie {number + 1})",
            city=source.city,
            academy=source.academy,
            holiday_zone=source.holiday_zone,
        )
        copy = SchoolYear.objects.create(
            school=school,
            start_year=year.start_year,
            start_date=year.start_date,
            end_date=year.end_date,
            is_current=True,
        )
        state = SummaryState.objects.get(school=source)
        SummaryState.objects.create(school=school, version=state.version)
        rows = Summary.objects.filter(school=source, year=year, level__isnull=True).filter(
            division__isnull=True
        )
        Summary.objects.bulk_create(
            Summary(
                key=f"{school.pk}:{row.key}",
                school=school,
                year=copy,
                period=row.period,
                language=row.language,
                as_of=row.as_of,
                data_version=row.data_version,
                computed_at=row.computed_at,
                headlines=row.headlines,
                sections=row.sections,
            )
            for row in rows
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=20)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--until", type=datetime.date.fromisoformat, default=None)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the académie already built in BENCH_DATABASE_URL (not rebuilt)",
    )
    parser.add_argument(
        "--clones",
        type=int,
        default=0,
        help="add this many schools to the académie, each with a copy of the summaries of "
        "a built one (the view reads only summaries: measures it for more schools than "
        "are quick to build)",
    )
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    from appui.accounts.models import User
    from appui.schools.models import School
    from appui.steering import summaries

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from pages import default_until

    until = args.until or default_until()
    started = time.perf_counter()
    if not (args.reuse and School.objects.exists()):
        call_command(
            "demo",
            f"--schools={args.schools}",
            f"--students={args.students}",
            f"--until={until.isoformat()}",
            "--solve-seconds=0.5",
            "--insecure-demo-passwords",
            stdout=io.StringIO(),
        )
        print(
            f"{args.schools} demo schools of {args.students} students built in "
            f"{time.perf_counter() - started:.1f} s, played up to {until:%d/%m/%Y}"
        )
    else:
        print(f"reusing {School.objects.count()} schools ({os.environ['DATABASE_URL']})")
    noon = datetime.datetime.combine(until, datetime.time(12), zoneinfo.ZoneInfo("Europe/Paris"))
    with time_machine.travel(noon, tick=True):
        started = time.perf_counter()
        call_command("refresh_summaries", "--all", stdout=io.StringIO())
        spent = time.perf_counter() - started
        print(f"summaries refreshed in {spent:.1f} s ({spent / args.schools:.2f} s per school)")
        if args.clones:
            clone(args.clones)
        count = School.objects.count()
        client = Client()
        client.force_login(User.objects.get(username="academie-demo"))
        print(f"{'page':<36} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        timings, queries = timed(client, "/pilotage/academie/", args.repeat)
        print(line(f"académie view ({count} schools)", timings, queries))

        school = School.objects.order_by("uai").first()
        from appui.schools.demo import demo_username

        head = User.objects.filter(username=demo_username(school, "direction")).first()
        if head is not None:
            other = Client()
            other.force_login(head)
            timings, queries = timed(other, "/pilotage/", args.repeat)
            print(line("school dashboard (fresh summary)", timings, queries))
            repeat = max(3, args.repeat // 4)
            # The refresh job the stale read queues would run inline here (the test
            # settings' immediate task backend): left out, it runs on a worker.
            summaries.enqueue_refresh = lambda schools: None
            timings, queries = timed(
                other,
                "/pilotage/",
                repeat,
                before=lambda: summaries.bump(school.pk),
            )
            print(line("school dashboard (stale: computed)", timings, queries))


if __name__ == "__main__":
    main()
