"""Reads of jobs."""

from django.db.models import QuerySet

from .models import Job

RECENT = 50


def recent_jobs_of(user, *, limit: int = RECENT) -> QuerySet[Job]:
    """The jobs ``user`` started, newest first."""
    return Job.objects.filter(started_by=user).order_by("-created_at", "-pk")[:limit]


def latest_job(key_prefix: str) -> Job | None:
    """The newest job whose key starts with ``key_prefix`` (e.g. one plan's solves)."""
    return Job.objects.filter(key__startswith=key_prefix).order_by("-created_at", "-pk").first()
