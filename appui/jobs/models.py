"""One row per piece of long work (a solve, a big import…): who asked, its progress, its result.

The task itself runs on a worker (``django-tasks``: the database backend or RQ on Redis); this
row is what the pages show, what keeps a double click from starting the work twice (``key``,
unique among unfinished jobs) and how a worker that died mid-job is noticed (``heartbeat_at``).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for a worker")
        RUNNING = "running", _("running")
        DONE = "done", _("completed")
        FAILED = "failed", _("failed")

    UNFINISHED = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(_("kind"), max_length=60)
    # What the page calls it ("Calcul des groupes — 2nde pro, période 2"), set at the start.
    title = models.CharField(_("title"), max_length=200, blank=True)
    # Which piece of work this is ("planning.solve:12:r4"): one unfinished job per key.
    key = models.CharField(_("key"), max_length=200)
    # Lower apps never import schools: the school is named by its label.
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
    )
    # The task and its arguments, to run it again after a worker died.
    task_path = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    # The backend's id of the last enqueued task (to ask the queue whether it still holds it).
    task_id = models.CharField(max_length=64, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(_("message"), max_length=200, blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    result_summary = models.TextField(_("result"), blank=True)
    error = models.TextField(_("error"), blank=True)
    # What a job that starts other jobs records of them (``appui.planning.batch``: one entry
    # per school and level, with the child job's id or the reason it could not start).
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(status__in=["queued", "running"]),
                name="jobs_one_unfinished_job_per_key",
            )
        ]
        indexes = [models.Index(fields=["started_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_stale(self) -> bool:
        """Running, but no heartbeat for ``JOBS_STALE_SECONDS``: its worker died."""
        if self.status != self.Status.RUNNING:
            return False
        last = self.heartbeat_at or self.started_at or self.created_at
        return last < timezone.now() - timedelta(seconds=settings.JOBS_STALE_SECONDS)

    @property
    def state(self) -> str:
        """The status, or "stale" for a running job whose worker died."""
        return "stale" if self.is_stale else self.status

    @property
    def state_label(self) -> str:
        if self.is_stale:
            return str(_("abandoned by its worker"))
        return str(self.get_status_display())

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))


class JobFile(models.Model):
    """The file a job produced (a batch of PDFs, a big export), for its page to offer.

    Kept in the database, so that a worker on any machine writes it and any web node serves
    it. The task writes it in one transaction at the end (a worker killed before leaves no
    file, a second attempt replaces it). After ``JOBS_FILE_DAYS`` its content is emptied
    (``manage.py purge_job_files``): the row stays, so the job's page says the file was
    removed rather than nothing.
    """

    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="file")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField(default=b"")
    size = models.PositiveBigIntegerField(_("size"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job file")
        verbose_name_plural = _("job files")
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_available(self) -> bool:
        return self.removed_at is None
