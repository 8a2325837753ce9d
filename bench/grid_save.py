"""Latency of saving one cell of a diagnostic grid, through the full Django stack.

Builds the demo school (420 students) in a throwaway SQLite database, logs in as the demo
teacher and saves N cells of an open campaign as the grid does (one POST per cell), then
prints the median, p95 and max. Run: .venv/bin/python bench/grid_save.py [N]
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
db_file = Path(tempfile.mkdtemp()) / "bench.sqlite3"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{db_file}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402


def main(count: int) -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    from appui.diagnostics.models import Campaign
    from appui.schools.demo import build_demo
    from appui.schools.models import Student

    started = time.perf_counter()
    build_demo(seed=1, students=420)
    print(f"demo school built in {time.perf_counter() - started:.1f} s")
    client = Client()
    client.login(username="professeur", password="demo")
    campaign = Campaign.objects.get(state=Campaign.State.OPEN)
    competencies = list(campaign.competencies.all())
    students = list(
        Student.objects.filter(
            division__level=campaign.level,
            division__teachings__staff__user__username="professeur",
            exit_date__isnull=True,
        )
    )
    url = reverse("diagnostics:result-save", args=[campaign.pk])
    timings = []
    for index in range(count):
        student = students[index // len(competencies) % len(students)]
        competency = competencies[index % len(competencies)]
        result = campaign.results.filter(student=student, competency=competency).first()
        version = result.version if result else 0
        t0 = time.perf_counter()
        response = client.post(
            url,
            {
                "student": student.pk,
                "competency": competency.pk,
                "value": str(1 + index % 4),
                "version": version,
            },
        )
        timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"{count} cell saves: median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
