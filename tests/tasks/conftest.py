"""A real Redis and real RQ workers for the task tests.

``redis-server`` runs once per test session (per xdist worker) on a free loopback port, with
no persistence, in a temporary directory (``redis_server.py``, shared with the benchmark).
Each test gets the ``rq`` fixture: the tasks backend of the test process switched to RQ on
that Redis (emptied first), and ``rq.worker()`` / ``rq.run()`` to start ``manage.py
rqworker`` subprocesses on the test database — a file for SQLite, the ``test_…`` database
for PostgreSQL — which is why these tests use ``transactional_db``: the worker only sees
committed rows.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from .redis_server import redis_server, redis_server_path

ROOT = Path(__file__).resolve().parents[2]
#: Seconds without heartbeat after which a running job counts as abandoned, in these tests.
STALE_SECONDS = 2.0


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> Iterator[str]:
    if redis_server_path() is None:
        pytest.skip("redis-server is not installed: the RQ task tests need a real Redis")
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


def _database_url() -> str:
    """The test database this process uses, as a URL for the worker's DATABASE_URL."""
    from django.db import connection

    conf = connection.settings_dict
    if conf["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{conf['NAME']}"
    user, password = quote(conf["USER"] or ""), quote(conf["PASSWORD"] or "")
    host, port = conf["HOST"] or "127.0.0.1", conf["PORT"] or 5432
    return f"postgres://{user}:{password}@{host}:{port}/{quote(conf['NAME'])}"


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (command) state ppid …": the command may contain spaces and parentheses.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            children.append(int(entry.name))
    return children


def _kill_tree(pid: int) -> None:
    for each in [*_children(pid), pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(each, signal.SIGKILL)


class Workers:
    """Starts ``manage.py rqworker`` processes on the test database and the test Redis."""

    def __init__(self, redis_url: str, logs: Path):
        self.redis_url = redis_url
        self.logs = logs
        self.processes: list[subprocess.Popen] = []

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="tests.tasks.worker_settings",
            DATABASE_URL=_database_url(),
            REDIS_URL=self.redis_url,
            JOBS_HEARTBEAT_SECONDS="0.3",
            JOBS_STALE_SECONDS=str(STALE_SECONDS),
            JOBS_RETRY_DELAYS="0",
            JOBS_MAX_ATTEMPTS="3",
            APPUI_SOLVER_WORKERS="1",
        )
        env.pop("DEBUG", None)
        return env

    def worker(self, *, burst: bool = True) -> subprocess.Popen:
        """A worker in its own process group (the worker and the work horse it forks)."""
        command = [
            sys.executable,
            "manage.py",
            "rqworker",
            "default",
            "--job-class",
            "django_tasks_rq.Job",
            "--worker-class",
            "tests.tasks.rq_worker.QuietWorker",
            "--name",
            f"test-{len(self.processes)}-{os.getpid()}",
        ]
        if burst:
            command.append("--burst")
        # The log goes to a file, not a pipe: a work horse still closing must not keep the
        # test waiting for the end of a pipe it inherited.
        with open(self.log(len(self.processes)), "wb") as log:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def log(self, index: int) -> Path:
        return self.logs / f"worker-{index}.log"

    def run(self, timeout: float = 90) -> str:
        """Run a burst worker until the queue is empty; its log."""
        index = len(self.processes)
        process = self.worker(burst=True)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill(process)
            raise AssertionError(self.log(index).read_text(errors="replace")) from None
        text = self.log(index).read_text(errors="replace")
        assert process.returncode == 0, text
        return text

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the worker and the work horse running the job, as when their machine
        dies (RQ puts the horse in a session of its own: it is found by its parent)."""
        _kill_tree(process.pid)
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                self.kill(process)


@pytest.fixture
def rq(redis_url, transactional_db, settings, tmp_path):
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 120}}
    settings.JOBS_STALE_SECONDS = STALE_SECONDS
    settings.JOBS_RETRY_DELAYS = [0]
    settings.JOBS_MAX_ATTEMPTS = 3
    workers = Workers(redis_url, tmp_path)
    yield workers
    workers.stop_all()
