from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .access import get_job_for
from .files import file_days, file_of
from .models import Job, JobFile


@login_required
def job_list(request):
    jobs = list(selectors.recent_jobs_of(request.user))
    # Each job's file, if any, without its content: the list only links it.
    prefetch_related_objects(jobs, Prefetch("file", queryset=JobFile.objects.defer("content")))
    return render(request, "jobs/job_list.html", {"jobs": jobs})


@login_required
def job_detail(request, pk: int):
    return render(request, "jobs/job_detail.html", _status_context(get_job_for(request, pk)))


@login_required
def job_status(request, pk: int):
    """Polled by the job page every 2 s while the job is unfinished."""
    return render(request, "jobs/_job_status.html", _status_context(get_job_for(request, pk)))


def _status_context(job) -> dict:
    abandoned = services.job_is_abandoned(job)
    return {
        "job": job,
        "abandoned": abandoned,
        "state": "stale" if abandoned else job.status,
        "job_file": file_of(job) if job.status == Job.Status.DONE else None,
        "file_days": file_days(),
    }


@login_required
def job_file(request, pk: int):
    """The file a finished job left, to whoever may follow the job (404 otherwise, and once
    the file was removed)."""
    job = get_job_for(request, pk)
    stored = (
        JobFile.objects.filter(job=job, removed_at__isnull=True).first()
        if job.status == Job.Status.DONE
        else None
    )
    if stored is None:
        raise Http404
    response = HttpResponse(bytes(stored.content), content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition_header(True, stored.name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def job_restart(request, pk: int):
    job = get_job_for(request, pk)
    if services.job_restart(job=job):
        messages.success(request, _("The job was queued again."))
    else:
        messages.info(request, _("This job is not abandoned: it was left as it is."))
    return redirect("jobs:job-detail", pk=job.pk)
