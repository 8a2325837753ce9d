"""Spreadsheets in and out: CSV, XLSX and ODS.

Reading
    :func:`read_table` turns a CSV (``;``, ``,`` or tab, UTF-8 with or without BOM, UTF-16 or
    Windows-1252, all detected), XLSX or ODS file into a :class:`Table`: rows of values keyed
    by normalised header name, each with its line number in the file. :func:`map_columns`
    then finds the columns an import needs by header name and synonyms, whatever their case
    and accents, and :meth:`ColumnMapping.clean` reads one cell with a ``parse_*`` helper from
    :mod:`appui.core.io.values`, turning any problem into an
    :class:`~appui.core.io.errors.ImportIssue` naming file, line, column and value.

Writing
    A concrete :class:`Exporter` declares its ``columns`` and yields rows; :func:`render`
    writes it as CSV (``;``, UTF-8 with BOM, for French Excel), XLSX or ODS. All three
    stream: rows are consumed as the output is produced, so exporting 10,000 rows never
    builds them all in memory (XLSX goes through openpyxl's write-only mode, ODS is written as
    OpenDocument XML row by row; both are zipped in a temporary file, then sent in chunks).
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import IO, Any, TypeVar
from xml.sax.saxutils import escape

from appui.core.io._files import MAX_FILE_BYTES, Source, is_zip, read_source
from appui.core.io._xml import xml_safe
from appui.core.io.errors import ImportFileError, ImportIssue, Severity, has_errors
from appui.core.io.values import (
    CellValue,
    ValueProblem,
    as_text,
    fold,
    parse_bool,
    parse_date,
    parse_int,
    parse_number,
    parse_sex,
)

__all__ = [
    "COMMON_COLUMNS",
    "CellValue",
    "Column",
    "ColumnMapping",
    "ColumnSpec",
    "ExportFormat",
    "Exporter",
    "Header",
    "Row",
    "RowsExporter",
    "Table",
    "TableFormat",
    "column_letter",
    "iter_csv",
    "iter_ods",
    "iter_xlsx",
    "map_columns",
    "parse_bool",
    "parse_date",
    "parse_int",
    "parse_number",
    "parse_sex",
    "read_table",
    "render",
    "write",
]

T = TypeVar("T")

#: Rows read from one sheet at most; far above any school list, it stops runaway files.
MAX_ROWS = 200_000

# ============================================================================= reading


class TableFormat(StrEnum):
    """Formats :func:`read_table` recognises."""

    CSV = "csv"
    XLSX = "xlsx"
    ODS = "ods"


@dataclass(frozen=True, slots=True)
class Header:
    """A column of the file: its position, its text as written, its normalised key."""

    index: int
    text: str
    key: str

    @property
    def letter(self) -> str:
        """Spreadsheet column letter (``A``, ``B``… ``AA``)."""
        return column_letter(self.index)


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its 1-based line in the file and its values by header key.

    Empty cells are ``None``; text is stripped.
    """

    line: int
    values: dict[str, CellValue]

    def get(self, key: str) -> CellValue:
        """Value of the column with this header key, None when absent or empty."""
        return self.values.get(key)


@dataclass(slots=True)
class Table:
    """Rows read from a CSV, XLSX or ODS file, with the header they were keyed by."""

    file_name: str
    format: TableFormat
    headers: list[Header]
    rows: list[Row]
    header_line: int = 1
    issues: list[ImportIssue] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None

    def header(self, key: str) -> Header | None:
        """The header with this normalised key."""
        return next((header for header in self.headers if header.key == key), None)


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index: 0 → ``A``, 26 → ``AA``."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def read_table(source: Source, file_name: str | None = None, *, sheet: str | None = None) -> Table:
    """Read the first sheet (or ``sheet``) of a CSV, XLSX or ODS file.

    The format is recognised from the content, not the file name. The first non-empty row
    is the header; empty rows are skipped but counted, so ``Row.line`` is the line the user
    sees in their spreadsheet or text editor. Raises
    :class:`~appui.core.io.errors.ImportFileError` for a file that cannot be read.
    """
    data, name = read_source(source, file_name)
    if not data.strip():
        raise ImportFileError.single(name, "le fichier est vide.")
    if is_zip(data):
        kind = _zip_kind(data, name)
        if kind is TableFormat.XLSX:
            raw_rows, extra, sheet_name = _xlsx_rows(data, name, sheet)
        else:
            raw_rows, extra, sheet_name = _ods_rows(data, name, sheet)
        return _build_table(name, kind, raw_rows, extra, sheet=sheet_name)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError.single(
            name,
            "ce classeur est au format Excel 97-2003 (.xls), qui n'est pas pris en charge : "
            "enregistrez-le au format .xlsx, .ods ou CSV.",
        )
    text, encoding, extra = _decode(data, name)
    delimiter = _sniff_delimiter(text)
    rows = _csv_rows(text, delimiter)
    table = _build_table(name, TableFormat.CSV, rows, extra)
    table.encoding = encoding
    table.delimiter = delimiter
    return table


