"""Background tasks of the interop app: a big import applied by a job."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from appui.jobs.services import job_progress

from .models import ImportBatch
from .plan import ImportRefused


@task()
def apply_import(
    batch_id: int, user_id: int | None, choices: dict, job_id: int | None = None
) -> str:
    """Apply the previewed import ``batch_id`` as the job ``job_id`` (``interop.import``).

    ``choices`` are those made when confirming (``skip_invalid``, ``confirmed``); the
    import is checked again and written in one transaction (``services.import_apply``), so
    a worker killed mid-import wrote nothing and the job can run again. Safe to run twice:
    a batch no longer previewed (applied by the first run, cancelled) is left alone.

    The database may have changed since the confirmation: the import is then refused as the
    page refuses it (a new preview is stored on the batch), nothing is written and the job
    fails with the refusal, without any retry (a retry could apply a preview nobody saw).
    Any other failure is retried by the backend; the batch stays previewed.
    """
    from . import services

    with job_progress(job_id) as job:
        if job.skip:
            return "skipped"
        batch = ImportBatch.objects.filter(pk=batch_id).first()
        if batch is None:
            job.finish(summary=_("Nothing to do: this import no longer exists."))
            return "skipped"
        url = reverse("interop:import-preview", args=[batch.pk])
        job.link(url)
        if batch.status != ImportBatch.Status.PREVIEWED:
            job.finish(url=url, summary=_("Nothing to do: this import was applied or cancelled."))
            return "skipped"
        user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
        try:
            services.import_apply(
                batch=batch,
                user=user,
                skip_invalid=bool(choices.get("skip_invalid")),
                confirmed=bool(choices.get("confirmed")),
                step=job.step,
            )
        except ImportRefused as refused:
            # Nothing was written: the job fails with the refusal, and is not retried.
            job.fail(" ".join(refused.messages))
            return "refused"
        job.finish(url=url, summary=_("Import applied: the changes are recorded."))
    return "applied"
