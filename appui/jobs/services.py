"""Start jobs, report their progress from the worker, record how they ended.

A job's task is an ordinary ``django-tasks`` task that takes ``job_id`` as a keyword argument
and runs its body inside ``job_progress(job_id)``::

    @task()
    def solve_plan(plan_id: int, job_id: int | None = None) -> str:
        with job_progress(job_id) as progress:
            if progress.skip:
                return "skipped"
            progress.step(1, 3, _("Reading the needs"))
            ...
            progress.finish(url=..., summary=...)

The guarantees the tasks rely on:

- ``start_job`` returns the unfinished job of the same key instead of starting a second one
  (a double click, a re-posted form); the task is enqueued once the transaction commits.
- A task delivered twice (RQ retrying a job whose worker vanished after all, a requeued job)
  finds the job done, or running on a live worker, and is skipped (``progress.skip``).
- While the body runs, a thread writes the job's heartbeat every ``JOBS_HEARTBEAT_SECONDS``
  on its own database connection, so the progress is seen even while the body holds a long
  transaction; a running job without heartbeat for ``JOBS_STALE_SECONDS`` was abandoned by a
  dead worker (``Job.is_stale``): ``start_job`` with its key, or ``job_restart``, queues it
  again. The task bodies write their results in one transaction at the end, so an abandoned
  attempt left nothing half-written and running them again is safe.
- A failure is retried by RQ (``appui.jobs.rq.RetryingQueue``) while attempts remain: the
  job goes back to "queued"; the last failure is recorded with a French message.
- A body that refuses the work (the data changed, the user lost the right: no crash) calls
  ``progress.fail(message)`` and returns: the job ends "failed" with that message, and as
  the task raised nothing, nothing retries it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks.exceptions import TaskResultDoesNotExist

from .models import Job

logger = logging.getLogger(__name__)


def start_job(kind: str, key: str, task, *args, title: str = "", school=None, user=None) -> Job:
    """The job doing ``task(*args, job_id=…)``, enqueued when the transaction commits.

    ``args`` must be JSON values (they are stored to run the task again). If a job with
    ``key`` is still queued or running, it is returned and nothing new starts; if that job
    was abandoned by a dead worker, it is queued again first.
    """
    with transaction.atomic():
        existing = (
            Job.objects.select_for_update().filter(key=key, status__in=Job.UNFINISHED).first()
        )
        if existing is not None:
            if job_is_abandoned(existing):
                _requeue(existing)
            return existing
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    kind=kind,
                    key=key,
                    title=title[:200],
                    school=school,
                    started_by=user if getattr(user, "is_authenticated", False) else None,
                    task_path=task.module_path,
                    args=list(args),
                )
        except IntegrityError:  # the same key started meanwhile by another request
            return Job.objects.get(key=key, status__in=Job.UNFINISHED)
        _enqueue_on_commit(job)
    return job


def job_is_abandoned(job: Job) -> bool:
    """Whether nothing will ever finish ``job`` unless it is queued again: running without
    heartbeat (its worker died, ``Job.is_stale``), or queued for ``JOBS_STALE_SECONDS`` while
    the queue no longer holds its task, or holds it as finished (Redis restarted without
    it, RQ gave up on it before it began)."""
    if job.is_stale:
        return True
    if job.status != Job.Status.QUEUED or not job.task_id:
        return False
    since = job.queued_at or job.created_at
    if since > timezone.now() - timedelta(seconds=settings.JOBS_STALE_SECONDS):
        return False
    try:
        result = default_task_backend.get_result(job.task_id)
    except TaskResultDoesNotExist:
        return True
    except Exception:  # a backend that keeps no results, or a queue unreachable right now
        return False
    return result.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)


@transaction.atomic
def job_restart(*, job: Job) -> bool:
    """Queue again an abandoned job (``job_is_abandoned``); False (nothing done) otherwise."""
    locked = Job.objects.select_for_update().get(pk=job.pk)
    if not job_is_abandoned(locked):
        return False
    _requeue(locked)
    job.refresh_from_db()
    return True


def _requeue(job: Job) -> None:
    if job.status == Job.Status.RUNNING:
        job.message = _("Its worker stopped: the job was queued again.")
    else:  # lost by the queue
        job.message = _("The job was queued again.")
    job.status = Job.Status.QUEUED
    job.heartbeat_at = None
    job.save(update_fields=["status", "heartbeat_at", "message"])
    _enqueue_on_commit(job)


def _enqueue_on_commit(job: Job) -> None:
    job_id = job.pk
    transaction.on_commit(lambda: _enqueue(job_id))


def _enqueue(job_id: int) -> None:
    job = Job.objects.get(pk=job_id)
    queued_at = timezone.now()
    try:
        result = import_string(job.task_path).enqueue(*job.args, job_id=job.pk)
    except Exception as error:  # the queue is unreachable (Redis down…): say so on the page
        logger.exception("Job %s could not be enqueued", job.pk)
        Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            error=_("The job could not be queued (%(error)s): try again later.")
            % {"error": type(error).__name__},
        )
        return
    # The immediate backend has run the task already: only a job still queued is updated.
    Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
        task_id=result.id, queued_at=queued_at
    )


class Progress:
    """What a task body sees of its job: ``step``, ``finish`` or ``fail``, and whether to
    ``skip``."""

    def __init__(self, job_id: int | None, *, skip: bool = False, retries_follow: bool = False):
        self.job_id = job_id
        #: The job is done, or running on a live worker: the body must do nothing.
        self.skip = skip
        #: A failure of this attempt will be retried (so a body keeps its clean-up for the
        #: last attempt).
        self.retries_follow = retries_follow
        self.done = 0
        self.total = 0
        self.message = ""
        self.result_url = ""
        self.result_summary = ""
        #: Set by ``fail``: the job ends "failed" with this message.
        self.error = ""
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def step(self, done: int, total: int, message: str = "") -> None:
        """``done`` of ``total`` steps, and what is being done now (French, for the page)."""
        with self._lock:
            self.done, self.total, self.message = done, total, message[:200]
        if self.job_id is None:
            return
        if connection.in_atomic_block or self._thread is None:
            # Inside the body's transaction the write would wait for its commit: the
            # heartbeat thread writes it on its own connection.
            self._wake.set()
            if self._thread is None:
                self._write(beat=False)
        else:
            self._write(beat=True)

    def finish(self, *, url: str = "", summary: str = "") -> None:
        """The page to go to next and a one-line result, shown when the job is done."""
        self.result_url, self.result_summary = url, summary

    def fail(self, message: str) -> None:
        """End the job "failed" with ``message`` (French, for the page) when the body returns.

        For a refusal, not a crash: the body returns normally after it (having written
        nothing), so the backend does not retry. A summary given to ``finish`` is dropped; the
        page given to ``link`` or ``finish`` stays linked.
        """
        self.error = message or _("The job was refused.")

    def link(self, url: str) -> None:
        """The page the job is about, linked from the job's page even if it fails."""
        self.result_url = url

    def _write(self, *, beat: bool) -> None:
        if self.job_id is None:
            return
        with self._lock:
            fields: dict = {"done": self.done, "total": self.total, "message": self.message}
        if beat:
            fields["heartbeat_at"] = timezone.now()
        Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(**fields)

    def _beat(self) -> None:
        try:
            while not self._stop.is_set():
                self._wake.wait(settings.JOBS_HEARTBEAT_SECONDS)
                self._wake.clear()
                if self._stop.is_set():
                    break
                try:
                    self._write(beat=True)
                except Exception:  # a locked SQLite file, a lost connection: next beat
                    logger.warning("Job %s: heartbeat not written", self.job_id, exc_info=True)
                    close_old_connections()
        finally:
            connection.close()

    def _start_heartbeat(self) -> None:
        self._thread = threading.Thread(
            target=self._beat, name=f"job-{self.job_id}-heartbeat", daemon=True
        )
        self._thread.start()

    def _stop_heartbeat(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._wake.set()
            self._thread.join()
            self._thread = None


@contextmanager
def job_progress(job_id: int | None) -> Iterator[Progress]:
    """Run a task body as the attempt of job ``job_id`` (None: a call outside any job).

    On entry the job becomes "running" (one more attempt) unless it must be skipped; on
    exit it is "done" with the result given to ``finish``, "failed" with the message given
    to ``fail``, or — on an exception — queued again when a retry follows, "failed" with a
    French message otherwise (the exception goes on to the task backend either way).
    """
    if job_id is None:
        yield Progress(None)
        return
    progress = _claim(job_id)
    if progress.skip:
        yield progress
        return
    in_transaction = connection.in_atomic_block
    if not in_transaction:  # a worker; the immediate backend in a test runs inside one
        progress._start_heartbeat()
    try:
        yield progress
    except BaseException as error:
        progress._stop_heartbeat()
        _record_failure(job_id, error, retry=progress.retries_follow, url=progress.result_url)
        raise
    progress._stop_heartbeat()
    now = timezone.now()
    if progress.error:
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED,
            finished_at=now,
            heartbeat_at=now,
            done=progress.done,
            total=progress.total,
            message="",
            error=progress.error,
            result_url=progress.result_url,
            result_summary="",
        )
        return
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.DONE,
        finished_at=now,
        heartbeat_at=now,
        done=progress.total or progress.done,
        total=progress.total,
        message="",
        error="",
        result_url=progress.result_url,
        result_summary=progress.result_summary,
    )


