"""Backup and restore round trip: scripts/backup.sh dumps the database, scripts/restore.sh
loads the dump into a fresh database, and every table holds the same rows.

It runs when the suite runs on PostgreSQL (`.ci/run` does, after the SQLite run): the dump
is taken from the test database, filled through the ORM with a small school. On SQLite the
round trip is skipped — backups are PostgreSQL dumps — but the scripts' refusals are tested.
"""

import os
import shutil
import subprocess
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
BACKUP = ROOT / "scripts" / "backup.sh"
RESTORE = ROOT / "scripts" / "restore.sh"

on_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="the suite runs on SQLite; backups are PostgreSQL dumps "
    "(.ci/run runs this round trip on PostgreSQL)",
)
needs_client_tools = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pg_dump", "pg_restore", "psql")),
    reason="PostgreSQL client tools (pg_dump, pg_restore, psql) are not installed",
)


def url_of(name: str) -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = db["PORT"] or 5432
    return f"postgres://{auth}@{host}:{port}/{name}"


def run(script: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "PGPASSWORD"}}
    return subprocess.run(
        ["bash", str(script), *args],
        cwd=ROOT,
        env={**keep, "ENV_FILE": "/nonexistent", **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def row_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def scratch_database():
    """A database name on the test server, dropped afterwards."""
    name = f"appui_restore_{uuid.uuid4().hex[:10]}"
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def other_database_cursor(name: str):
    import psycopg

    return psycopg.connect(url_of(name), autocommit=True)


@on_postgresql
@needs_client_tools
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row(world, planning, tmp_path, scratch_database):
    source = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        before = row_counts(cursor)
    assert before["schools_student"] >= 4 and before["planning_module"] == 2

    backup = run(BACKUP, str(tmp_path), DATABASE_URL=url_of(source))
    assert backup.returncode == 0, backup.stderr
    dumps = list(tmp_path.glob("appui-*.dump"))
    assert len(dumps) == 1
    assert oct(dumps[0].stat().st_mode & 0o777) == "0o600"  # pupils' data: owner only

    restore = run(RESTORE, str(dumps[0]), url_of(scratch_database))
    assert restore.returncode == 0, restore.stderr

    with other_database_cursor(scratch_database) as restored:
        after = row_counts(restored.cursor())
        names = restored.execute(
            "SELECT last_name FROM schools_student ORDER BY last_name"
        ).fetchall()
    assert after == before
    assert ("Hélène",) in names  # accents survive the round trip

    # Restoring twice into the same database is refused and changes nothing.
    again = run(RESTORE, str(dumps[0]), url_of(scratch_database))
    assert again.returncode == 1
    assert "base neuve" in again.stderr
    with other_database_cursor(scratch_database) as restored:
        assert row_counts(restored.cursor()) == before


@on_postgresql
@needs_client_tools
@pytest.mark.django_db
def test_old_backups_are_pruned(tmp_path):
    for stamp in ("20260101-000000", "20260102-000000", "20260103-000000"):
        (tmp_path / f"appui-{stamp}.dump").write_bytes(b"")
    source = connection.settings_dict["NAME"]
    result = run(BACKUP, str(tmp_path), DATABASE_URL=url_of(source), BACKUP_KEEP="2")
    assert result.returncode == 0, result.stderr
    kept = sorted(p.name for p in tmp_path.glob("appui-*.dump"))
    assert len(kept) == 2 and kept[0] == "appui-20260103-000000.dump"


def test_the_backup_needs_a_postgresql_database(tmp_path):
    missing = run(BACKUP, str(tmp_path))
    assert missing.returncode == 2 and "DATABASE_URL" in missing.stderr
    sqlite = run(BACKUP, str(tmp_path), DATABASE_URL="sqlite:///db.sqlite3")
    assert sqlite.returncode == 2 and "PostgreSQL" in sqlite.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_restore_refuses_a_missing_dump_or_target(tmp_path):
    usage = run(RESTORE)
    assert usage.returncode == 2 and "Usage" in usage.stderr
    missing = run(RESTORE, str(tmp_path / "none.dump"), "postgres://u@127.0.0.1/x")
    assert missing.returncode == 2 and "introuvable" in missing.stderr
