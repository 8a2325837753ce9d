"""Latency of a move on the need-group board, and the weight of the plan page.

Builds the demo school (500 students) in a throwaway SQLite database (or BENCH_DATABASE_URL),
logs in as the demo coordinator and, on the 2nde pro plan being prepared, requests the plan
page, then makes N moves as the board does (one htmx POST each, with the plan's revision)
and opens N pupils' panels, through the full Django stack. Prints the page's size and time,
the median and p95 of the moves (wall and CPU time) and of the panels, and, when git can show it, the size of
the same page as the last version with a move form per pupil rendered it.
Run: .venv/bin/python bench/board_move.py [N]
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
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
from django.urls import reverse  # noqa: E402

#: The last commit whose plan page had a move form (and a <select>) per pupil.
LEGACY_COMMIT = "e6012b4"
LEGACY_TEMPLATE = "appui/planning/templates/planning/plan_detail.html"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))]


def line(label: str, timings: list[float]) -> str:
    return (
        f"{label}: median {statistics.median(timings):.0f} ms, "
        f"p95 {percentile(timings, 0.95):.0f} ms, max {max(timings):.0f} ms ({len(timings)})"
    )


def legacy_page_size(client: Client, plan) -> int | None:
    """The plan page as the per-pupil move forms rendered it (same data), in bytes."""
    try:
        source = subprocess.run(
            ["git", "show", f"{LEGACY_COMMIT}:{LEGACY_TEMPLATE}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    from django.template import engines

    from appui.planning import grouping, selectors
    from appui.planning.models import Plan
    from appui.planning.views import _metric_rows

    request = client.get(reverse("planning:plan-detail", args=[plan.pk])).wsgi_request
    template = engines["django"].from_string(source)
    html = template.render(
        {
            "plan": plan,
            "by_slot": selectors.plan_groups(plan),
            "evaluation": grouping.evaluate(plan),
            "metric_rows": _metric_rows(plan),
            "weight_fields": [],
            "versions": Plan.objects.filter(level=plan.level, period=plan.period),
        },
        request,
    )
    return len(html.encode())


def main(count: int) -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    from appui.accounts.models import User
    from appui.planning.models import Assignment, Plan
    from appui.schools.demo import build_demo

    started = time.perf_counter()
    build_demo(seed=1, students=500)
    print(f"demo school built in {time.perf_counter() - started:.1f} s")
    plan = Plan.objects.filter(level__short_name="2NDPRO", status=Plan.Status.PROPOSED).first()
    if plan is None:
        sys.exit("no 2nde pro plan being prepared in the demo")
    plan.groups.update(locked=False)
    client = Client()
    client.force_login(User.objects.get(username="coordination"))
    pupils = Assignment.objects.filter(group__plan=plan).count()
    print(
        f"plan: {plan.level.name}, {plan.period.name}, {plan.groups.count()} groups, "
        f"{pupils} placements"
    )

    page_url = reverse("planning:plan-detail", args=[plan.pk])
    client.get(page_url)  # warm up: templates compiled, caches filled
    page_times, page_cpu = [], []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            t0, c0 = time.perf_counter(), time.process_time()
            page = client.get(page_url)
            page_times.append((time.perf_counter() - t0) * 1000)
            page_cpu.append((time.process_time() - c0) * 1000)
    html = page.content
    print(
        f"plan page: {len(html) / 1024:.0f} KB, {html.count(b'<select')} <select>, "
        f"{len(queries)} queries; " + line("time", page_times) + "; " + line("CPU", page_cpu)
    )
    legacy = legacy_page_size(client, plan)
    if legacy is not None:
        print(f"same page with a move form per pupil ({LEGACY_COMMIT}): {legacy / 1024:.0f} KB")

    # Moves: each pupil of a slot's first groups to the next group of that slot, as a drag.
    groups_by_slot: dict = {}
    for group in plan.groups.order_by("slot_id", "round_id", "module__code", "pk"):
        groups_by_slot.setdefault((group.slot_id, group.round_id), []).append(group)
    pairs = [
        (groups[i], groups[(i + 1) % len(groups)])
        for groups in groups_by_slot.values()
        if len(groups) > 1
        for i in range(len(groups))
    ]
    move_url = reverse("planning:plan-board-move", args=[plan.pk])
    move_times, move_cpu, panel_times, query_counts = [], [], [], []
    for index in range(count):
        source, target = pairs[index % len(pairs)]
        assignment = Assignment.objects.filter(group=source).order_by("pk").first()
        if assignment is None:
            continue
        revision = Plan.objects.values_list("revision", flat=True).get(pk=plan.pk)
        panel_url = reverse("planning:plan-board-pupil", args=[plan.pk, assignment.pk])
        t0 = time.perf_counter()
        panel = client.get(panel_url)
        panel_times.append((time.perf_counter() - t0) * 1000)
        assert panel.status_code == 200, panel.status_code
        with CaptureQueriesContext(connection) as queries:
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.post(
                move_url, {"assignment": assignment.pk, "group": target.pk, "revision": revision}
            )
            move_times.append((time.perf_counter() - t0) * 1000)
            move_cpu.append((time.process_time() - c0) * 1000)
        query_counts.append(len(queries))
        assert response.status_code == 200, (response.status_code, response.content[:300])
    print(line("move", move_times) + f", {statistics.median(query_counts):.0f} queries")
    # On a machine shared with other work, the wall time waits for the CPU: the process's
    # own CPU time (SQLite runs in the process) is what the move costs.
    print(line("move, CPU time of this process", move_cpu))
    print(line("pupil's panel", panel_times))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
