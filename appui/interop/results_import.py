"""The ``results`` import kind: a diagnosis campaign's results from a spreadsheet.

Reading, matching and writing are :mod:`appui.diagnostics.imports` (plain functions of the
lower layer); this module turns its plan into the :class:`~appui.interop.plan.Plan` every
import shows, so results go through the same upload → preview → confirm → stale-preview
flow, page and command as the other kinds. Rows in error are *skippable*: the user may
choose to import the valid rows only.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from appui.diagnostics.imports import (
    CHANGED,
    CREATED,
    UNCHANGED,
    ApplyOutcome,
    ImportPlan,
    not_open_message,
    plan_lines,
    results_import_analyse,
    results_write,
)
from appui.diagnostics.models import Campaign

from .plan import CHANGED as PLAN_CHANGED
from .plan import NEW, Change, Entry, Importer, ImportRefused, Plan
from .plan import UNCHANGED as PLAN_UNCHANGED


class ResultsImport(Importer):
    """A results file checked against one campaign, and how to write its valid rows."""

    def __init__(self, campaign: Campaign, content: bytes, file_name: str) -> None:
        self.campaign = campaign
        self.school = campaign.year.school
        if not campaign.is_open:
            message = not_open_message(campaign)
            raise ImportRefused(message[:1].upper() + message[1:], "Rien n'a été importé.")
        # Applying runs inside a transaction: the stored results are then locked until the
        # write, so a cell saved from the grid meanwhile cannot be overwritten unseen.
        lock = transaction.get_connection().in_atomic_block
        if lock:
            Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        self.results = results_import_analyse(
            campaign=campaign, content=content, file_name=file_name, lock=lock
        )
        self.plan = to_plan(self.results)
        self.outcome: ApplyOutcome | None = None

    def write(self, *, user=None):
        try:
            with transaction.atomic():
                self.outcome = results_write(self.results, user)
        except IntegrityError as error:
            # A teacher saved a cell of the grid between our read and our write.
            raise ImportRefused(
                "Des résultats ont été saisis pendant l'import : rien n'a été enregistré, "
                "relancez l'import."
            ) from error
        return self.school

    def lines(self) -> list[str]:
        return list(plan_lines(self.results))

    def refusal(self, *, skip_invalid: bool = False) -> list[str]:
        if self.results.blocked:
            # Say what is wrong with the file as a whole: it is short, and the user has no
            # table of rows to look at on the command line.
            reasons = [
                issue.message[:1].upper() + issue.message[1:]
                for issue in self.results.file_issues
                if issue.is_error
            ]
            return [*reasons, "Rien n'a été enregistré."]
        return super().refusal(skip_invalid=skip_invalid)

    def done_text(self) -> str:
        outcome = self.outcome
        assert outcome is not None
        return (
            f"Import enregistré : {outcome.created} résultats créés, "
            f"{outcome.changed} modifiés, {outcome.unchanged} inchangés, "
            f"{outcome.skipped_rows} lignes en erreur ignorées ; "
            f"{outcome.students} profils de besoins recalculés."
        )

    def batch_links(self) -> dict:
        return {"campaign": self.campaign}


def to_plan(results: ImportPlan) -> Plan:
    """The results plan as the preview every import shows: facts, one section, issues."""
    campaign = results.campaign
    plan = Plan("results", results.file_name)
    plan.facts.append(("Campagne", f"{campaign.name} ({campaign.level.name})"))
    table = results.table
    if table is not None:
        described = table.format.value.upper()
        if table.encoding:
            separator = "tabulation" if table.delimiter == "\t" else f"« {table.delimiter} »"
            described += f", encodage {table.encoding}, séparateur {separator}"
        plan.facts.append(("Format", described))
        plan.facts.append(("Lignes", str(len(table.rows))))
    if results.identity:
        plan.facts.append(
            (
                "Identification",
                ", ".join(f"{h.text} ({h.letter})" for h in results.identity.values()),
            )
        )
    if results.columns:
        plan.facts.append(
            (
                "Compétences",
                ", ".join(f"{c.competency.code} ({c.header.letter})" for c in results.columns),
            )
        )
    for header, reason in results.ignored:
        plan.facts.append(("Colonne ignorée", f"{header.text} ({header.letter}) — {reason}"))
    plan.issues.extend(results.issues)
    plan.skippable_lines = {row.line for row in results.error_rows}
    if table is None or results.blocked:
        return plan
    section = plan.section("results", "Résultats")
    statuses = {CREATED: NEW, CHANGED: PLAN_CHANGED, UNCHANGED: PLAN_UNCHANGED}
    for row in results.valid_rows:
        student = row.student
        assert student is not None
        changes = [cell for cell in row.cells if cell.status != UNCHANGED]
        section.unchanged(row.count(UNCHANGED))
        for cell in changes:
            section.counts[statuses[cell.status]] += 1
        if changes:
            section.entries.append(
                Entry(
                    status=NEW if all(c.status == CREATED for c in changes) else PLAN_CHANGED,
                    label=student.full_name,
                    context=student.division.code if student.division else "",
                    changes=[Change(c.competency.code, c.old or "—", c.new) for c in changes],
                    line=row.line,
                )
            )
    return plan
