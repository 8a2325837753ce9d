"""Who may follow a job: the person who started it, and the head and the whole-school
coordinators of its school (a solve started by a colleague is linked from the plan page they
share). Anyone else gets a 404.

jobs sits below schools: the memberships are read by their field names (``role``,
``levels``, the ``schools.Membership.Role`` values), not imported.
"""

from django.db.models import Q
from django.http import Http404

from .models import Job

#: Members who see every job of their school: the head, a coordinator without level limits.
SCHOOL_WIDE = Q(role="head") | Q(role="coordinator", levels__isnull=True)


def can_view(user, job: Job) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if job.started_by_id == user.pk:
        return True
    return job.school_id is not None and (
        user.memberships.filter(SCHOOL_WIDE, school_id=job.school_id).exists()
    )


def get_job_for(request, pk: int) -> Job:
    """The job, or 404 for anyone who may not follow it (its existence is not revealed)."""
    job = Job.objects.select_related("started_by").filter(pk=pk).first()
    if job is None or not can_view(request.user, job):
        raise Http404
    return job
