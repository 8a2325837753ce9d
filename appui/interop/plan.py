"""What an import would do, shown before anything is written.

Every import (SIECLE, STS-web, spreadsheets) reads its file, matches it with the database and
describes the result as a :class:`Plan`: facts about the file (school, year…), one
:class:`Section` per kind of record (students, staff, teachings…) with its entries — new,
changed field by field, leaving, unchanged — and every problem found as an
:class:`~appui.core.io.errors.ImportIssue` naming file, line and field. The web preview, the
management commands and the stored summary all come from the same plan, so they say the
same thing.

Texts are French: they describe a French user's files (as :mod:`appui.core.io` does) and the
commands print them as they are.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from appui.core.io.errors import ImportIssue

if TYPE_CHECKING:
    from appui.schools.models import School

NEW, CHANGED, LEAVING, UNCHANGED, KEPT = "new", "changed", "leaving", "unchanged", "kept"
STATUSES = (NEW, CHANGED, LEAVING, UNCHANGED, KEPT)

#: Entries detailed per section and status in a stored preview; counts cover everything.
MAX_DETAILS = 300
#: Issues kept in a stored preview (the commands print them all).
MAX_ISSUES = 500

_MARKS = {NEW: "+", CHANGED: "~", LEAVING: "-", UNCHANGED: "=", KEPT: "·"}
_COUNT_WORDS = {
    NEW: ("nouveau", "nouveaux"),
    CHANGED: ("modifié", "modifiés"),
    LEAVING: ("sortant", "sortants"),
    UNCHANGED: ("inchangé", "inchangés"),
    KEPT: ("absent du fichier, conservé", "absents du fichier, conservés"),
}


def show(value: object) -> str:
    """A value as the preview prints it: dates ``JJ/MM/AAAA``, decimal comma, nothing as ``—``."""
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}".replace(".", ",")
    return str(value)


@dataclass(frozen=True, slots=True)
class Change:
    """One field of one record: its French name, the value stored, the value of the file."""

    field: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.field} « {self.old} » → « {self.new} »"


@dataclass(slots=True)
class Entry:
    """One record of the file (or of the database, for those leaving)."""

    status: str
    label: str
    context: str = ""
    changes: list[Change] = field(default_factory=list)
    note: str = ""
    line: int | None = None

    def text(self) -> str:
        """One line for the command's output."""
        parts = [self.label + (f" ({self.context})" if self.context else "")]
        details = [str(change) for change in self.changes]
        if self.note:
            details.append(self.note)
        if details:
            parts.append(" ; ".join(details))
        return " : ".join(parts)


@dataclass(slots=True)
class Section:
    """The records of one kind: counts per status and the detail of what changes."""

    key: str
    title: str
    entries: list[Entry] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    def add(self, entry: Entry) -> Entry:
        self.counts[entry.status] += 1
        if entry.status != UNCHANGED:
            self.entries.append(entry)
        return entry

    def unchanged(self, number: int = 1) -> None:
        """Count records that stay as they are (they are not listed)."""
        self.counts[UNCHANGED] += number

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count_text(self) -> str:
        """``3 nouveaux, 1 modifié, 0 sortant, 12 inchangés``."""
        parts = []
        for status in STATUSES:
            number = self.counts[status]
            if status == KEPT and not number:
                continue
            singular, plural = _COUNT_WORDS[status]
            parts.append(f"{number} {plural if number > 1 else singular}")
        return ", ".join(parts)


