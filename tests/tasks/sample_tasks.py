"""Tasks for the task tests only: each writes auth groups named after its job, in one
transaction at the end, like the real tasks write their results."""

import os
import time
from pathlib import Path

from django.contrib.auth.models import Group
from django.db import transaction
from django_tasks import task

from appui.jobs.services import job_progress


@task()
def count_steps(name: str, steps: int, pause: float = 0.0, job_id: int | None = None) -> int:
    """``steps`` progress steps ``pause`` seconds apart, then ``steps`` groups ``name-i``."""
    with job_progress(job_id) as progress:
        if progress.skip:
            return 0
        for i in range(1, steps + 1):
            progress.step(i, steps, f"étape {i}")
            time.sleep(pause)
        with transaction.atomic():
            for i in range(steps):
                Group.objects.create(name=f"{name}-{i}")
        progress.finish(url="/taches/", summary=f"{steps} groupes créés")
        return steps


@task()
def fails_once(name: str, marker: str, job_id: int | None = None) -> str:
    """Fails on its first attempt (leaving ``marker``), then writes the group ``name``."""
    with job_progress(job_id) as progress:
        if progress.skip:
            return "skipped"
        progress.step(1, 1, "essai")
        if not Path(marker).exists():
            Path(marker).write_text(str(os.getpid()))
            raise RuntimeError("première tentative ratée")
        Group.objects.create(name=name)
        return "ok"


@task()
def refuses(name: str, job_id: int | None = None) -> str:
    """Checks, then refuses the work without raising: the job fails with a message naming
    ``name``; the summary given to ``finish`` before is dropped, nothing is written."""
    with job_progress(job_id) as progress:
        if progress.skip:
            return "skipped"
        progress.step(1, 2, "vérification")
        progress.finish(url="/taches/", summary="ne doit pas rester")
        progress.fail(f"Refusé : {name} a changé.")
        return "refused"
