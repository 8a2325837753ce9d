"""An académie of N schools: build, batch regrouping on 1, 2 and 4 RQ workers, académie view.

What it does, in order:

1. builds ``--schools`` fictitious schools of ``--students`` pupils each (``manage.py demo
   --schools N --students M``: levels, slots, modules, diagnostics, the past periods' plans) in
   a PostgreSQL database of its own (``BENCH_DATABASE_URL``, default
   ``postgres://postgres@127.0.0.1:5432/appui_academy``, dropped and created again unless
   ``--reuse``), and times it;
2. starts a real ``redis-server`` on a free loopback port;
3. for each worker count (``--workers``, default 1 2 4): deletes the plans of every school's
   next period (the batch starts from nothing each time), starts that many ``manage.py
   rqworker`` processes — each pinned with ``taskset`` to one core (round robin over the
   cores this process may use), ``APPUI_SOLVER_WORKERS=1`` so that one solve uses one core,
   ``GROUPING_TIME_LIMIT`` from ``--time-limit`` — then starts the académie's batch
   (``appui.planning.batch.batch_propose``, as the académie administrator) and waits until
   every level has finished; prints the wall time, the solves per minute, the mean time of
   one solve and the speed-up over the first count;
4. times the académie view (``steering:academy``) with Django's test client signed in as the
   académie administrator: p50/p95 over ``--repeat`` requests (after one warm-up request).

The machine's cores bound the speed-up: with 2 cores, 4 workers share them (the solver is
CPU-bound), so the third run shows what oversubscription costs rather than a gain.

Run: .venv/bin/python bench/academy.py [--schools 10] [--students 300] [--time-limit 10]
     (issue 19's figure: --schools 100 --students 500)
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.tasks.redis_server import redis_server  # noqa: E402  (after the path)

PYTHON = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/appui_academy"


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def base_env(url: str, redis_url: str, time_limit: float) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "TASKS_BACKEND": "rq",
        "APPUI_SOLVER_WORKERS": "1",
        "GROUPING_TIME_LIMIT": str(time_limit),
        # One attempt: a failure is a figure of the run, not retried behind its back.
        "JOBS_MAX_ATTEMPTS": "1",
    }


def build(url: str, schools: int, students: int, seed: int) -> float:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    start = time.perf_counter()
    for args in (
        ["migrate", "--noinput", "-v0"],
        ["demo", "--schools", str(schools), "--students", str(students), "--seed", str(seed)],
    ):
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - start


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def cores() -> list[int]:
    try:
        return sorted(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return list(range(os.cpu_count() or 1))


def start_workers(count: int, env: dict[str, str], logs: Path) -> list[subprocess.Popen]:
    available = cores()
    taskset = shutil.which("taskset")
    processes = []
    for index in range(count):
        command = [
            PYTHON,
            "manage.py",
            "rqworker",
            "default",
            "--job-class",
            "django_tasks_rq.Job",
            "--worker-class",
            "tests.tasks.rq_worker.QuietWorker",
            "--name",
            f"bench-{count}-{index}-{os.getpid()}",
        ]
        if taskset:
            command = [taskset, "-c", str(available[index % len(available)]), *command]
        with open(logs / f"worker-{count}-{index}.log", "wb") as log:
            processes.append(
                subprocess.Popen(
                    command,
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
    return processes


def stop_workers(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def wait_for_workers(count: int, timeout: float = 120) -> None:
    import django_rq
    from rq import Worker

    queue = django_rq.get_queue("default")
    deadline = time.monotonic() + timeout
    while Worker.count(queue=queue) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{count} workers did not start")
        time.sleep(0.1)


def reset_plans(schools) -> int:
    """Delete the plans of every school's next period (and reset the queue)."""
    import django_rq

    from appui.planning import batch
    from appui.planning.models import Plan

    periods = [p.pk for p in (batch.next_period(s) for s in schools) if p is not None]
    deleted = Plan.objects.filter(period_id__in=periods).count()
    Plan.objects.filter(period_id__in=periods).delete()
    django_rq.get_connection("default").flushdb()
    return deleted


