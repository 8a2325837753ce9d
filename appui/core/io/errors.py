"""Issues found while reading a file, and the exception that refuses a whole file.

Every parser in :mod:`appui.core.io` reports problems the same way, following the
"resolve → clean → assign" import style: each problem is an :class:`ImportIssue` naming the
file, the line, the column or field, the offending value and a French message a coordinator
can act on. A problem that makes the whole file unusable (truncated XML, wrong file, wrong
root element…) raises :class:`ImportFileError`; problems limited to one record are collected
in the parse result so the preview can list them all at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["ImportFileError", "ImportIssue", "Severity", "has_errors"]


class Severity(StrEnum):
    """How serious an issue is: an error blocks the import, a warning does not."""

    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        """French label shown in previews."""
        return "Erreur" if self is Severity.ERROR else "Avertissement"


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """One problem found in an imported file.

    ``column`` is what the user sees in their tool: a spreadsheet column letter (``"C"``) for
    CSV/XLSX/ODS, a character position for XML syntax errors. ``field`` is the header text of
    a spreadsheet column or the XML element/attribute name. ``value`` is the raw value as read.
    """

    file: str
    line: int | None
    message: str
    field: str | None = None
    value: str | None = None
    column: str | None = None
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        """True when this issue must block the import."""
        return self.severity is Severity.ERROR

    def location(self) -> str:
        """French description of where the issue is, e.g. ``« a.csv », ligne 3, colonne C (Nom)``."""
        parts = [f"« {self.file} »"]
        if self.line is not None:
            parts.append(f"ligne {self.line}")
        if self.column is not None and self.field is not None:
            parts.append(f"colonne {self.column} ({self.field})")
        elif self.column is not None:
            parts.append(f"colonne {self.column}")
        elif self.field is not None:
            parts.append(f"champ {self.field}")
        return ", ".join(parts)

    def __str__(self) -> str:
        value = f", valeur « {self.value} »" if self.value not in (None, "") else ""
        return f"{self.location()}{value} : {self.message}"


def has_errors(issues: Iterable[ImportIssue]) -> bool:
    """True when at least one issue is an error (warnings alone never block an import)."""
    return any(issue.is_error for issue in issues)


class HasIssues:
    """For parsed files that carry an ``issues`` list: blocking errors and mere warnings."""

    __slots__ = ()
    issues: list[ImportIssue]

    @property
    def has_errors(self) -> bool:
        """True when an issue must block the import."""
        return has_errors(self.issues)

    @property
    def errors(self) -> list[ImportIssue]:
        """Issues that block the import."""
        return [issue for issue in self.issues if issue.is_error]

    @property
    def warnings(self) -> list[ImportIssue]:
        """Issues shown in the preview that do not block the import."""
        return [issue for issue in self.issues if not issue.is_error]


class ImportFileError(Exception):
    """The file as a whole cannot be imported; ``issues`` says why and where, in French."""

    def __init__(self, issues: ImportIssue | Iterable[ImportIssue]) -> None:
        self.issues: list[ImportIssue] = (
            [issues] if isinstance(issues, ImportIssue) else list(issues)
        )
        super().__init__("\n".join(str(issue) for issue in self.issues))

    @classmethod
    def single(
        cls,
        file: str,
        message: str,
        *,
        line: int | None = None,
        column: str | None = None,
        field: str | None = None,
        value: str | None = None,
    ) -> ImportFileError:
        """Build the common case of a file refused for one reason."""
        return cls(
            ImportIssue(
                file=file, line=line, message=message, field=field, value=value, column=column
            )
        )
