"""RQ queue used by the ``django_tasks_rq`` backend (``settings.RQ["QUEUE_CLASS"]``).

``django_tasks_rq`` creates its jobs without RQ's ``Retry``; this queue gives every job one,
``JOBS_MAX_ATTEMPTS`` attempts in all with the ``JOBS_RETRY_DELAYS`` pauses between them. RQ
then runs a failed job again, and also a job whose worker died mid-job (once a later worker's
maintenance finds it abandoned). The task bodies are idempotent (``appui.jobs.services``), so
a second run after all does nothing.
"""

from django.conf import settings
from django_rq.queues import DjangoRQ
from rq import Retry


class RetryingQueue(DjangoRQ):
    def create_job(self, *args, **kwargs):
        if kwargs.get("retry") is None and settings.JOBS_MAX_ATTEMPTS > 1:
            delays = list(settings.JOBS_RETRY_DELAYS) or [0]
            kwargs["retry"] = Retry(max=settings.JOBS_MAX_ATTEMPTS - 1, interval=delays)
        return super().create_job(*args, **kwargs)
