"""A throw-away ``redis-server`` on a free loopback port: for the RQ task tests
(``tests/tasks/conftest.py``) and the académie benchmark (``bench/academy.py``).

No pytest here: the benchmark runs as a plain script. No persistence (no RDB, no AOF), its
files in ``directory``; stopped when the ``with`` block ends.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    """A TCP port nobody listens on at the moment, on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server_path() -> str | None:
    """The ``redis-server`` executable, or None when it is not installed."""
    found = shutil.which("redis-server")
    if found:
        return found
    return "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None


@contextmanager
def redis_server(directory: Path, *, start_timeout: float = 10) -> Iterator[str]:
    """Start ``redis-server``, wait until it answers, yield its URL (database 0), stop it."""
    server = redis_server_path()
    if server is None:
        raise RuntimeError("redis-server is not installed")
    import redis

    port = free_port()
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"redis://127.0.0.1:{port}/0"
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
