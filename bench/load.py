"""Throughput under load: gunicorn + PostgreSQL, many signed-in users of mixed roles.

What it does, in order:

1. builds the demo school (``--students``) in a PostgreSQL database of its own
   (``BENCH_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/appui_load``,
   dropped and created again unless ``--reuse``);
2. starts gunicorn with the production configuration (``config/gunicorn.conf.py``, DEBUG off,
   ``--workers`` or the configuration's own count) on a free loopback port;
3. signs in users of every role by creating their sessions in the database (the same rows a
   login writes; a password hash per virtual user would measure the hashing, not the pages),
   then reads, for each role, the links of its home page and menus: the pages a person of that
   role actually opens;
4. for each ``--users`` count, runs that many virtual users for ``--duration`` seconds: each
   opens a page of its role, waits a think time drawn from an exponential law of mean
   ``--think`` seconds (a person reads a page before the next click), and so on. The first
   click waits such a pause too, so the run starts as any minute of a steady day does;
   ``--rush`` instead has every user click within the first 2 s (all pupils of a school
   opening the app at once), and the p95 of each 10 s window shows how long the server
   takes to catch up;
5. measures the **ceiling**: 32 users with no think time for 20 s, requests per second;
6. prints, per run, requests, requests/s, errors, p50/p95/p99/max, the p95 of each 10 s
   window and the slowest pages,
   and where the CPU went (gunicorn workers, PostgreSQL, this load generator, every other
   process of the machine) from /proc, and the CPU of a request in gunicorn and PostgreSQL;
   before each run, the machine's speed of the moment (``bench/machine.py``): a virtual
   machine is not always as fast, and two runs compare only beside that figure.

``--reuse`` keeps the database built before and applies the migrations added since.
``bench/profile_load.py`` then shows where the time of these pages goes, in one process.

The load generator shares the machine's cores with the server: on 2 cores its own CPU is
printed so that the figures can be read with that in mind.

Run: .venv/bin/python bench/load.py [--students 1500] [--users 50 200] [--duration 60]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from machine import reference_line  # bench/, the script's own directory

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/appui_load"
# The share of each role among the virtual users: teachers and pupils are most of a school.
ROLE_MIX = {
    "teacher": 40,
    "student": 25,
    "guardian": 15,
    "coordinator": 10,
    "head": 5,
    "academy": 5,
}
SKIP = re.compile(
    r"deconnexion|logout|/export|telecharger|\.pdf|\.ics|\.xlsx|\.ods|\.csv|/admin/|"
    r"format=|/static/|/media/|mailto:|#"
)
HREF = re.compile(r'href="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-load-not-a-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def build(url: str, students: int, seed: int) -> float:
    env = {**server_env(url), "DEBUG": "1"}
    start = time.perf_counter()
    for args in (
        ["migrate", "--noinput", "-v0"],
        ["demo", "--students", str(students), "--seed", str(seed)],
        ["compilemessages", "-v0", "-l", "fr", "--ignore=.venv"],
    ):
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)
    # DEBUG off serves hashed static names from the manifest this writes (with DEBUG off).
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=server_env(url),
        check=True,
    )
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")
    return time.perf_counter() - start


def sessions_by_role(url: str, per_role: int) -> dict[str, list[str]]:
    """Session keys for up to ``per_role`` users of each role, created as a login would."""
    os.environ.update(server_env(url))
    os.environ["DEBUG"] = "1"
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from appui.schools.models import Membership

    roles = {
        "teacher": Membership.Role.TEACHER,
        "student": Membership.Role.STUDENT,
        "guardian": Membership.Role.GUARDIAN,
        "coordinator": Membership.Role.COORDINATOR,
        "head": Membership.Role.HEAD,
        "academy": Membership.Role.ACADEMY,
    }
    out: dict[str, list[str]] = {}
    for name, role in roles.items():
        users = [
            m.user
            for m in Membership.objects.filter(role=role, user__is_active=True)
            .select_related("user")
            .order_by("pk")[:per_role]
        ]
        keys = []
        for user in users:
            client = Client()
            client.force_login(user)
            keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
        if keys:
            out[name] = keys
    return out


def wait_for(base: str, timeout: float = 120) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(base + "/compte/connexion/", timeout=20)
            return
        except requests.RequestException:
            time.sleep(0.3)
    raise SystemExit("gunicorn n'a pas démarré")


def crawl(base: str, cookie_name: str, key: str) -> list[str]:
    """The role's pages: its home page and every same-site link of it (one level)."""
    import requests

    session = requests.Session()
    session.headers["Cookie"] = f"{cookie_name}={key}"
    pages = {"/"}
    home = session.get(base + "/", timeout=30)
    for href in HREF.findall(home.text):
        href = href.replace("&amp;", "&")
        target = urlsplit(urljoin(base + "/", href))
        if target.netloc not in ("", urlsplit(base).netloc) or SKIP.search(href):
            continue
        pages.add(target.path + (f"?{target.query}" if target.query else ""))
    ok = []
    for path in sorted(pages):
        response = session.get(base + path, timeout=30, allow_redirects=False)
        if response.status_code == 200 and "text/html" in response.headers.get("content-type", ""):
            ok.append(path)
    return ok


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each live process of ``pids``."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent between two snapshots by the processes alive at the second (a process that
    started in between counts whole; one that ended in between is lost, which is small)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def machine_busy_seconds() -> float:
    """CPU seconds every process of the machine spent busy so far (``/proc/stat``: all but
    idle and I/O wait), to tell what other processes took from the run."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def pids_of(pattern: str) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                continue
            if pattern in cmd:
                out.append(int(entry.name))
    return out


def run(
    base: str,
    cookie_name: str,
    sessions: dict[str, list[str]],
    pages: dict[str, list[str]],  # by session key
    users: int,
    duration: float,
    think: float,
    seed: int,
    gunicorn_pid: int,
    rush: bool = False,
) -> dict:
    import requests

    roles = [r for r in ROLE_MIX if any(pages.get(k) for k in sessions.get(r, ()))]
    sessions = {r: [k for k in sessions[r] if pages.get(k)] for r in roles}
    weights = [ROLE_MIX[r] for r in roles]
    times: list[float] = []
    # (seconds since the start of the run, duration) of every request: the tail over time.
    timeline: list[tuple[float, float]] = []
    by_page: dict[str, list[float]] = defaultdict(list)
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def user(index: int) -> None:
        local = random.Random(seed * 1000 + index)
        role = local.choices(roles, weights)[0]
        key = local.choice(sessions[role])
        session = requests.Session()
        session.headers["Cookie"] = f"{cookie_name}={key}"

        def pause() -> float:
            return min(local.expovariate(1 / think), 4 * think) if think else 0.0

        # A user's first click waits a think time too. The law is memoryless: at any instant
        # of a steady day, the time to a person's next click follows that same law, so the
        # run starts as the middle of a day looks, not with every user clicking in the same
        # two seconds (a crowd the server would spend the first 10 s of the run catching up
        # with, whatever the think time).
        # ``--rush`` keeps that crowd on purpose: every user's first click within 2 s.
        time.sleep(local.uniform(0, 2.0) if rush else min(pause(), duration))
        while time.monotonic() < stop:
            path = local.choice(pages[key])
            began = time.perf_counter()
            try:
                response = session.get(base + path, timeout=60, allow_redirects=False)
                status = str(response.status_code)
            except requests.RequestException as error:
                status = type(error).__name__
            elapsed = time.perf_counter() - began
            with lock:
                times.append(elapsed)
                timeline.append((began - t0, elapsed))
                by_page[f"{role} {path}"].append(elapsed)
                statuses[status] += 1
            if think:
                time.sleep(max(0.0, min(pause(), stop - time.monotonic())))

    def snapshot():
        return (
            cpu_seconds([gunicorn_pid, *children(gunicorn_pid)]),
            cpu_seconds(pids_of("postgres")),
            time.process_time(),
            machine_busy_seconds(),
        )

    before = snapshot()
    t0 = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    after = snapshot()
    ordered = sorted(times)
    measured = {
        "gunicorn": cpu_delta(before[0], after[0]),
        "postgresql": cpu_delta(before[1], after[1]),
        "load generator": after[2] - before[2],
    }

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0

    slowest = sorted(
        ((statistics.quantiles(v, n=20)[-1] if len(v) > 1 else v[0]) * 1000, k, len(v))
        for k, v in by_page.items()
    )[-8:]
    return {
        "users": users,
        "think": think,
        "requests": len(times),
        "rps": len(times) / wall if wall else 0,
        "errors": sum(n for s, n in statuses.items() if not s.startswith(("2", "3"))),
        "statuses": dict(statuses),
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "max": ordered[-1] * 1000 if ordered else 0,
        "cpu": {
            **measured,
            # Everything else the machine ran meanwhile (other programs, the kernel).
            "other": max(0.0, after[3] - before[3] - sum(measured.values())),
            "cores": os.cpu_count() or 1,
            "wall": wall,
        },
        "slowest": list(reversed(slowest)),
        "windows": windows(timeline, duration),
    }


def windows(timeline: list[tuple[float, float]], duration: float, width: float = 10.0) -> list:
    """(start of the window, requests, p95 ms) per ``width`` seconds of the run."""
    out = []
    start = 0.0
    while start < duration:
        inside = sorted(d for t, d in timeline if start <= t < start + width)
        if inside:
            out.append((start, len(inside), inside[int(0.95 * (len(inside) - 1))] * 1000))
        start += width
    return out


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(stat[1]) == pid:
                out.append(int(entry.name))
    return out


def report(result: dict) -> None:
    cpu = result["cpu"]
    print(
        f"\n{result['users']} utilisateurs, pause moyenne {result['think']:g} s : "
        f"{result['requests']} requêtes, {result['rps']:.1f} req/s, "
        f"{result['errors']} erreurs {result['statuses']}"
    )
    print(
        f"  p50 {result['p50']:.0f} ms · p95 {result['p95']:.0f} ms · "
        f"p99 {result['p99']:.0f} ms · max {result['max']:.0f} ms"
    )
    print(
        f"  CPU sur {cpu['wall']:.0f} s : gunicorn {cpu['gunicorn']:.1f} s, "
        f"PostgreSQL {cpu['postgresql']:.1f} s, générateur de charge {cpu['load generator']:.1f} s, "
        f"autres processus {cpu['other']:.1f} s (sur {cpu['cores'] * cpu['wall']:.0f} s "
        f"disponibles)"
    )
    if result["requests"]:
        per = 1000 / result["requests"]
        print(
            f"  CPU par requête : gunicorn {cpu['gunicorn'] * per:.1f} ms, "
            f"PostgreSQL {cpu['postgresql'] * per:.1f} ms"
        )
    print(
        "  p95 par tranche de 10 s : "
        + " · ".join(
            f"{start:.0f}–{start + 10:.0f} s {p95:.0f} ms" for start, _, p95 in result["windows"]
        )
    )
    print("  pages les plus lentes (p95 ms, requêtes) :")
    for p95, page, n in result["slowest"]:
        print(f"    {p95:7.0f}  {n:5d}  {page}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--users", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--think", type=float, default=5.0, help="pause moyenne (s)")
    parser.add_argument("--workers", type=int, default=0, help="workers gunicorn (0 : config)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true", help="garder la base déjà construite")
    parser.add_argument("--no-ceiling", action="store_true")
    parser.add_argument(
        "--rush",
        action="store_true",
        help="chaque utilisateur fait son premier clic dans les 2 premières secondes",
    )
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)

    if not args.reuse:
        recreate_database(url)
        took = build(url, args.students, args.seed)
        print(f"Base construite ({args.students} élèves) en {took:.0f} s")
    else:
        # The code may have moved on since the build: a page on a missing column answers
        # 500 and the crawl would leave it out without a word.
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env={**server_env(url), "DEBUG": "1"},
            check=True,
        )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = server_env(url)
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    # No access log: writing one line per request would be measured too.
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi",
            "--config",
            "config/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(base)
        # Up to 8 accounts per role, each with the pages its own menus lead to (a teacher's
        # division is not another teacher's): every answer but 200 is then a real error.
        sessions = sessions_by_role(url, per_role=8)
        from django.conf import settings

        cookie = settings.SESSION_COOKIE_NAME
        pages = {key: crawl(base, cookie, key) for keys in sessions.values() for key in keys}
        workers = len(children(server.pid))
        print(f"gunicorn : {workers} workers sur {os.cpu_count()} cœurs, port {port}")
        for role, keys in sessions.items():
            distinct = {p for k in keys for p in pages[k]}
            print(f"  {role:12s} {len(keys):4d} comptes, {len(distinct):3d} pages distinctes")
        if not args.no_ceiling:
            print(reference_line())
            ceiling = run(base, cookie, sessions, pages, 32, 20, 0.0, args.seed, server.pid)
            print(f"\nPlafond (32 utilisateurs sans pause, 20 s) : {ceiling['rps']:.1f} req/s")
            report(ceiling)
        for users in args.users:
            print(f"\n{reference_line()}")
            report(
                run(
                    base,
                    cookie,
                    sessions,
                    pages,
                    users,
                    args.duration,
                    args.think,
                    args.seed,
                    server.pid,
                    rush=args.rush,
                )
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
