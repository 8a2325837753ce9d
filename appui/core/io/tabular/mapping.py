"""Finding the columns an import needs by header name and synonyms, and cleaning cells."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from appui.core.io.errors import ImportIssue, Severity, has_errors
from appui.core.io.values import (
    CellValue,
    ValueProblem,
    as_text,
    fold,
)

from .reading import Header, Row, Table

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """A column an import needs, found by its French ``label`` or one of its ``synonyms``.

    Matching ignores case, accents and punctuation (``"N° INE"`` matches ``"n ine"``).
    Earlier names win when a file holds several matching columns.
    """

    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    required: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """Label then synonyms, normalised, in order of preference."""
        return tuple(dict.fromkeys(fold(name) for name in (self.label, *self.synonyms)))


#: Columns most student imports need, with the headers seen in schools' files.
COMMON_COLUMNS: dict[str, ColumnSpec] = {
    spec.key: spec
    for spec in (
        ColumnSpec(
            "ine",
            "INE",
            (
                "N° INE",
                "Numéro INE",
                "INE élève",
                "Identifiant national",
                "ID_NATIONAL",
                "INE_RNIE",
            ),
        ),
        ColumnSpec(
            "eleve_id",
            "Identifiant SIECLE",
            ("ELEVE_ID", "Identifiant élève", "Id élève", "Numéro élève"),
        ),
        ColumnSpec(
            "last_name",
            "Nom",
            (
                "Nom de famille",
                "Nom d'usage",
                "Nom élève",
                "Nom de l'élève",
                "NOM_DE_FAMILLE",
                "NOM_USAGE",
                "Last name",
            ),
        ),
        ColumnSpec(
            "first_name",
            "Prénom",
            ("Prénom 1", "Premier prénom", "Prénom élève", "Prénom de l'élève", "First name"),
        ),
        ColumnSpec(
            "birth_date",
            "Date de naissance",
            (
                "Date naissance",
                "Date de naiss.",
                "Né(e) le",
                "Né le",
                "Née le",
                "Naissance",
                "DATE_NAISS",
            ),
        ),
        ColumnSpec("sex", "Sexe", ("Genre", "CODE_SEXE")),
        ColumnSpec(
            "division",
            "Classe",
            ("Division", "Code division", "Classe de l'élève", "CODE_STRUCTURE"),
        ),
        ColumnSpec(
            "email",
            "Courriel",
            ("Adresse électronique", "E-mail", "Email", "Mél", "Mel", "Mail"),
        ),
    )
}


@dataclass(slots=True)
class ColumnMapping:
    """Which header of a :class:`Table` holds each column an import needs."""

    table: Table
    columns: dict[str, Header]
    specs: dict[str, ColumnSpec]
    issues: list[ImportIssue] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        """True when a required column is missing."""
        return has_errors(self.issues)

    def has(self, key: str) -> bool:
        """True when the column was found."""
        return key in self.columns

    def value(self, row: Row, key: str) -> CellValue:
        """Raw value of a mapped column in ``row`` (None when unmapped or empty)."""
        header = self.columns.get(key)
        return None if header is None else row.get(header.key)

    def text(self, row: Row, key: str) -> str | None:
        """Value of a mapped column as text (None when empty)."""
        return as_text(self.value(row, key))

    def unmapped(self) -> list[Header]:
        """Headers not used by any spec (e.g. one column per competency in a results file)."""
        used = {header.key for header in self.columns.values()}
        return [header for header in self.table.headers if header.key not in used]

    def issue(
        self,
        row: Row,
        key: str,
        message: str,
        *,
        severity: Severity = Severity.ERROR,
    ) -> ImportIssue:
        """An issue about the cell of column ``key`` in ``row``."""
        header = self.columns.get(key)
        spec = self.specs.get(key)
        return ImportIssue(
            file=self.table.file_name,
            line=row.line,
            column=header.letter if header else None,
            field=header.text if header else (spec.label if spec else key),
            value=as_text(self.value(row, key)),
            message=message,
            severity=severity,
        )

    def clean(
        self,
        row: Row,
        key: str,
        parser: Callable[[CellValue], T | None],
        issues: list[ImportIssue],
        *,
        required: bool = False,
    ) -> T | None:
        """Read one cell with ``parser`` (e.g. :func:`parse_date`).

        A value the parser refuses, or an empty required value, adds an error to ``issues``
        and gives None.
        """
        try:
            result = parser(self.value(row, key))
        except ValueProblem as problem:
            issues.append(self.issue(row, key, str(problem)))
            return None
        if result is None and required:
            issues.append(self.issue(row, key, "valeur obligatoire manquante."))
        return result


def map_columns(
    table: Table,
    specs: Iterable[ColumnSpec],
    overrides: Mapping[str, str] | None = None,
) -> ColumnMapping:
    """Find each spec's column in ``table`` by header name.

    ``overrides`` maps a spec key to a header text (or normalised key) the user chose in the
    mapping form; it wins over automatic matching. A missing required column is an error
    listing the headers accepted.
    """
    spec_list = list(specs)
    by_key = {header.key: header for header in table.headers}
    used: set[str] = set()
    columns: dict[str, Header] = {}
    issues: list[ImportIssue] = []
    for spec_key, header_text in (overrides or {}).items():
        header = by_key.get(fold(header_text)) or by_key.get(header_text)
        if header is None:
            issues.append(
                ImportIssue(
                    file=table.file_name,
                    line=table.header_line,
                    field=header_text,
                    message="la colonne choisie n'existe pas dans le fichier.",
                )
            )
            continue
        columns[spec_key] = header
        used.add(header.key)
    for spec in spec_list:
        if spec.key in columns:
            continue
        for name in spec.names:
            header = by_key.get(name)
            if header is not None and header.key not in used:
                columns[spec.key] = header
                used.add(header.key)
                break
        else:
            if spec.required:
                accepted = ", ".join(f"« {n} »" for n in (spec.label, *spec.synonyms))
                issues.append(
                    ImportIssue(
                        file=table.file_name,
                        line=table.header_line,
                        field=spec.label,
                        message=f"colonne obligatoire introuvable ; en-têtes reconnus : {accepted}.",
                    )
                )
    return ColumnMapping(
        table=table, columns=columns, specs={spec.key: spec for spec in spec_list}, issues=issues
    )