@dataclass(slots=True)
class Plan:
    """Everything the preview shows about one file."""

    kind: str
    file_name: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    #: Data lines in error that the import can leave out when the user chooses to (results
    #: files: one bad row should not hold back a class). Errors elsewhere block the import.
    skippable_lines: set[int] = field(default_factory=set)
    #: Consequences of a file that looks wrong though it reads well (it would make many
    #: students leave, it is older than the last import…), in French: applying it needs a
    #: second, explicit confirmation (the preview's checkbox, the command's ``--force``).
    confirmations: list[str] = field(default_factory=list)

    def section(self, key: str, title: str) -> Section:
        """The section ``key``, created (in order) on first use."""
        for section in self.sections:
            if section.key == key:
                return section
        section = Section(key, title)
        self.sections.append(section)
        return section

    @property
    def blocked(self) -> bool:
        """True when an error forbids applying the import (skipping rows would not help)."""
        return any(
            issue.is_error and issue.line not in self.skippable_lines for issue in self.issues
        )

    def refusal(self, *, skip_invalid: bool = False) -> list[str]:
        """Why this plan cannot be applied (French sentences), or an empty list."""
        if self.blocked:
            return [
                "Le fichier contient des erreurs : corrigez-les, puis importez-le de nouveau. "
                "Rien n'a été enregistré."
            ]
        errors = len(self.skippable_lines)
        if errors and not skip_invalid:
            lines = sorted(self.skippable_lines)
            shown = ", ".join(str(line) for line in lines[:10]) + (" …" if errors > 10 else "")
            plural = "s" if errors > 1 else ""
            return [
                f"{errors} ligne{plural} en erreur (ligne{plural} {shown}) : rien n'a été "
                "enregistré. Corrigez le fichier, ou cochez « ignorer les lignes en erreur » "
                "pour importer seulement les lignes valides."
            ]
        return []

    def unconfirmed(self, *, confirmed: bool = False) -> list[str]:
        """Why this plan needs the second confirmation it was not given, or an empty list."""
        if not self.confirmations or confirmed:
            return []
        return [
            *self.confirmations,
            "Cet import demande une seconde confirmation explicite : rien n'a été enregistré.",
        ]

    @property
    def changes_anything(self) -> bool:
        return any(
            section.counts[status]
            for section in self.sections
            for status in (NEW, CHANGED, LEAVING)
        )

    def counts(self) -> dict[str, dict[str, int]]:
        """Counts per section and status: what the apply step compares with the preview."""
        return {
            section.key: {status: section.counts[status] for status in STATUSES}
            for section in self.sections
        }

    def summary(self) -> dict:
        """A JSON-serialisable preview, stored on the import batch."""
        errors = sum(1 for issue in self.issues if issue.is_error)
        return {
            "kind": self.kind,
            "file": self.file_name,
            "facts": [list(fact) for fact in self.facts],
            "blocked": self.blocked,
            "changes_anything": self.changes_anything,
            "counts": self.counts(),
            "sections": [_section_json(section) for section in self.sections],
            "issues": [issue_json(issue) for issue in self.issues[:MAX_ISSUES]],
            "issue_count": len(self.issues),
            "skippable_rows": len(self.skippable_lines),
            "confirmations": list(self.confirmations),
            "error_count": errors,
            "warning_count": len(self.issues) - errors,
        }

    def lines(self) -> list[str]:
        """The preview as text, for the management commands."""
        out = [f"Fichier : {self.file_name}"]
        out += [f"{label} : {value}" for label, value in self.facts]
        for section in self.sections:
            out.append(f"{section.title} : {section.count_text()}")
            for entry in section.entries:
                out.append(f"  {_MARKS[entry.status]} {entry.text()}")
        if self.issues:
            errors = sum(1 for issue in self.issues if issue.is_error)
            out.append(
                f"Problèmes : {errors} erreur{'s' if errors > 1 else ''}, "
                f"{len(self.issues) - errors} avertissement"
                f"{'s' if len(self.issues) - errors > 1 else ''}"
            )
            for issue in self.issues:
                kind = "ERREUR" if issue.is_error else "attention"
                out.append(f"  [{kind}] {issue}")
        for text in self.confirmations:
            out.append(f"À CONFIRMER : {text}")
        return out


def issue_json(issue: ImportIssue) -> dict:
    return {
        "error": issue.is_error,
        "file": issue.file,
        "line": issue.line,
        "column": issue.column,
        "field": issue.field,
        "value": issue.value,
        "message": issue.message,
        "text": str(issue),
    }


def _section_json(section: Section) -> dict:
    shown: Counter = Counter()
    entries = []
    for entry in section.entries:
        shown[entry.status] += 1
        if shown[entry.status] > MAX_DETAILS:
            continue
        entries.append(
            {
                "status": entry.status,
                "label": entry.label,
                "context": entry.context,
                "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in entry.changes],
                "note": entry.note,
                "line": entry.line,
            }
        )
    return {
        "key": section.key,
        "title": section.title,
        "counts": {status: section.counts[status] for status in STATUSES},
        "total": section.total,
        "entries": entries,
        "hidden": max(0, len(section.entries) - len(entries)),
    }


class ImportRefused(Exception):
    """The import cannot go ahead as a whole; ``messages`` say why, in French.

    The one refusal of every import kind (the registry's analysers and importers raise it,
    the pages show its messages, the commands print them).
    """

    def __init__(self, *messages: str) -> None:
        super().__init__(" ".join(messages))
        self.messages = list(messages)


class Importer:
    """What every import kind's analyser returns: the plan, and how to write it.

    ``school`` is the school imported into (None when a SIECLE import will create it).
    Subclasses set ``plan`` and ``school`` and implement :meth:`write`; the rest has
    defaults that a kind may refine (its command's text, the links kept on the batch).
    """

    plan: Plan
    school: School | None = None

    def write(self, *, user=None):
        """Write the plan (inside the caller's transaction); returns the school written."""
        raise NotImplementedError

    def lines(self) -> list[str]:
        """The preview as the command prints it."""
        return self.plan.lines()

    def refusal(self, *, skip_invalid: bool = False) -> list[str]:
        """Why the plan cannot be applied (French), or an empty list."""
        return self.plan.refusal(skip_invalid=skip_invalid)

    def done_text(self) -> str:
        """What the command prints once the import is recorded."""
        return "Import enregistré."

    def batch_links(self) -> dict:
        """Extra fields of the stored :class:`~appui.interop.models.ImportBatch`."""
        return {}
