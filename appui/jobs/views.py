from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .access import get_job_for


@login_required
def job_list(request):
    return render(request, "jobs/job_list.html", {"jobs": selectors.recent_jobs_of(request.user)})


@login_required
def job_detail(request, pk: int):
    return render(request, "jobs/job_detail.html", _status_context(get_job_for(request, pk)))


@login_required
def job_status(request, pk: int):
    """Polled by the job page every 2 s while the job is unfinished."""
    return render(request, "jobs/_job_status.html", _status_context(get_job_for(request, pk)))


def _status_context(job) -> dict:
    abandoned = services.job_is_abandoned(job)
    return {"job": job, "abandoned": abandoned, "state": "stale" if abandoned else job.status}


@login_required
@require_POST
def job_restart(request, pk: int):
    job = get_job_for(request, pk)
    if services.job_restart(job=job):
        messages.success(request, _("The job was queued again."))
    else:
        messages.info(request, _("This job is not abandoned: it was left as it is."))
    return redirect("jobs:job-detail", pk=job.pk)
