"""Least privilege: every URL × every identity × own / other / other-school object.

The expected answers are in ``matrix.csv`` (one row per URL name, role and object branch;
see ``world.py`` for the identities and branches). Each test signs in one identity, GETs
every URL of the site with the objects of each branch and compares the answer with the
table; all mismatches and missing rows come out in one message, the missing ones as lines
ready to paste into the table. ``ACCESS_MATRIX_WRITE=1`` writes the observed answers into
the table instead (for a new URL: then read every new row against the view's access rule
before committing). Admin pages are one wildcard row per role (``admin:*``): the admin site
checks ``is_staff`` for every model page alike; its site pages (index, login…) have rows.

Status codes: ``200``, ``403``, ``404``, ``405`` (POST only), ``302 <url name>`` for a
redirect (``302 accounts:login``: sign in first).
"""

import csv
import datetime
import os
import re
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from django.db import transaction
from django.urls import Resolver404, resolve, reverse

from .patterns import Unfillable, kwargs_for, object_kinds, site_patterns
from .world import BRANCHES, ROLES, TODAY, build_world

TABLE = Path(__file__).with_name("matrix.csv")
HEADER = ["url", "role", "object", "status"]
ADMIN = "admin:*"
WRITE = os.environ.get("ACCESS_MATRIX_WRITE") == "1"


NOW = datetime.datetime.combine(TODAY, datetime.time(10), zoneinfo.ZoneInfo("Europe/Paris"))


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world for the module, built in a transaction rolled back at the end; each test
    runs in a savepoint inside it (its ``db`` fixture), so no GET leaks into the next."""
    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def no_pdf_layout(monkeypatch):
    """PDF pages render their template and answer, but skip the layout (seconds per page):
    the matrix is about who gets an answer."""
    monkeypatch.setattr("weasyprint.HTML.write_pdf", lambda self, *a, **k: b"%PDF-1.7\n")


def read_table() -> dict[tuple[str, str, str], str]:
    if not TABLE.exists():
        return {}
    with TABLE.open(newline="", encoding="utf-8") as handle:
        return {(r["url"], r["role"], r["object"]): r["status"] for r in csv.DictReader(handle)}


def write_rows(role: str, observed: dict[tuple[str, str, str], str]) -> None:
    """Replace the rows of ``role`` with ``observed``, keeping the URL order of the site."""
    table = {key: status for key, status in read_table().items() if key[1] != role}
    table.update(observed)
    order = {name: n for n, name in enumerate([ADMIN] + [p.name for p in site_patterns()])}
    objects = {name: n for n, name in enumerate(["none", *BRANCHES])}
    with TABLE.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for key in sorted(
            table,
            key=lambda k: (order.get(k[0], len(order)), ROLES.index(k[1]), objects[k[2]]),
        ):
            writer.writerow([*key, table[key]])


def status_of(response) -> str:
    if response.status_code in (301, 302):
        path = response["Location"].split("?")[0]
        try:
            match = resolve(path)
        except Resolver404:
            return f"{response.status_code} {path}"
        return f"{response.status_code} {match.view_name}"
    return str(response.status_code)


def probes(world):
    """(url name, object branch, path) for every pattern: one probe per branch when the
    pattern names an object, else one with the object ``none``."""
    missing_args = []
    for pattern in site_patterns():
        if pattern.is_model_admin or not pattern.name:
            continue
        try:
            branches = BRANCHES if object_kinds(pattern) else ["none"]
        except Unfillable as error:
            missing_args.append(str(error))
            continue
        for branch in branches:
            kwargs = kwargs_for(pattern, world.objects, None if branch == "none" else branch)
            if kwargs is None:
                continue
            yield pattern.name, branch, reverse(pattern.name, kwargs=kwargs)
    assert not missing_args, (
        "URL arguments tests/access/patterns.py does not know how to fill "
        "(add the pk's object kind to PK_KINDS, or the argument to ARG_KINDS):\n"
        + "\n".join(missing_args)
    )


def admin_paths():
    for pattern in site_patterns():
        if pattern.is_model_admin:
            # The admin site refuses a user before it looks the object up.
            path = "/" + re.sub(r"<[^>]+>|\(\?P<\w+>[^)]*\)", "1", pattern.route)
            yield path.replace("^", "").replace("$", "")


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_as_the_table_says(role, world, client, db):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    table = read_table()
    observed: dict[tuple[str, str, str], str] = {}
    for name, branch, path in probes(world):
        observed[(name, role, branch)] = status_of(client.get(path))
    # The admin site's model pages answer alike for a role. No identity here is ``is_staff``,
    # so the answer depends only on being signed in: every page is probed for the anonymous
    # visitor and the head, one for the others (about 280 pages, 25 ms each).
    paths = list(admin_paths())
    if role not in ("anonymous", "head"):
        paths = paths[:1]
    admin = {status_of(client.get(path)) for path in paths}
    assert len(admin) == 1, f"admin URLs answer {role} differently: {sorted(admin)}"
    observed[(ADMIN, role, "none")] = admin.pop()

    if WRITE:
        write_rows(role, observed)
        return
    wrong, missing = [], []
    for key, status in observed.items():
        expected = table.get(key)
        if expected is None:
            missing.append(",".join([*key, status]))
        elif expected != status:
            wrong.append(f"{','.join(key)}: table says {expected}, the site answers {status}")
    stale = [
        ",".join(key) for key in table if key[1] == role and key not in observed
    ]  # rows of URLs that are gone
    message = []
    if wrong:
        message += ["Answers differing from tests/access/matrix.csv:", *wrong]
    if missing:
        message += [
            "URLs missing from tests/access/matrix.csv — check each answer against the view's "
            "access rule, then add these lines (or run with ACCESS_MATRIX_WRITE=1):",
            *missing,
        ]
    if stale:
        message += ["Rows of tests/access/matrix.csv for URLs that no longer exist:", *stale]
    assert not message, "\n".join(message)


def test_every_named_url_is_probed():
    """Unnamed patterns cannot be listed in the table: only the admin site's may lack a name."""
    unnamed = [p.route for p in site_patterns() if not p.name and not p.route.startswith("admin/")]
    assert unnamed == []
