"""Imports: read a file, show its preview, apply it in one transaction — or cancel it.

The same steps serve the web pages (:func:`import_preview`, then :func:`import_apply` or
:func:`import_cancel`), the management commands and the bench (:func:`import_run`).
:func:`analyse` reads the file with the parsers of :mod:`appui.core.io` and plans the import
against the database without writing; a file that cannot be read as a whole, or that belongs
to another school or year, is refused with :class:`~appui.interop.plan.ImportRefused` and its
French reasons. Applying re-reads the stored file inside the transaction, so what is written
is what the database holds at that moment; if that differs from the preview the user saw,
nothing is written and the new preview is shown instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from appui.core.io.errors import ImportFileError
from appui.core.io.siecle import parse_nomenclature, parse_siecle
from appui.core.io.sts import parse_sts
from appui.core.io.tabular import read_table
from appui.schools.models import School

from .lsu_import import LsuTableImport
from .models import ImportBatch, LsuCouncil
from .plan import ImportRefused, Plan
from .siecle_import import SiecleImport
from .sts_import import StsImport
from .table_import import StaffTableImport, StudentTableImport

Kind = ImportBatch.Kind

#: Largest file accepted; ``ElevesAvecAdresses.xml`` for 3,000 students is about 15 MB.
MAX_UPLOAD_BYTES = 60 * 1024 * 1024

#: ``school=FROM_FILE``: the school is the one whose UAI the file names (commands).
FROM_FILE = object()


def analyse(
    kind: str,
    *,
    school,
    content: bytes,
    file_name: str,
    extra_content: bytes | None = None,
    extra_name: str = "",
    options: dict | None = None,
):
    """The importer for ``kind`` with its :class:`~appui.interop.plan.Plan` (nothing written).

    ``school`` is the school imported into; ``None`` lets a SIECLE import create the school
    its file names; :data:`FROM_FILE` takes the school whose UAI the file gives.
    """
    options = options or {}
    try:
        if kind == Kind.SIECLE:
            export = parse_siecle(content, file_name)
            nomenclature = (
                parse_nomenclature(extra_content, extra_name or "Nomenclature.xml")
                if extra_content
                else None
            )
            if school is FROM_FILE:
                school = School.objects.filter(uai=export.parameters.uai).first()
            return SiecleImport(
                export,
                school=school,
                nomenclature=nomenclature,
                school_name=options.get("school_name", ""),
                holiday_zone=options.get("holiday_zone", ""),
            )
        if kind == Kind.STS:
            export = parse_sts(content, file_name)
            if school is FROM_FILE:
                school = School.objects.filter(uai=export.parameters.uai).first()
            if school is None:
                raise ImportRefused(
                    f"L'établissement {export.parameters.uai} n'est pas dans appui : importez "
                    "d'abord ses élèves depuis SIECLE. Rien n'a été importé."
                )
            return StsImport(export, school=school)
        table = read_table(content, file_name)
        if school is None or school is FROM_FILE:
            raise ImportRefused("Choisissez l'établissement dans lequel importer ce fichier.")
        if kind == Kind.LSU:
            return LsuTableImport(table, school=school, period_id=options.get("period"))
        importer = StudentTableImport if kind == Kind.STUDENTS else StaffTableImport
        return importer(table, school=school, absent_left=bool(options.get("absent_left")))
    except ImportFileError as error:
        raise ImportRefused(
            *(str(issue) for issue in error.issues), "Rien n'a été importé."
        ) from error


def import_preview(
    *,
    kind: str,
    school: School | None,
    user,
    content: bytes,
    file_name: str,
    extra_content: bytes | None = None,
    extra_name: str = "",
    options: dict | None = None,
) -> ImportBatch:
    """Read and plan the file, keep it with its preview; raises ImportRefused."""
    importer = analyse(
        kind,
        school=school,
        content=content,
        file_name=file_name,
        extra_content=extra_content,
        extra_name=extra_name,
        options=options,
    )
    return ImportBatch.objects.create(
        school=school,
        kind=kind,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
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


def import_apply(*, batch: ImportBatch, user) -> Plan:
    """Apply a previewed import in one transaction; raises ImportRefused (nothing written)."""
    try:
        plan = _apply(batch=batch, user=user)
    except PreviewOutdated as outdated:
        batch.summary = outdated.summary
        batch.save(update_fields=["summary"])
        raise
    return plan


@transaction.atomic
def _apply(*, batch: ImportBatch, user) -> Plan:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
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
    if plan.blocked:
        raise ImportRefused(
            "Le fichier contient des erreurs : corrigez-les, puis importez-le de nouveau. "
            "Rien n'a été enregistré."
        )
    if plan.counts() != batch.summary.get("counts"):
        raise PreviewOutdated(plan.summary())
    school = importer.write(user=user)
    summary = plan.summary()
    summary["applied"] = True
    ImportBatch.objects.filter(pk=batch.pk).update(
        school=school,
        status=ImportBatch.Status.APPLIED,
        applied_at=timezone.now(),
        summary=summary,
    )
    return plan


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
    user=None,
    report: Callable[[Plan], None] | None = None,
) -> RunOutcome:
    """Plan and, unless ``dry_run``, apply an import in one go (commands, bench).

    The plan is computed inside the transaction that writes it; ``report`` receives it before
    anything is written. A blocked plan raises ImportRefused after the report.
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
            report(plan)
        if plan.blocked:
            raise ImportRefused(
                "Le fichier contient des erreurs : rien n'a été enregistré. Corrigez-les, puis "
                "importez-le de nouveau."
            )
        if dry_run:
            return RunOutcome(plan=plan, applied=False, school=importer.school)
        written = importer.write(user=user)
        summary = plan.summary()
        summary["applied"] = True
        ImportBatch.objects.create(
            school=written,
            kind=kind,
            uploaded_by=user if getattr(user, "is_authenticated", False) else None,
            file_name=file_name[:255],
            content=content,
            extra_name=extra_name[:255],
            extra_content=extra_content,
            options=options or {},
            status=ImportBatch.Status.APPLIED,
            applied_at=timezone.now(),
            summary=summary,
        )
        return RunOutcome(plan=plan, applied=True, school=written)


@transaction.atomic
def lsu_settings_save(*, form, period, councils: dict) -> None:
    """Save the LSU settings form of ``period`` and its class councils, one transaction.

    ``councils`` maps division ids to a date, or None when the user emptied the date (its
    council is then removed: the user's explicit choice).
    """
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
