"""The file a job leaves for download (``JobFile``): written by the task, purged after a while.

A task stores its file with :func:`store_job_file` once the whole content is built, in one
transaction: a worker killed before leaves no file, and a second attempt replaces the first
one's. :func:`purge_job_files` empties the files older than ``JOBS_FILE_DAYS`` days
(``manage.py purge_job_files``, every night by cron).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from .models import JobFile


def store_job_file(job_id: int | None, *, name: str, content_type: str, content: bytes) -> None:
    """Keep ``content`` as the file of job ``job_id`` (nothing for a call outside any job)."""
    if job_id is None:
        return
    with transaction.atomic():
        JobFile.objects.update_or_create(
            job_id=job_id,
            defaults={
                "name": name[:200],
                "content_type": content_type,
                "content": content,
                "size": len(content),
                "created_at": timezone.now(),
                "removed_at": None,
            },
        )


def file_of(job) -> JobFile | None:
    """The file of ``job``, without its content (None: the job left no file)."""
    return JobFile.objects.defer("content").filter(job=job).first()


def file_days() -> int:
    return int(getattr(settings, "JOBS_FILE_DAYS", 7))


@dataclass(frozen=True)
class Purged:
    files: int
    size: int


def files_to_purge(*, days: int | None = None, now: datetime | None = None):
    """The files still held and created more than ``days`` (``JOBS_FILE_DAYS``) days ago."""
    limit = (now or timezone.now()) - timedelta(days=file_days() if days is None else days)
    return JobFile.objects.filter(removed_at__isnull=True, created_at__lt=limit)


def purge_job_files(*, days: int | None = None, now: datetime | None = None) -> Purged:
    """Empty the files older than ``days`` days; the rows stay, marked removed."""
    with transaction.atomic():
        ids = list(files_to_purge(days=days, now=now).values_list("pk", flat=True))
        size = JobFile.objects.filter(pk__in=ids).aggregate(total=Sum("size"))["total"] or 0
        JobFile.objects.filter(pk__in=ids).update(content=b"", removed_at=timezone.now())
    return Purged(files=len(ids), size=size)
