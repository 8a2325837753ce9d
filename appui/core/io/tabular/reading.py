"""Reading CSV, XLSX and ODS files into a :class:`Table` (see the package docstring)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from appui.core.io._files import MAX_FILE_BYTES, Source, is_zip, read_source
from appui.core.io.errors import ImportFileError, ImportIssue, Severity
from appui.core.io.values import (
    CellValue,
    as_text,
    fold,
)

#: Rows read from one sheet at most; far above any school list, it stops runaway files.
MAX_ROWS = 200_000
#: Columns of one sheet at most. A sheet may *claim* 16,384 columns and a million rows (its
#: declared dimension, or ODS "repeated" cells) in a few bytes: what is read is bounded by
#: these limits before any padding or copying, never by what the file says about itself.
MAX_COLUMNS = 1_000


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
    # The declared dimension (e.g. A1:XFD1048576) would pad every row to its width and add
    # every missing row: ignore it and read only the cells the sheet really holds.
    rows.reset_dimensions()

    def generate() -> Iterator[tuple[int, list[CellValue]]]:
        try:
            for line, values in enumerate(rows.iter_rows(values_only=True), start=1):
                yield line, _bounded(name, line, [_plain(value) for value in values])
        except ImportFileError:
            raise
        except Exception as exc:  # damaged sheet XML surfaces only while iterating
            raise ImportFileError.single(
                name, "le classeur Excel ne peut pas être lu : il semble endommagé."
            ) from exc
        finally:
            workbook.close()

    return generate(), issues, worksheet


def _bounded(name: str, line: int, values: list[CellValue]) -> list[CellValue]:
    """A row within :data:`MAX_ROWS` and :data:`MAX_COLUMNS`: empty cells beyond are dropped,
    a value beyond refuses the file (with a French message naming the line)."""
    if len(values) > MAX_COLUMNS:
        if any(value is not None for value in values[MAX_COLUMNS:]):
            raise ImportFileError.single(
                name,
                f"la ligne a plus de {MAX_COLUMNS} colonnes remplies : ce n'est pas "
                "une liste d'élèves ou de personnels.",
                line=line,
            )
        values = values[:MAX_COLUMNS]
    if line > MAX_ROWS and any(value is not None for value in values):
        raise ImportFileError.single(
            name, f"le fichier dépasse {MAX_ROWS} lignes : découpez-le.", line=line
        )
    return values


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
    return _ods_table_rows(tables[names.index(chosen)], name), issues, chosen


def _ods_table_rows(table: Any, name: str) -> Iterator[tuple[int, list[CellValue]]]:
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
            # Check the width before copying anything: "repeated" costs nothing to claim.
            if len(values) + pending_empty + count > MAX_COLUMNS:
                raise ImportFileError.single(
                    name,
                    f"la ligne a plus de {MAX_COLUMNS} colonnes remplies : ce n'est pas "
                    "une liste d'élèves ou de personnels.",
                    line=line,
                )
            values.extend([None] * pending_empty)
            pending_empty = 0
            values.extend([value] * count)
        if values:
            if line + repeat - 1 > MAX_ROWS:
                raise ImportFileError.single(
                    name, f"le fichier dépasse {MAX_ROWS} lignes : découpez-le.", line=line
                )
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