def _zip_kind(data: bytes, name: str) -> TableFormat:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # zipfile never inflates a member past its declared size, so checking the
            # declared sizes is enough to stop a decompression bomb before openpyxl/odfpy.
            if sum(info.file_size for info in archive.infolist()) > MAX_FILE_BYTES:
                raise ImportFileError.single(
                    name, "le classeur est trop volumineux une fois décompressé."
                )
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                if mimetype == "application/vnd.oasis.opendocument.spreadsheet":
                    return TableFormat.ODS
            if "xl/workbook.xml" in names:
                return TableFormat.XLSX
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportFileError.single(
            name, "le classeur est endommagé ou incomplet : enregistrez-le de nouveau."
        ) from exc
    raise ImportFileError.single(
        name,
        "ce fichier compressé n'est ni un classeur Excel (.xlsx) ni un classeur "
        "LibreOffice (.ods).",
    )


def _decode(data: bytes, name: str) -> tuple[str, str, list[ImportIssue]]:
    """Text of a CSV file and the encoding found: BOMs first, then UTF-8, then Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", "replace")
        issues = []
        if "\ufffd" in text:
            issues.append(
                ImportIssue(
                    file=name,
                    line=text[: text.index("\ufffd")].count("\n") + 1,
                    message="des caractères illisibles ont été remplacés : vérifiez l'aperçu.",
                    severity=Severity.WARNING,
                )
            )
        return text, "utf-8-sig", issues
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16", []
    if b"\x00" in data[:4096]:
        raise ImportFileError.single(
            name,
            "ce fichier n'est pas un fichier texte (CSV) ni un classeur .xlsx ou .ods.",
        )
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252", []
    except UnicodeDecodeError:
        warning = ImportIssue(
            file=name,
            line=None,
            message=(
                "l'encodage du fichier n'a pas été reconnu (ni UTF-8 ni Windows-1252) : "
                "vérifiez les lettres accentuées dans l'aperçu, ou enregistrez-le en "
                "« CSV UTF-8 »."
            ),
            severity=Severity.WARNING,
        )
        return data.decode("latin-1"), "iso-8859-1", [warning]


def _sniff_delimiter(text: str) -> str:
    """``;``, ``,`` or tab: whichever occurs most, outside quotes, in the first line."""
    first = ""
    for line in text.splitlines():
        if line.strip():
            first = line
            break
    outside_quotes = re.sub(r'"[^"]*"', "", first)
    counts = {delimiter: outside_quotes.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts.values())
    if best == 0:
        return ";"
    # On a tie, the French Excel separator wins.
    return next(delimiter for delimiter in (";", "\t", ",") if counts[delimiter] == best)


# Text our CSV writer protected against formula injection: one apostrophe was added.
_ESCAPED_FORMULA = re.compile(r"^'+[=+\-@\t\r]")


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[CellValue]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    next_line = 1
    for record in reader:
        line = next_line
        next_line = reader.line_num + 1
        values: list[CellValue] = []
        for cell in record:
            # Undo the apostrophe our CSV writer puts before text that looks like a formula.
            values.append(cell[1:] if _ESCAPED_FORMULA.match(cell) else cell)
        yield line, values


def _xlsx_rows(
    data: bytes, name: str, sheet: str | None
) -> tuple[Iterator[tuple[int, list[CellValue]]], list[ImportIssue], str]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many exception types on damaged files
        raise ImportFileError.single(
            name, "le classeur Excel ne peut pas être lu : il semble endommagé."
        ) from exc
    worksheet, issues = _pick_sheet(workbook.sheetnames, sheet, name)
    rows = workbook[worksheet]

    def generate() -> Iterator[tuple[int, list[CellValue]]]:
        try:
            for line, values in enumerate(rows.iter_rows(values_only=True), start=1):
                yield line, [_plain(value) for value in values]
        except Exception as exc:  # damaged sheet XML surfaces only while iterating
            raise ImportFileError.single(
                name, "le classeur Excel ne peut pas être lu : il semble endommagé."
            ) from exc
        finally:
            workbook.close()

    return generate(), issues, worksheet


def _plain(value: Any) -> CellValue:
    if value is None or isinstance(value, str | int | float | bool | date):
        return value
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def _pick_sheet(
    names: Sequence[str], wanted: str | None, file_name: str
) -> tuple[str, list[ImportIssue]]:
    if not names:
        raise ImportFileError.single(file_name, "le classeur ne contient aucune feuille.")
    if wanted is not None:
        if wanted not in names:
            listed = ", ".join(f"« {n} »" for n in names)
            raise ImportFileError.single(
                file_name, f"le classeur n'a pas de feuille « {wanted} » (feuilles : {listed})."
            )
        return wanted, []
    issues = []
    if len(names) > 1:
        issues.append(
            ImportIssue(
                file=file_name,
                line=None,
                message=(
                    f"le classeur contient {len(names)} feuilles : seule la première, "
                    f"« {names[0]} », est lue."
                ),
                severity=Severity.WARNING,
            )
        )
    return names[0], issues


def _ods_rows(
    data: bytes, name: str, sheet: str | None
) -> tuple[Iterator[tuple[int, list[CellValue]]], list[ImportIssue], str]:
    from odf.opendocument import load
    from odf.table import Table as OdsTable

    try:
        document = load(io.BytesIO(data))
    except Exception as exc:  # odfpy raises many exception types on damaged files
        raise ImportFileError.single(
            name, "le classeur LibreOffice ne peut pas être lu : il semble endommagé."
        ) from exc
    tables = document.spreadsheet.getElementsByType(OdsTable)
    names = [str(table.getAttribute("name")) for table in tables]
    chosen, issues = _pick_sheet(names, sheet, name)
    return _ods_table_rows(tables[names.index(chosen)]), issues, chosen


def _ods_table_rows(table: Any) -> Iterator[tuple[int, list[CellValue]]]:
    from odf.table import TableRow

    line = 1
    for row in table.getElementsByType(TableRow):
        repeat = int(row.getAttribute("numberrowsrepeated") or 1)
        values: list[CellValue] = []
        pending_empty = 0
        for cell in row.childNodes:
            if cell.qname[1] not in ("table-cell", "covered-table-cell"):
                continue
            count = int(cell.getAttribute("numbercolumnsrepeated") or 1)
            value = _ods_value(cell)
            if value is None:
                # Trailing empty cells are often repeated up to the sheet's last column.
                pending_empty += count
                continue
            values.extend([None] * pending_empty)
            pending_empty = 0
            values.extend([value] * count)
        if values:
            for _ in range(repeat):
                yield line, values
                line += 1
        else:
            line += repeat


def _ods_value(cell: Any) -> CellValue:
    from odf import teletype
    from odf.text import P

    kind = cell.getAttribute("valuetype")
    if kind in ("float", "percentage", "currency"):
        number = float(cell.getAttribute("value"))
        return int(number) if number.is_integer() else number
    if kind == "date":
        raw = str(cell.getAttribute("datevalue"))
        return datetime.fromisoformat(raw) if "T" in raw else date.fromisoformat(raw)
    if kind == "boolean":
        return str(cell.getAttribute("booleanvalue")).lower() == "true"
    paragraphs = [teletype.extractText(p) for p in cell.getElementsByType(P)]
    text = "\n".join(paragraphs)
    return text if text.strip() else None


def _build_table(
    name: str,
    kind: TableFormat,
    raw_rows: Iterable[tuple[int, list[CellValue]]],
    issues: list[ImportIssue],
    *,
    sheet: str | None = None,
) -> Table:
    headers: list[Header] | None = None
    header_indexes: set[int] = set()
    header_line = 1
    rows: list[Row] = []
    warned_extra = False
    for line, raw in raw_rows:
        values = [_clean_cell(value) for value in raw]
        if all(value is None for value in values):
            continue
        if headers is None:
            headers, header_issues = _headers(values, name, line)
            header_indexes = {header.index for header in headers}
            header_line = line
            issues.extend(header_issues)
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError.single(
                name, f"le fichier dépasse {MAX_ROWS} lignes : découpez-le.", line=line
            )
        keyed: dict[str, CellValue] = {}
        for header in headers:
            if header.index < len(values):
                keyed[header.key] = values[header.index]
        extra = [
            index
            for index, value in enumerate(values)
            if value is not None and index not in header_indexes
        ]
        if extra and not warned_extra:
            warned_extra = True
            issues.append(
                ImportIssue(
                    file=name,
                    line=line,
                    column=column_letter(extra[0]),
                    message="des valeurs sans en-tête de colonne sont ignorées.",
                    value=as_text(values[extra[0]]),
                    severity=Severity.WARNING,
                )
            )
        rows.append(Row(line=line, values=keyed))
    if headers is None:
        raise ImportFileError.single(name, "le fichier ne contient aucune ligne.")
    return Table(
        file_name=name,
        format=kind,
        headers=headers,
        rows=rows,
        header_line=header_line,
        issues=issues,
        sheet=sheet,
    )


def _clean_cell(value: CellValue) -> CellValue:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _headers(
    values: list[CellValue], name: str, line: int
) -> tuple[list[Header], list[ImportIssue]]:
    headers: list[Header] = []
    issues: list[ImportIssue] = []
    seen: dict[str, int] = {}
    for index, value in enumerate(values):
        text = as_text(value)
        if text is None:
            continue
        key = fold(text) or f"colonne_{column_letter(index).lower()}"
        if key in seen:
            seen[key] += 1
            issues.append(
                ImportIssue(
                    file=name,
                    line=line,
                    column=column_letter(index),
                    field=text,
                    message="cet en-tête de colonne apparaît plusieurs fois : seule la première "
                    "colonne de ce nom sera reconnue automatiquement.",
                    severity=Severity.WARNING,
                )
            )
            key = f"{key}_{seen[key]}"
        else:
            seen[key] = 1
        headers.append(Header(index=index, text=text, key=key))
    return headers, issues


# ============================================================================= mapping


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


# ============================================================================= writing


class ExportFormat(StrEnum):
    """Formats every list can be downloaded in."""

    CSV = "csv"
    XLSX = "xlsx"
    ODS = "ods"

    @property
    def content_type(self) -> str:
        """MIME type for the HTTP response."""
        return {
            "csv": "text/csv; charset=utf-8",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "ods": "application/vnd.oasis.opendocument.spreadsheet",
        }[self.value]

    @property
    def label(self) -> str:
        """French label for download buttons."""
        return {"csv": "CSV", "xlsx": "Excel (XLSX)", "ods": "LibreOffice (ODS)"}[self.value]


@dataclass(frozen=True, slots=True)
class Column:
    """A column of an export: the key rows are read by, its French header, its width."""

    key: str
    header: str
    width: int | None = None


#: A row yielded by an exporter: values in column order, or a mapping by column key.
RowData = Sequence[CellValue] | Mapping[str, CellValue]


class Exporter(ABC):
    """Base of every list export: subclasses declare ``title`` and ``columns``, yield rows.

    Rows are produced lazily by :meth:`rows` (a generator over a queryset's ``iterator()``
    on the Django side), so writers can stream them. Values may be ``str``, ``int``,
    ``float``, ``bool``, ``date``, ``datetime`` or ``None``; aware datetimes should be
    converted to local time by the caller, they are written in their own wall-clock time.
    """

    title: str = "Export"
    columns: Sequence[Column] = ()

    @abstractmethod
    def rows(self) -> Iterable[RowData]:
        """Yield the rows, in column order or as mappings by column key."""

    def file_name(self, export_format: ExportFormat) -> str:
        """Download name, e.g. ``eleves-3a.xlsx``."""
        stem = fold(self.title).replace("_", "-") or "export"
        return f"{stem}.{export_format.value}"

    def headers(self) -> list[str]:
        """Header texts in column order."""
        return [column.header for column in self.columns]

    def values(self) -> Iterator[list[CellValue]]:
        """Rows as lists of values in column order."""
        keys = [column.key for column in self.columns]
        for row in self.rows():
            if isinstance(row, Mapping):
                yield [row.get(key) for key in keys]
            else:
                yield list(row)


class RowsExporter(Exporter):
    """An exporter over rows given up front (any iterable, consumed once)."""

    def __init__(self, title: str, columns: Sequence[Column], rows: Iterable[RowData]) -> None:
        self.title = title
        self.columns = columns
        self._rows = rows

    def rows(self) -> Iterable[RowData]:
        """The rows given to the constructor."""
        return self._rows


def render(exporter: Exporter, export_format: ExportFormat) -> Iterator[bytes]:
    """The file for ``exporter`` in ``export_format``, as chunks of bytes to stream."""
    if export_format is ExportFormat.CSV:
        return iter_csv(exporter)
    if export_format is ExportFormat.XLSX:
        return iter_xlsx(exporter)
    return iter_ods(exporter)


def write(exporter: Exporter, export_format: ExportFormat, target: IO[bytes]) -> None:
    """Write the file for ``exporter`` to an open binary file (management commands)."""
    for chunk in render(exporter, export_format):
        target.write(chunk)


_NUMBER_TEXT = re.compile(r"^[+-]?\d+([.,]\d+)?$")
_FORMULA_LIKE = re.compile(r"^'*[=+\-@\t\r]")


def _csv_text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, int | date):
        return as_text(value) or ""
    # A cell starting with = + - @ would run as a formula when the file is opened in a
    # spreadsheet (CSV injection); an apostrophe keeps it text. Plain numbers are left alone.
    # Text already starting with apostrophes then a formula sign gets one more, so that
    # read_table() gives back exactly what was written.
    if _FORMULA_LIKE.match(value) and not _NUMBER_TEXT.match(value):
        return "'" + value
    return value


def iter_csv(exporter: Exporter, *, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    """Stream ``exporter`` as CSV: ``;`` separator, UTF-8 with BOM, CRLF line ends, dates
    ``JJ/MM/AAAA`` and decimal commas, as French Excel expects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(exporter.headers())
    yield b"\xef\xbb\xbf"
    for values in exporter.values():
        writer.writerow([_csv_text(value) for value in values])
        if buffer.tell() >= chunk_size:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip() or "Export"
    return cleaned[:31]


