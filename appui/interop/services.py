"""Imports: read a file, show its preview, apply it in one transaction — or cancel it.

The same steps serve the web pages (:func:`import_preview`, then :func:`import_apply` or
:func:`import_cancel`), the management commands and the bench (:func:`import_run`).
:func:`analyse` reads the file with the parsers of :mod:`appui.core.io` and plans the import
against the database without writing; a file that cannot be read as a whole, or that belongs
to another school or year, is refused with :class:`~appui.interop.plan.ImportRefused` and its
French reasons. Applying re-reads the stored file inside the transaction, so what is written
is what the database holds at that moment; if that differs from the preview the user saw,
nothing is written and the new preview is shown instead. A big file
(:func:`applies_in_background`) is checked the same way on confirmation
(:func:`import_confirm`), then applied by a background job (``tasks.apply_import``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appui.core.io.errors import ImportFileError
from appui.jobs.models import Job
from appui.jobs.services import job_is_abandoned, start_job
from appui.schools.changes import mark_changed
from appui.schools.models import Period, School
from appui.schools.services import ChangedMeanwhile, text_version

from .analyze import analyze_after_import
from .models import ImportBatch, LsuCouncil, LsuSettings
from .plan import Importer, ImportRefused, Plan
from .registry import FROM_FILE, KINDS

__all__ = [
    "FROM_FILE",
    "ImportRefused",
    "PreviewOutdated",
    "analyse",
    "applies_in_background",
    "import_apply",
    "import_cancel",
    "import_confirm",
    "import_preview",
    "import_run",
    "import_start",
]


def analyse(
    kind: str,
    *,
    school,
    content: bytes,
    file_name: str,
    extra_content: bytes | None = None,
    extra_name: str = "",
    options: dict | None = None,
) -> Importer:
    """The importer of ``kind`` (its registry entry's analyser) with its plan; writes nothing.

    ``school`` is the school imported into; ``None`` lets a SIECLE import create the school
    its file names; :data:`FROM_FILE` takes the school the file gives.
    """
    entry = KINDS.get(kind)
    if entry is None:
        raise ImportRefused(f"Type d'import inconnu : {kind}.")
    try:
        return entry.analyse(
            school=school,
            content=content,
            file_name=file_name,
            extra_content=extra_content,
            extra_name=extra_name,
            options=options or {},
        )
    except ImportFileError as error:
        raise ImportRefused(
            *(str(issue) for issue in error.issues), "Rien n'a été importé."
        ) from error


def _new_batch(*, importer: Importer, kind: str, user, **fields) -> ImportBatch:
    batch = ImportBatch(
        kind=kind,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        **importer.batch_links(),
        **fields,
    )
    batch.full_clean(exclude=["content", "extra_content", "school", "uploaded_by"])
    batch.save()
    return batch


def import_preview(
    *,
    kind: str,
    # A school, or FROM_FILE: the one the file names (a new one when it is unknown).
    school: School | object | None,
    user,
    content: bytes,
    file_name: str,
    extra_content: bytes | None = None,
    extra_name: str = "",
    options: dict | None = None,
    may_import_into: Callable[[School], bool] | None = None,
) -> ImportBatch:
    """Read and plan the file, keep it with its preview; raises ImportRefused.

    With ``school=FROM_FILE`` the file's school is imported into only if
    ``may_import_into`` allows it; a SIECLE file of an unknown UAI plans to create it (the
    batch has no school until it is applied).
    """
    importer = analyse(
        kind,
        school=school,
        content=content,
        file_name=file_name,
        extra_content=extra_content,
        extra_name=extra_name,
        options=options,
    )
    if school is FROM_FILE:
        school = None if getattr(importer, "creates_school", False) else importer.school
        if school is not None and may_import_into is not None and not may_import_into(school):
            raise ImportRefused(
                f"L'établissement {school.uai} ({school.name}) existe déjà dans appui : son "
                "chef d'établissement seul y importe ce fichier. Rien n'a été importé."
            )
    return _new_batch(
        importer=importer,
        kind=kind,
        user=user,
        school=school,
        file_name=file_name[:255],
        content=content,
        extra_name=extra_name[:255],
        extra_content=extra_content,
        options=options or {},
        summary=importer.plan.summary(),
    )


class PreviewOutdated(ImportRefused):
    """The database changed since the preview: ``summary`` is the new preview."""

    def __init__(self, summary: dict) -> None:
        super().__init__(
            "Les données d'appui ont changé depuis l'aperçu : vérifiez le nouvel aperçu "
            "ci-dessous, puis confirmez de nouveau. Rien n'a été enregistré."
        )
        self.summary = summary


T = TypeVar("T")
#: Reports a step of an import applied by a job: ``step(done, total, message)``.
StepReport = Callable[[int, int, str], None]
#: The steps an import applied by a job reports.
APPLY_STEPS = 3


def applies_in_background(batch: ImportBatch) -> bool:
    """Whether confirming ``batch`` starts a background job rather than applying it during
    the request: its preview counted ``IMPORT_BACKGROUND_ROWS`` records or more."""
    return batch.record_count >= settings.IMPORT_BACKGROUND_ROWS


def import_confirm(
    *, batch: ImportBatch, user, skip_invalid: bool = False, confirmed: bool = False
) -> Job | None:
    """The preview's confirmation: a small import is applied now (None is returned), a big
    one (:func:`applies_in_background`) is checked now and applied by the job returned.

    Both refuse with :class:`ImportRefused` exactly as :func:`import_apply` does, before
    anything is written or started. While the batch's job is unfinished, confirming again
    starts nothing and returns that job.
    """
    if not applies_in_background(batch):
        import_apply(batch=batch, user=user, skip_invalid=skip_invalid, confirmed=confirmed)
        return None
    return import_start(batch=batch, user=user, skip_invalid=skip_invalid, confirmed=confirmed)


def import_start(
    *, batch: ImportBatch, user, skip_invalid: bool = False, confirmed: bool = False
) -> Job:
    """Check a previewed import as :func:`import_apply` does, then start the job that applies
    it (``interop.tasks.apply_import``, with the same choices); raises ImportRefused.

    Returns the batch's unfinished job instead when there is one (a double click, the form
    posted again): one job per batch at a time.
    """
    return _outdated_kept(
        _start, batch=batch, user=user, skip_invalid=skip_invalid, confirmed=confirmed
    )


def import_apply(
    *,
    batch: ImportBatch,
    user,
    skip_invalid: bool = False,
    confirmed: bool = False,
    step: StepReport | None = None,
) -> Importer:
    """Apply a previewed import in one transaction; raises ImportRefused (nothing written).

    ``skip_invalid`` leaves out the rows in error a kind allows to skip (results files);
    ``confirmed`` is the second, explicit confirmation a plan with
    :attr:`~appui.interop.plan.Plan.confirmations` needs (many students leaving, an older
    export).
    If the database changed since the preview, nothing is written: :class:`PreviewOutdated`
    carries the new preview, which is stored on the batch for the page to show.
    ``step`` receives the progress (a job's ``Progress.step``).
    """
    return _outdated_kept(
        _apply,
        batch=batch,
        user=user,
        skip_invalid=skip_invalid,
        confirmed=confirmed,
        step=step,
    )


def _outdated_kept(action: Callable[..., T], /, **kwargs) -> T:
    """``action(**kwargs)``; the new preview of a :class:`PreviewOutdated` it raises is
    stored on ``kwargs["batch"]`` (after its transaction was rolled back), then the refusal
    goes on."""
    try:
        return action(**kwargs)
    except PreviewOutdated as outdated:
        batch = kwargs["batch"]
        batch.summary = outdated.summary
        ImportBatch.objects.filter(pk=batch.pk).update(summary=outdated.summary)
        raise


def _after_write(school) -> None:
    """An import wrote in bulk (no model signals): the school's dashboards are stale, and
    the database's statistics are refreshed once the import's transaction commits."""
    mark_changed(getattr(school, "pk", None))
    transaction.on_commit(analyze_after_import)


def _checked(batch: ImportBatch, *, skip_invalid: bool, confirmed: bool) -> Importer:
    """The importer of a batch locked for update, read again against the database, once
    every check passed: still previewed, the same counts as the preview, no refusal."""
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise ImportRefused("Cet import a déjà été appliqué ou annulé.")
    importer = analyse(
        batch.kind,
        school=batch.school,
        content=bytes(batch.content),
        file_name=batch.file_name,
        extra_content=bytes(batch.extra_content) if batch.extra_content else None,
        extra_name=batch.extra_name,
        options=batch.options,
    )
    plan = importer.plan
    if plan.counts() != batch.summary.get("counts"):
        raise PreviewOutdated(plan.summary())
    refusal = importer.refusal(skip_invalid=skip_invalid) or plan.unconfirmed(confirmed=confirmed)
    if refusal:
        raise ImportRefused(*refusal)
    return importer


@transaction.atomic
def _start(*, batch: ImportBatch, user, skip_invalid: bool, confirmed: bool) -> Job:
    from .tasks import apply_import

    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    running = locked.applying_job
    if running is not None and not job_is_abandoned(running):
        batch.job = running
        return running  # started already: the page follows it (an abandoned one starts again)
    _checked(locked, skip_invalid=skip_invalid, confirmed=confirmed)
    job = start_job(
        "interop.import",
        f"interop.import:{locked.pk}",
        apply_import,
        locked.pk,
        getattr(user, "pk", None),
        {"skip_invalid": skip_invalid, "confirmed": confirmed},
        title=f"Import {locked.kind_label} — {locked.file_name}",
        school=locked.school,
        user=user,
    )
    ImportBatch.objects.filter(pk=locked.pk).update(job=job)
    batch.job = job
    return job


@transaction.atomic
def _apply(
    *, batch: ImportBatch, user, skip_invalid: bool, confirmed: bool, step: StepReport | None
) -> Importer:
    report = step or (lambda done, total, message: None)
    report(1, APPLY_STEPS, _("Reading the file and comparing it with appui's data"))
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    importer = _checked(batch, skip_invalid=skip_invalid, confirmed=confirmed)
    plan = importer.plan
    report(2, APPLY_STEPS, _("Recording the data"))
    school = importer.write(user=user)
    report(3, APPLY_STEPS, _("Updating the dashboards and the statistics"))
    _after_write(school)
    summary = plan.summary()
    summary["applied"] = True
    summary["skipped_rows"] = len(plan.skippable_lines)
    ImportBatch.objects.filter(pk=batch.pk).update(
        school=school,
        status=ImportBatch.Status.APPLIED,
        applied_at=timezone.now(),
        summary=summary,
    )
    return importer


@transaction.atomic
def import_cancel(*, batch: ImportBatch) -> None:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise ImportRefused("Cet import a déjà été appliqué ou annulé.")
    batch.status = ImportBatch.Status.CANCELLED
    batch.save(update_fields=["status"])


@dataclass
class RunOutcome:
    plan: Plan
    applied: bool
    school: School | None
    importer: Importer


def import_run(
    *,
    kind: str,
    school,
    content: bytes,
    file_name: str,
    extra_content: bytes | None = None,
    extra_name: str = "",
    options: dict | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    confirmed: bool = False,
    user=None,
    report: Callable[[Importer], None] | None = None,
) -> RunOutcome:
    """Plan and, unless ``dry_run``, apply an import in one go (commands, bench).

    The plan is computed inside the transaction that writes it; ``report`` receives the
    importer before anything is written. A plan that cannot be applied raises ImportRefused
    after the report (a dry run too: it says whether the real run would go through); so
    does a plan that needs a second confirmation without ``confirmed``.
    """
    with transaction.atomic():
        importer = analyse(
            kind,
            school=school,
            content=content,
            file_name=file_name,
            extra_content=extra_content,
            extra_name=extra_name,
            options=options,
        )
        plan = importer.plan
        if report is not None:
            report(importer)
        refusal = importer.refusal(skip_invalid=skip_invalid) or plan.unconfirmed(
            confirmed=confirmed
        )
        if refusal:
            raise ImportRefused(*refusal)
        if dry_run:
            return RunOutcome(plan=plan, applied=False, school=importer.school, importer=importer)
        written = importer.write(user=user)
        _after_write(written)
        summary = plan.summary()
        summary["applied"] = True
        summary["skipped_rows"] = len(plan.skippable_lines)
        _new_batch(
            importer=importer,
            kind=kind,
            user=user,
            school=written,
            file_name=file_name[:255],
            content=content,
            extra_name=extra_name[:255],
            extra_content=extra_content,
            options=options or {},
            status=ImportBatch.Status.APPLIED,
            applied_at=timezone.now(),
            summary=summary,
        )
        return RunOutcome(plan=plan, applied=True, school=written, importer=importer)


def lsu_settings_version(period: Period) -> str:
    """The version the LSU settings form carries: a fingerprint of the period's settings and
    class councils (they keep no last-change time, and the settings may not exist yet)."""
    settings = (
        LsuSettings.objects.filter(period=period)
        .values_list("manager_id", "locked_on", "lsu_index", "lsu_count")
        .first()
    )
    councils = LsuCouncil.objects.filter(period=period).order_by("division_id")
    return text_version(repr((settings, list(councils.values_list("division_id", "date")))))


@transaction.atomic
def lsu_settings_save(*, form, period, councils: dict, version: str | None = None) -> None:
    """Save the LSU settings form of ``period`` and its class councils, one transaction.

    ``councils`` maps division ids to a date, or None when the user emptied the date (its
    council is then removed: the user's explicit choice). Refused (``ChangedMeanwhile``,
    nothing written) if the settings or councils changed since ``version``, their
    ``lsu_settings_version`` when the form was opened; ``None`` skips the check.
    """
    Period.objects.select_for_update().get(pk=period.pk)
    if version is not None and lsu_settings_version(period) != version:
        raise ChangedMeanwhile()
    form.save()
    existing = {
        council.division_id: council
        for council in LsuCouncil.objects.filter(period=period, division_id__in=list(councils))
    }
    for division_id, value in councils.items():
        council = existing.get(division_id)
        if value is None:
            if council is not None:
                council.delete()
        elif council is None:
            LsuCouncil.objects.create(period=period, division_id=division_id, date=value)
        elif council.date != value:
            council.date = value
            council.save(update_fields=["date"])
