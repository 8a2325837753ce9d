"""gunicorn settings for appui (`make serve`, docs/deploiement.md).

Every value can be changed from the environment; the defaults suit one school or a small
académie on one machine behind a TLS reverse proxy (nginx) on the same host.
"""

import os

from appui.core.cpus import usable_cpus  # light: no solver, no Django


def default_workers(cpus: int, cap: int = 9) -> int:
    """The usual 2 × cores + 1 sync workers (one waits on the database while another
    computes), capped: past about 9 workers a single PostgreSQL and the solver's background
    worker compete for the same cores and memory (each worker holds the app, ~150 MB)."""
    return max(2, min(cap, 2 * cpus + 1))


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() else default


# Where gunicorn listens: the proxy's upstream. A Unix socket ("unix:/run/appui/gunicorn.sock")
# also works.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# WEB_CONCURRENCY is gunicorn's own variable for the number of workers.
workers = _int("WEB_CONCURRENCY", default_workers(usable_cpus()))
# Seconds a request may take before its worker is replaced: PDFs of a whole level and large
# exports take a few seconds; long work (solving, imports) runs in the task worker instead.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
# The proxy keeps connections open to gunicorn for a few seconds between requests.
keepalive = 5
# A worker is replaced after about 5,000 requests: memory stays flat over weeks. Not more
# often: a new worker loads the application again (2.8 s of CPU on the bench machine, then
# its templates), which after every 1,000 requests of ~30 ms cost a tenth of the CPU.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10
# Heartbeat files in memory: a slow disk never makes gunicorn think a worker hung.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
# Addresses allowed to send X-Forwarded-* headers (the reverse proxy).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs on standard output/error (systemd's journal or the container's log collects them).
# The access log writes the path without its query string: searches hold pupils' names.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
proc_name = "appui"


def post_worker_init(worker) -> None:
    """Once a worker has loaded the application, its objects (modules, URL patterns, settings,
    translations) are moved out of the garbage collector's reach: they live as long as the
    worker, and a full collection walked them all again every few hundred requests, adding
    150–250 ms to an unlucky request (`bench/pages.py --gc-freeze` shows the p95 without it:
    e.g. the LSU page on PostgreSQL 232 → 81 ms). What requests allocate is collected as usual.
    """
    import gc

    gc.collect()
    gc.freeze()