def iter_xlsx(exporter: Exporter, *, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    """Stream ``exporter`` as XLSX.

    openpyxl's write-only mode writes each row to a temporary file as it comes, so memory
    stays flat; the zip is produced at the end and then sent in chunks.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(exporter.title))
    for index, column in enumerate(exporter.columns, start=1):
        width = column.width or min(max(len(column.header) + 2, 10), 60)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for text in exporter.headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)

    def cell_for(value: CellValue) -> Any:
        if isinstance(value, str):
            text = xml_safe(value)
            if text.startswith("="):
                # Text, never a formula: the value comes from users.
                cell = WriteOnlyCell(sheet, value=text)
                cell.data_type = "s"
                return cell
            return text
        if isinstance(value, datetime):
            cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
            cell.number_format = "DD/MM/YYYY HH:MM"
            return cell
        if isinstance(value, date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "DD/MM/YYYY"
            return cell
        return value

    for values in exporter.values():
        sheet.append([cell_for(value) for value in values])
    with tempfile.TemporaryFile() as output:
        workbook.save(output)
        output.seek(0)
        while chunk := output.read(chunk_size):
            yield chunk


_ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"'
)

_ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"

_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
    f'manifest:media-type="{_ODS_MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)

_ODS_STYLES = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<office:document-styles {_ODS_NAMESPACES} office:version="1.2">'
    "<office:styles/></office:document-styles>"
)

# Cell styles: ce0 bold header, ce1 dates JJ/MM/AAAA, ce2 date and time JJ/MM/AAAA HH:MM.
_ODS_AUTOMATIC_STYLES = (
    '<number:date-style style:name="N1"><number:day number:style="long"/>'
    '<number:text>/</number:text><number:month number:style="long"/>'
    '<number:text>/</number:text><number:year number:style="long"/></number:date-style>'
    '<number:date-style style:name="N2"><number:day number:style="long"/>'
    '<number:text>/</number:text><number:month number:style="long"/>'
    '<number:text>/</number:text><number:year number:style="long"/><number:text> </number:text>'
    '<number:hours number:style="long"/><number:text>:</number:text>'
    '<number:minutes number:style="long"/></number:date-style>'
    '<style:style style:name="ce0" style:family="table-cell">'
    '<style:text-properties fo:font-weight="bold"/></style:style>'
    '<style:style style:name="ce1" style:family="table-cell" style:data-style-name="N1"/>'
    '<style:style style:name="ce2" style:family="table-cell" style:data-style-name="N2"/>'
)


def iter_ods(exporter: Exporter, *, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    """Stream ``exporter`` as ODS.

    The OpenDocument XML is written row by row into a zip held in a temporary file (odfpy
    would build the whole document in memory, several hundred bytes per cell), then sent in
    chunks; memory stays flat whatever the number of rows.
    """
    with tempfile.TemporaryFile() as output:
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            # ODF requires the uncompressed mimetype as the first member.
            archive.writestr("mimetype", _ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
            archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
            archive.writestr("styles.xml", _ODS_STYLES)
            with archive.open("content.xml", "w", force_zip64=True) as content:
                _write_ods_content(exporter, content, chunk_size)
        output.seek(0)
        while chunk := output.read(chunk_size):
            yield chunk


def _write_ods_content(exporter: Exporter, target: IO[bytes], chunk_size: int) -> None:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<office:document-content {_ODS_NAMESPACES} office:version="1.2">',
        "<office:automatic-styles>",
        _ODS_AUTOMATIC_STYLES,
    ]
    for index, column in enumerate(exporter.columns):
        width = column.width or min(max(len(column.header) + 2, 10), 60)
        parts.append(
            f'<style:style style:name="co{index}" style:family="table-column">'
            f'<style:table-column-properties style:column-width="{width * 0.21:.2f}cm"/>'
            "</style:style>"
        )
    parts.append("</office:automatic-styles><office:body><office:spreadsheet>")
    parts.append(f'<table:table table:name="{_xml_text(_sheet_title(exporter.title))}">')
    parts.extend(
        f'<table:table-column table:style-name="co{index}"/>'
        for index in range(len(exporter.columns))
    )
    parts.append("<table:table-row>")
    parts.extend(
        '<table:table-cell table:style-name="ce0" office:value-type="string">'
        f"{_ods_paragraphs(header)}</table:table-cell>"
        for header in exporter.headers()
    )
    parts.append("</table:table-row>")
    size = 0
    for values in exporter.values():
        row = "<table:table-row>" + "".join(_ods_cell(value) for value in values)
        parts.append(row + "</table:table-row>")
        size += len(row)
        if size >= chunk_size:
            target.write("".join(parts).encode("utf-8"))
            parts.clear()
            size = 0
    parts.append("</table:table></office:spreadsheet></office:body></office:document-content>")
    target.write("".join(parts).encode("utf-8"))


def _xml_text(text: str) -> str:
    return escape(xml_safe(text), {'"': "&quot;"})


def _ods_paragraphs(text: str) -> str:
    """``text:p`` elements for each line, keeping runs of spaces and tabs as ODF wants."""
    paragraphs = []
    for line in text.split("\n"):
        escaped = _xml_text(line)
        escaped = re.sub(r" {2,}", lambda m: f' <text:s text:c="{len(m.group()) - 1}"/>', escaped)
        if escaped.startswith(" "):
            escaped = "<text:s/>" + escaped[1:]
        paragraphs.append(f"<text:p>{escaped.replace(chr(9), '<text:tab/>')}</text:p>")
    return "".join(paragraphs)


def _ods_cell(value: CellValue) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, bool):
        flag, shown = ("true", "oui") if value else ("false", "non")
        return (
            f'<table:table-cell office:value-type="boolean" office:boolean-value="{flag}">'
            f"<text:p>{shown}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value!r}">'
            f"<text:p>{str(value).replace('.', ',')}</text:p></table:table-cell>"
        )
    if isinstance(value, datetime):
        stamp = value.replace(tzinfo=None, microsecond=0).isoformat()
        return (
            '<table:table-cell table:style-name="ce2" office:value-type="date" '
            f'office:date-value="{stamp}"><text:p>{as_text(value)}</text:p></table:table-cell>'
        )
    if isinstance(value, date):
        return (
            '<table:table-cell table:style-name="ce1" office:value-type="date" '
            f'office:date-value="{value.isoformat()}"><text:p>{as_text(value)}</text:p>'
            "</table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string">{_ods_paragraphs(value)}</table:table-cell>'
    )