@transaction.atomic
def _claim(job_id: int) -> Progress:
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.status in (Job.Status.DONE, Job.Status.FAILED):
        return Progress(job_id, skip=True)
    if job.status == Job.Status.RUNNING and not job.is_stale:
        return Progress(job_id, skip=True)  # a live worker has it (a task delivered twice)
    now = timezone.now()
    job.status = Job.Status.RUNNING
    job.attempts += 1
    job.started_at = job.started_at or now
    job.heartbeat_at = now
    job.message = ""
    job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at", "message"])
    return Progress(job_id, retries_follow=_retries_follow())


def _retries_follow() -> bool:
    """Whether the backend retries this attempt if it fails (RQ's Retry; the database and
    immediate backends never retry)."""
    try:
        from rq import get_current_job
    except ImportError:  # pragma: no cover - rq is a dependency
        return False
    current = get_current_job()
    return bool(current is not None and (current.retries_left or 0) > 0)


def _record_failure(job_id: int, error: BaseException, *, retry: bool, url: str) -> None:
    if retry:
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.QUEUED,
            heartbeat_at=None,
            message=_("This attempt failed: the job will be tried again."),
        )
        return
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.FAILED,
        finished_at=timezone.now(),
        message="",
        result_url=url,
        error=_("The job stopped on an error (%(error)s).") % {"error": _describe(error)},
    )


def _describe(error: BaseException) -> str:
    text = str(error).strip()
    name = type(error).__name__
    return f"{name} : {text}"[:500] if text else name
