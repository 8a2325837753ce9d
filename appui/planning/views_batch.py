"""Batch regrouping pages (``batch.py``): confirm and start for the school (head, whole-school
coordinator) or for every school of the académies one administers; follow the batch."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from appui.jobs.access import can_view
from appui.jobs.models import Job
from appui.schools.access import school_access
from appui.schools.models import Membership, School
from appui.schools.selectors import administered_academies

from . import batch


@login_required
def batch_school(request):
    """« Proposer les groupes de la période suivante pour tous les niveaux » of the school."""
    access = school_access(request, lambda a: a.coordinates_whole_school)
    return _confirm_or_start(request, [access.school], scope="school")


@login_required
def batch_academy(request):
    """The same for every school of the académies the user administers."""
    academies = administered_academies(request.user)
    if not academies.exists():
        raise PermissionDenied
    schools = list(School.objects.filter(academy__in=academies).order_by("name"))
    return _confirm_or_start(request, schools, scope="academy", academies=list(academies))


def _confirm_or_start(request, schools, *, scope: str, academies=()):
    if request.method == "POST" and schools:
        job = batch.batch_propose(schools=schools, user=request.user)
        return redirect("planning:batch-detail", job.pk)
    return render(
        request,
        "planning/batch_confirm.html",
        {
            "scope": scope,
            "schools": schools,
            "academies": academies,
            "estimate": batch.batch_estimate(schools),
        },
    )


def _get_batch(request, pk: int) -> Job:
    job = Job.objects.filter(pk=pk, kind=batch.KIND).select_related("started_by").first()
    if job is None or not can_view(request.user, job):
        raise Http404
    return job


def _status_context(request, job: Job) -> dict:
    status = batch.batch_status(job)
    # Plan pages show pupils' names: linked only for the schools the user coordinates.
    linkable = set(
        Membership.objects.filter(
            user=request.user, role__in=[Membership.Role.HEAD, Membership.Role.COORDINATOR]
        ).values_list("school_id", flat=True)
    )
    return {"job": job, "status": status, "linkable": linkable}


@login_required
def batch_detail(request, pk: int):
    job = _get_batch(request, pk)
    return render(request, "planning/batch_detail.html", _status_context(request, job))


@login_required
def batch_poll(request, pk: int):
    """Polled by the batch page every 3 s until every solve has finished."""
    job = _get_batch(request, pk)
    return render(request, "planning/_batch_status.html", _status_context(request, job))
