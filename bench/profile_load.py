"""Where the time of an everyday request goes: the pages of ``bench/load.py``, profiled.

Runs in one process, on the PostgreSQL database ``bench/load.py`` builds (``appui_load``,
``BENCH_DATABASE_URL``; build it first with ``bench/load.py``), with the production settings
(DEBUG off, cached template loader, persistent connections). For each role, it signs in up to
``--accounts`` users and reads the pages their home page links to, as ``load.py`` does; then:

1. per page: the median time and the number of SQL queries (fixed cost included);
2. the fixed cost: an empty request through the whole middleware stack (the 404 of an
   unknown address, which still loads the session, the user and the current school);
3. ``--requests`` requests drawn in ``load.py``'s role mix under cProfile: the functions
   where the time goes (``--top``), and the share spent in SQL.

Run: .venv/bin/python bench/profile_load.py [--requests 200] [--top 40] [--sort cumulative]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import load  # noqa: E402

url = os.environ.get("BENCH_DATABASE_URL", load.DEFAULT_DB)
os.environ.update(load.server_env(url))
os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from appui.schools.models import Membership  # noqa: E402

ROLES = {
    "teacher": Membership.Role.TEACHER,
    "student": Membership.Role.STUDENT,
    "guardian": Membership.Role.GUARDIAN,
    "coordinator": Membership.Role.COORDINATOR,
    "head": Membership.Role.HEAD,
    "academy": Membership.Role.ACADEMY,
}


def clients(per_role: int) -> dict[str, list[Client]]:
    out: dict[str, list[Client]] = {}
    for name, role in ROLES.items():
        users = [
            m.user
            for m in Membership.objects.filter(role=role, user__is_active=True)
            .select_related("user")
            .order_by("pk")[:per_role]
        ]
        out[name] = []
        for user in users:
            # A page broken by a migration not yet applied to the bench database is skipped.
            client = Client(raise_request_exception=False)
            client.force_login(user)
            out[name].append(client)
    return out


def crawl(client: Client) -> list[str]:
    home = client.get("/")
    pages = {"/"}
    for href in load.HREF.findall(home.content.decode()):
        href = href.replace("&amp;", "&")
        target = urlsplit(urljoin("http://testserver/", href))
        if target.netloc not in ("", "testserver") or load.SKIP.search(href):
            continue
        pages.add(target.path + (f"?{target.query}" if target.query else ""))
    ok = []
    for path in sorted(pages):
        response = client.get(path)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            ok.append(path)
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=3, help="comptes par rôle")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="mesures par page")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only-profile", action="store_true")
    parser.add_argument(
        "--page", nargs=2, metavar=("ROLE", "PATH"), help="profiler une seule page, --requests fois"
    )
    parser.add_argument("--filter", default="", help="restreindre la liste (ex. appui)")
    args = parser.parse_args()
    logging.getLogger("django.request").setLevel(logging.CRITICAL)

    by_role = clients(args.accounts)
    if args.page:
        role, path = args.page
        c = by_role[role][0]
        c.get(path)
        with CaptureQueriesContext(connection) as queries:
            c.get(path)
        for q in queries.captured_queries:
            print(f"  {q['time']}  {q['sql'][:300]}")
        print(f"{len(queries)} requêtes SQL")
        profiler = cProfile.Profile()
        began = time.perf_counter()
        profiler.enable()
        for _ in range(args.requests):
            c.get(path)
        profiler.disable()
        print(f"{(time.perf_counter() - began) / args.requests * 1000:.1f} ms (sous profilage)")
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats(args.sort)
        stats.print_stats(*([args.filter] if args.filter else []), args.top)
        print(out.getvalue())
        return
    pages = {id(c): crawl(c) for cs in by_role.values() for c in cs}

    if not args.only_profile:
        print("Par page (médiane ms, requêtes SQL) :")
        rows = []
        for role, cs in by_role.items():
            seen = set()
            for c in cs:
                for path in pages[id(c)]:
                    key = (role, path.split("?")[0])
                    if key in seen:
                        continue
                    seen.add(key)
                    times = []
                    for _ in range(args.repeat):
                        began = time.perf_counter()
                        c.get(path)
                        times.append(time.perf_counter() - began)
                    with CaptureQueriesContext(connection) as queries:
                        c.get(path)
                    rows.append((statistics.median(times) * 1000, len(queries), role, path))
        for ms, n, role, path in sorted(rows, reverse=True):
            print(f"  {ms:7.1f} {n:4d}  {role:11s} {path}")

        # The fixed cost: a 404 still goes through every middleware and the base template.
        c = by_role["teacher"][0]
        times = []
        for _ in range(20):
            began = time.perf_counter()
            c.get("/pas-une-page/")
            times.append(time.perf_counter() - began)
        with CaptureQueriesContext(connection) as queries:
            c.get("/pas-une-page/")
        print(
            f"\nCoût fixe (404 d'un enseignant) : {statistics.median(times) * 1000:.1f} ms, "
            f"{len(queries)} requêtes SQL"
        )
        for q in queries.captured_queries:
            print("   ", q["sql"][:160])

    # The role mix of load.py, profiled.
    rng = random.Random(args.seed)
    roles = [r for r in load.ROLE_MIX if by_role.get(r)]
    weights = [load.ROLE_MIX[r] for r in roles]
    plan = []
    for _ in range(args.requests):
        role = rng.choices(roles, weights)[0]
        c = rng.choice(by_role[role])
        if pages[id(c)]:
            plan.append((role, c, rng.choice(pages[id(c)])))
    sql_time = [0.0]

    def timed(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_time[0] += time.perf_counter() - began

    per_role: dict[str, list[float]] = defaultdict(list)
    profiler = cProfile.Profile()
    began = time.perf_counter()
    with connection.execute_wrapper(timed):
        profiler.enable()
        for role, c, path in plan:
            t = time.perf_counter()
            c.get(path)
            per_role[role].append(time.perf_counter() - t)
        profiler.disable()
    wall = time.perf_counter() - began
    reset_queries()
    print(
        f"\n{len(plan)} requêtes du mélange de load.py : {wall / len(plan) * 1000:.1f} ms "
        f"en moyenne (sous profilage), dont SQL {sql_time[0] / len(plan) * 1000:.1f} ms"
    )
    for role, ts in per_role.items():
        print(f"  {role:11s} {len(ts):4d} × {statistics.mean(ts) * 1000:6.1f} ms")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())
    print("cookie:", settings.SESSION_COOKIE_NAME)


if __name__ == "__main__":
    main()
