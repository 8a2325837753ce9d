"""Streaming of a 10,000-row export, through the full Django stack.

Builds the small demo school in a throwaway SQLite database (or BENCH_DATABASE_URL), brings
the school to 10,000 students (bulk_create) and gives one need group 1,000 sessions of 10
students with their attendance, then downloads both lists as CSV and XLSX N times as the
head and prints the medians of: the first byte (the view has answered and the first chunk
is out), the first rows (the first chunk holding data rows), the whole file, its size and
number of chunks. XLSX and ODS are zipped at the end, so their first byte comes when the
file is complete. Run: .venv/bin/python bench/export_stream.py [--repeat 3]
"""

import argparse
import datetime
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
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

ROWS = 10_000
SESSIONS, MEMBERS = 1_000, 10


def build() -> tuple[str, str]:
    """The demo school with 10,000 students and a 10,000-row register; the two URLs."""
    from appui.followup.models import Attendance, Session
    from appui.planning.models import Assignment, Group, Module, Plan, Slot
    from appui.schools.demo import build_demo
    from appui.schools.models import Division, Level, Staff, Student

    settings.DEMO_SOLVE_PLANS = False
    started = time.perf_counter()
    demo = build_demo(seed=1, students=60)
    school = demo.school
    division = Division.objects.filter(year__school=school).order_by("code").first()
    missing = ROWS - Student.objects.filter(school=school).count()
    Student.objects.bulk_create(
        (
            Student(
                school=school,
                division=division,
                siecle_id=f"9{number:06d}",
                last_name=f"Élève{number:05d}",
                first_name="Camille",
                birth_date=datetime.date(2010, 1, 1),
                search_text=f"eleve{number:05d} camille",
            )
            for number in range(missing)
        ),
        batch_size=2_000,
    )
    level = Level.objects.get(year__school=school, short_name="2NDPRO")
    slot = Slot.objects.filter(level=level).first()
    plan = Plan.objects.create(
        level=level,
        period=level.year.periods.order_by("number").first(),
        status=Plan.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    group = Group.objects.create(
        plan=plan, slot=slot, module=Module.objects.filter(school=school).first()
    )
    group.staff.set([Staff.objects.get(user__username="professeur")])
    members = list(Student.objects.filter(division__level=level).order_by("pk")[:MEMBERS])
    Assignment.objects.bulk_create(Assignment(group=group, student=s) for s in members)
    first = datetime.date(2000, 1, 3)
    sessions = Session.objects.bulk_create(
        Session(
            group=group,
            date=first + datetime.timedelta(days=number),
            start_time=slot.start_time,
            end_time=slot.end_time,
            status=Session.Status.DONE,
        )
        for number in range(SESSIONS)
    )
    Attendance.objects.bulk_create(
        (
            Attendance(session=session, student=student, status="present")
            for session in sessions
            for student in members
        ),
        batch_size=2_000,
    )
    print(f"data built in {time.perf_counter() - started:.1f} s")
    return (
        reverse("interop:student-export"),
        reverse("interop:group-sessions-export", args=[group.pk]),
    )


def download(client: Client, url: str, export_format: str) -> dict:
    started = time.perf_counter()
    response = client.get(url, {"format": export_format})
    assert response.status_code == 200, response.status_code
    first_byte = first_rows = None
    size = chunks = 0
    for chunk in response.streaming_content:
        now = time.perf_counter() - started
        if first_byte is None:
            first_byte = now
        # The CSV's first chunk is its BOM alone; its rows come from the second one.
        if first_rows is None and len(chunk) > 3:
            first_rows = now
        size += len(chunk)
        chunks += 1
    total = time.perf_counter() - started
    return {
        "first_byte": first_byte,
        "first_rows": first_rows,
        "total": total,
        "size": size,
        "chunks": chunks,
    }


def main(repeat: int) -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    students_url, register_url = build()
    client = Client()
    client.login(username="direction", password="demo")
    print(
        f"{'export':<42}{'first byte':>12}{'first rows':>12}{'total':>10}{'size':>10}"
        f"{'chunks':>8}"
        f"  (medians of {repeat})"
    )
    for label, url in (
        ("students (10,000 rows)", students_url),
        ("register (1,000 × 10 = 10,000 rows)", register_url),
    ):
        for export_format in ("csv", "xlsx"):
            runs = [download(client, url, export_format) for _ in range(repeat)]

            def median(key, runs=runs):
                return statistics.median(run[key] for run in runs)

            print(
                f"{label + ' ' + export_format.upper():<42}"
                f"{median('first_byte') * 1000:>9.0f} ms"
                f"{median('first_rows') * 1000:>9.0f} ms"
                f"{median('total'):>8.2f} s"
                f"{median('size') / 1024:>7.0f} KiB"
                f"{median('chunks'):>8.0f}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    main(parser.parse_args().repeat)