def run_batch(count: int, env: dict[str, str], logs: Path, admin, schools) -> dict:
    from appui.jobs.models import Job
    from appui.planning import batch

    reset_plans(schools)
    processes = start_workers(count, env, logs)
    try:
        wait_for_workers(count)
        started = time.perf_counter()
        job = batch.batch_propose(schools=schools, user=admin)
        while True:
            job.refresh_from_db()
            status = batch.batch_status(job)
            if job.status == Job.Status.FAILED:
                raise RuntimeError(f"the batch failed: {job.error}")
            if status.is_finished:
                break
            if any(p.poll() is not None for p in processes):
                raise RuntimeError("a worker stopped: see " + str(logs))
            time.sleep(0.2)
        wall = time.perf_counter() - started
    finally:
        stop_workers(processes)
    child_ids = [e.job_id for e in status.entries if e.job_id]
    durations = [
        (c.finished_at - c.started_at).total_seconds()
        for c in Job.objects.filter(pk__in=child_ids)
        if c.finished_at and c.started_at
    ]
    return {
        "workers": count,
        "wall": wall,
        "solves": len(child_ids),
        "done": status.count_done,
        "failed": status.count_failed,
        "failures": sorted({e.note for e in status.entries if e.state == batch.FAILED})[:5],
        "mean_solve": statistics.mean(durations) if durations else 0.0,
    }


def time_academy_view(admin, repeat: int) -> tuple[int, list[float]]:
    from django.test import Client
    from django.urls import reverse

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    url = reverse("steering:academy")
    first = client.get(url)  # warm-up (and the académie's school chosen for the session)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == first.status_code
    return first.status_code, times


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schools", type=int, default=10)
    parser.add_argument("--students", type=int, default=300, help="élèves par établissement")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--time-limit", type=float, default=10.0, help="GROUPING_TIME_LIMIT (s)")
    parser.add_argument("--repeat", type=int, default=5, help="requêtes de la vue académie")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true", help="garder la base déjà construite")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    logs = Path(os.environ.get("BENCH_LOGS", "/tmp/bench-academy"))
    logs.mkdir(parents=True, exist_ok=True)

    print(f"machine: {os.cpu_count()} cores, this process may use {cores()}")
    if not args.reuse:
        recreate_database(url)
        elapsed = build(url, args.schools, args.students, args.seed)
        print(
            f"build: {args.schools} schools × {args.students} pupils in {elapsed:.0f} s "
            f"({elapsed / args.schools:.1f} s per school)"
        )
    with redis_server(logs) as redis_url:
        env = base_env(url, redis_url, args.time_limit)
        setup_django(env)
        from django.contrib.auth import get_user_model

        from appui.planning import batch
        from appui.schools.models import School, Student

        admin = get_user_model().objects.get(username="admin-academie")
        schools = list(School.objects.filter(academy__code="DIJON").order_by("uai"))
        estimate = batch.batch_estimate(schools)
        pupils = Student.objects.filter(school__in=schools).count()
        print(
            f"académie: {len(schools)} schools, {pupils} pupils; the batch solves "
            f"{estimate.levels} levels ({estimate.pupils} pupils) of the next period; "
            f"GROUPING_TIME_LIMIT={args.time_limit} s, APPUI_SOLVER_WORKERS=1"
        )
        results = []
        for count in args.workers:
            result = run_batch(count, env, logs, admin, schools)
            results.append(result)
            base = results[0]["wall"]
            print(
                f"{count} worker(s): wall {result['wall']:.1f} s, "
                f"{result['solves']} solves ({result['done']} done, {result['failed']} failed), "
                f"{60 * result['solves'] / result['wall']:.1f} solves/min, "
                f"mean solve {result['mean_solve']:.1f} s, speed-up ×{base / result['wall']:.2f}"
            )
            for failure in result["failures"]:
                print(f"    failed: {failure}")
        status, times = time_academy_view(admin, args.repeat)
        print(
            f"académie view (steering:academy, {len(schools)} schools): HTTP {status}, "
            f"p50 {1000 * statistics.median(times):.0f} ms, "
            f"p95 {1000 * percentile(times, 0.95):.0f} ms over {len(times)} requests"
        )


if __name__ == "__main__":
    main()
