"""Reading CSV, XLSX and ODS files into a :class:`Table` (see the package docstring)."""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from appui.core.io._files import MAX_ZIP_MEMBERS, Source, is_zip, open_zip, read_source
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
#: Cells (rows × their width up to the last filled cell) of one table at most: ten times a
#: 3,000-pupil list of 30 columns. It bounds the table kept in memory, whatever the repeats.
MAX_CELLS = 1_000_000
#: Characters of one cell at most (Excel's own limit).
MAX_CELL_CHARS = 32_767
#: Characters of one line of a CSV file at most.
MAX_LINE_CHARS = 1_000_000
#: What the members of an XLSX or ODS archive may declare in total once inflated. A
#: 3,000-pupil list of 30 columns is about 5 MB of sheet XML.
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024

# The hardened settings of every XML parse here: no DTD, no entity, no network, libxml2's
# default bounds on depth and text size.
_SAFE_XML = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


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

    The work is bounded before it is done, whatever the file claims about itself: archives
    by their declared sizes and members, sheets by :data:`MAX_ROWS`, :data:`MAX_COLUMNS`,
    :data:`MAX_CELLS` and :data:`MAX_CELL_CHARS`; gaps and "repeated" empty rows or cells
    are skipped without being expanded, so a tiny file claiming a huge sheet costs little.
    """
    data, name = read_source(source, file_name)
    if not data.strip():
        raise ImportFileError.single(name, "le fichier est vide.")
    if is_zip(data):
        kind = _zip_kind(data, name)
        if kind is TableFormat.XLSX:
            raw_rows, extra, sheet_name = _xlsx_rows(data, name, sheet)
            return _build_table(name, kind, raw_rows, extra, sheet=sheet_name)
        reader = _OdsReader(data, name, sheet)
        table = _build_table(name, kind, reader.rows(), reader.issues)
        table.sheet = reader.chosen
        return table
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError.single(
            name,
            "ce classeur est au format Excel 97-2003 (.xls), qui n'est pas pris en charge : "
            "enregistrez-le au format .xlsx, .ods ou CSV.",
        )
    text, encoding, extra = _decode(data, name)
    delimiter = _sniff_delimiter(text)
    rows = _csv_rows(text, delimiter, name)
    table = _build_table(name, TableFormat.CSV, rows, extra)
    table.encoding = encoding
    table.delimiter = delimiter
    return table


_DAMAGED_WORKBOOK = "le classeur est endommagé ou incomplet : enregistrez-le de nouveau."


def _zip_kind(data: bytes, name: str) -> TableFormat:
    with open_zip(data, name, max_bytes=MAX_UNZIPPED_BYTES, damaged=_DAMAGED_WORKBOOK) as archive:
        try:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(200).decode("ascii", "replace").strip()
                if mimetype == "application/vnd.oasis.opendocument.spreadsheet":
                    return TableFormat.ODS
            if "xl/workbook.xml" in names:
                return TableFormat.XLSX
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError, zlib.error) as exc:
            raise ImportFileError.single(name, _DAMAGED_WORKBOOK) from exc
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
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError as exc:
            raise ImportFileError.single(
                name,
                "le fichier texte (UTF-16) est endommagé : enregistrez-le de nouveau, "
                "de préférence en « CSV UTF-8 ».",
            ) from exc
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


def _csv_rows(text: str, delimiter: str, name: str) -> Iterator[tuple[int, list[CellValue]]]:
    reader = csv.reader(_csv_lines(text, name), delimiter=delimiter)
    next_line = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # A field past csv's own limit (an unclosed quote swallowing the file, usually).
            raise ImportFileError.single(
                name,
                "une cellule est trop longue ou un guillemet n'est pas refermé : vérifiez "
                "le fichier dans un tableur.",
                line=next_line,
            ) from exc
        line = next_line
        next_line = reader.line_num + 1
        if reader.line_num > MAX_ROWS:  # empty lines count too
            raise _too_long_file(name, line)
        values: list[CellValue] = []
        for cell in record:
            # Undo the apostrophe our CSV writer puts before text that looks like a formula.
            values.append(cell[1:] if _ESCAPED_FORMULA.match(cell) else cell)
        yield line, _bounded(name, line, values)


def _csv_lines(text: str, name: str) -> Iterator[str]:
    """The lines of ``text``, refusing one longer than :data:`MAX_LINE_CHARS` before csv
    splits it (a line of a million separators would be a million cells)."""
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise ImportFileError.single(
                name,
                f"la ligne dépasse {MAX_LINE_CHARS:_} caractères : ce n'est pas une liste "
                "d'élèves ou de personnels.".replace("_", " "),
                line=number,
            )
        yield line


def _xlsx_rows(
    data: bytes, name: str, sheet: str | None
) -> tuple[Iterator[tuple[int, list[CellValue]]], list[ImportIssue], str]:
    try:
        reader = _XlsxReader(data, name)
    except ImportFileError:
        raise
    except Exception as exc:  # damaged relationships
        raise ImportFileError.single(name, _DAMAGED_XLSX) from exc
    try:
        sheets = reader.sheets()
        chosen, issues = _pick_sheet(list(sheets), sheet, name)
        strings = reader.shared_strings()
        styles = reader.date_styles()
    except ImportFileError:
        reader.close()
        raise
    except Exception as exc:  # damaged zip or XML, a part missing
        reader.close()
        raise ImportFileError.single(name, _DAMAGED_XLSX) from exc

    def generate() -> Iterator[tuple[int, list[CellValue]]]:
        try:
            yield from reader.rows(sheets[chosen], strings, styles)
        except ImportFileError:
            raise
        except Exception as exc:  # damaged sheet XML surfaces only while iterating
            raise ImportFileError.single(name, _DAMAGED_XLSX) from exc
        finally:
            reader.close()

    return generate(), issues, chosen


_DAMAGED_XLSX = "le classeur Excel ne peut pas être lu : il semble endommagé."
_XLSX_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_XLSX_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_XLSX_PACKAGE = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_XLSX_REFERENCE = re.compile(r"\$?([A-Z]{1,3})\$?(\d{1,7})")
#: Sheets of one workbook at most (each is a part to look up).
MAX_SHEETS = 255
#: Cell styles at most (Excel's own limit is 64,000).
MAX_STYLES = 65_536


@dataclass(frozen=True, slots=True)
class _DateStyles:
    """Which cell styles show numbers as dates (or durations), and the workbook's epoch."""

    dates: frozenset[int]
    durations: frozenset[int]
    epoch: datetime


class _XlsxReader:
    """A workbook read part by part, each part streamed and freed as it is read.

    Reading the few parts a table needs here, rather than through a spreadsheet library,
    keeps every cost bounded by what the file holds: the library pads rows to the declared
    dimension, yields every row of a gap, builds the shared strings slowly (400,000 of them,
    18 KB zipped, take seconds) and parses every sheet's head when opening the workbook.
    Values are read as the library would: shared and inline strings, numbers, booleans, and
    dates from the cell's number format (with the library's own date conversions).
    """

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        self.archive = open_zip(data, name, max_bytes=MAX_UNZIPPED_BYTES, damaged=_DAMAGED_XLSX)
        self.date1904 = False
        try:
            self.workbook = self._target("", "_rels/.rels", "officeDocument") or "xl/workbook.xml"
            folder, _, base = self.workbook.rpartition("/")
            self.relations = self._relations(folder, f"{folder}/_rels/{base}.rels")
        except BaseException:
            self.archive.close()
            raise

    def close(self) -> None:
        self.archive.close()

    def _elements(self, member: str, tags: Sequence[str]) -> Iterator[Any]:
        from lxml import etree

        with self.archive.open(member) as source:
            for _event, element in etree.iterparse(
                source, events=("end",), tag=list(tags), **_SAFE_XML
            ):
                yield element
                _free(element)

    def _relations(self, folder: str, member: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type's last word, member path) of one ``.rels`` part."""
        relations: dict[str, tuple[str, str]] = {}
        if member not in self.archive.namelist():
            return relations
        for count, element in enumerate(self._elements(member, [_XLSX_PACKAGE]), start=1):
            if count > MAX_ZIP_MEMBERS:
                raise ImportFileError.single(self.name, _DAMAGED_XLSX)
            target = str(element.get("Target") or "")
            path = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
            parts: list[str] = []
            for part in path.split("/"):
                if part == "..":
                    parts = parts[:-1]
                elif part not in ("", "."):
                    parts.append(part)
            kind = str(element.get("Type") or "").rpartition("/")[2]
            relations[str(element.get("Id") or "")] = (kind, "/".join(parts))
        return relations

    def _target(self, folder: str, member: str, kind: str) -> str | None:
        return next(
            (path for k, path in self._relations(folder, member).values() if k == kind), None
        )

    def _related(self, kind: str) -> str | None:
        return next((path for k, path in self.relations.values() if k == kind), None)

    def sheets(self) -> dict[str, str]:
        """Sheet name → its part, in the workbook's order."""
        sheets: dict[str, str] = {}
        tags = [f"{_XLSX_MAIN}sheet", f"{_XLSX_MAIN}workbookPr"]
        for element in self._elements(self.workbook, tags):
            if element.tag == f"{_XLSX_MAIN}workbookPr":
                self.date1904 = str(element.get("date1904")).lower() in ("1", "true")
                continue
            if len(sheets) >= MAX_SHEETS:
                raise ImportFileError.single(
                    self.name, f"le classeur a plus de {MAX_SHEETS} feuilles : il est refusé."
                )
            relation = self.relations.get(str(element.get(_XLSX_RELATIONSHIP) or ""))
            if relation is not None and relation[0] == "worksheet":
                sheets[str(element.get("name") or "")] = relation[1]
        return sheets

    def shared_strings(self) -> list[str]:
        path = self._related("sharedStrings")
        strings: list[str] = []
        if path is None:
            return strings
        for element in self._elements(path, [f"{_XLSX_MAIN}si"]):
            if len(strings) >= MAX_CELLS:
                raise ImportFileError.single(
                    self.name,
                    f"le classeur contient plus de {MAX_CELLS:_} textes : découpez-le.".replace(
                        "_", " "
                    ),
                )
            strings.append(self._text(element, None, 0))
        return strings

    def date_styles(self) -> _DateStyles:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

        formats: dict[int, str] = dict(BUILTIN_FORMATS)
        styles: list[int] = []
        path = self._related("styles")
        if path is not None:
            tags = [f"{_XLSX_MAIN}numFmt", f"{_XLSX_MAIN}xf"]
            for element in self._elements(path, tags):
                number = _integer(element.get("numFmtId") or "0")
                if element.tag == f"{_XLSX_MAIN}numFmt":
                    formats[number] = str(element.get("formatCode") or "")
                elif element.getparent().tag == f"{_XLSX_MAIN}cellXfs":
                    if len(styles) >= MAX_STYLES:
                        raise ImportFileError.single(self.name, _DAMAGED_XLSX)
                    styles.append(number)
        dates = {i for i, n in enumerate(styles) if is_date_format(formats.get(n, ""))}
        durations = {i for i in dates if is_timedelta_format(formats.get(styles[i], ""))}
        epoch = CALENDAR_MAC_1904 if self.date1904 else CALENDAR_WINDOWS_1900
        return _DateStyles(frozenset(dates), frozenset(durations), epoch)

    def rows(
        self, member: str, strings: list[str], styles: _DateStyles
    ) -> Iterator[tuple[int, list[CellValue]]]:
        """The rows the sheet really holds, each as wide as its last filled cell.

        Rows and cells that are not written (gaps, the declared dimension) cost nothing;
        empty rows that are written count toward :data:`MAX_ROWS` (5 KB zipped hold a
        million ``<row/>``).
        """
        line = 0
        written = 0
        for element in self._elements(member, [f"{_XLSX_MAIN}row"]):
            written += 1
            if written > MAX_ROWS:
                raise _too_long_file(self.name, line + 1)
            number = element.get("r")
            line = _integer(number) if number is not None else line + 1
            column = 0
            filled: dict[int, CellValue] = {}
            for cell in element:
                if cell.tag != f"{_XLSX_MAIN}c":
                    continue
                reference = cell.get("r")
                if reference is None:
                    column += 1
                else:
                    match = _XLSX_REFERENCE.fullmatch(reference)
                    if match is None:
                        raise ImportFileError.single(self.name, _DAMAGED_XLSX, line=line)
                    column = _column_number(match.group(1))
                if not len(cell):
                    continue  # no <v> nor <is>: empty (often one far to the right)
                value = self._value(cell, strings, styles, line, column - 1)
                if value is None or value == "":
                    continue
                if column > MAX_COLUMNS:
                    raise _too_wide(self.name, line)
                filled[column - 1] = value
            if not filled:
                continue
            if line > MAX_ROWS:
                raise _too_long_file(self.name, line)
            values: list[CellValue] = [None] * (max(filled) + 1)
            for index, value in filled.items():
                values[index] = value
            yield line, values

    def _value(
        self, cell: Any, strings: list[str], styles: _DateStyles, line: int, index: int
    ) -> CellValue:
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        kind = cell.get("t") or "n"
        if kind == "inlineStr":
            inline = cell.find(f"{_XLSX_MAIN}is")
            return None if inline is None else self._text(inline, line, index)
        raw = cell.findtext(f"{_XLSX_MAIN}v")
        if raw is None or raw == "":
            return None
        if len(raw) > MAX_CELL_CHARS:
            raise _too_long(self.name, line, index)
        try:
            if kind == "s":
                position = int(raw)
                if not 0 <= position < len(strings):
                    raise ImportFileError.single(self.name, _DAMAGED_XLSX, line=line)
                return strings[position]
            if kind == "b":
                return raw.strip() in ("1", "true")
            if kind == "d":
                return _plain(from_ISO8601(raw))
            if kind != "n":
                return raw  # "str" (a formula's text), "e" (an error such as #N/A)
            number: int | float = (
                float(raw) if any(mark in raw for mark in ".eE") or "n" in raw.lower() else int(raw)
            )
            style = _integer(cell.get("s") or "0")
            if style in styles.dates and math.isfinite(number):
                return _plain(from_excel(number, styles.epoch, timedelta=style in styles.durations))
            return number
        except (ValueError, OverflowError, TypeError):
            return raw  # a value its type cannot carry: the text written is kept

    def _text(self, element: Any, line: int | None, index: int) -> str:
        """Text of a string item (``<si>``, ``<is>``): its runs, without phonetic hints."""
        if len(element) == 1 and element[0].tag == f"{_XLSX_MAIN}t":  # the usual <t>…</t>
            text = element[0].text or ""
            if len(text) > MAX_CELL_CHARS:
                raise _too_long(self.name, line or 0, index)
            return text
        parts: list[str] = []
        size = 0
        for text in element.iter(f"{_XLSX_MAIN}t"):
            if text.getparent().tag == f"{_XLSX_MAIN}rPh":
                continue
            piece = text.text or ""
            size += len(piece)
            if size > MAX_CELL_CHARS:
                raise _too_long(self.name, line or 0, index)
            parts.append(piece)
        return "".join(parts)


def _integer(raw: str | None) -> int:
    """An integer attribute; ValueError (the part is damaged) when it is not one."""
    if raw is None or len(raw) > 12:
        raise ValueError(raw)
    return int(raw)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _too_wide(name: str, line: int) -> ImportFileError:
    return ImportFileError.single(
        name,
        f"la ligne a plus de {MAX_COLUMNS} colonnes remplies : ce n'est pas "
        "une liste d'élèves ou de personnels.",
        line=line,
    )


def _too_long_file(name: str, line: int) -> ImportFileError:
    return ImportFileError.single(
        name, f"le fichier dépasse {MAX_ROWS} lignes : découpez-le.", line=line
    )


def _too_long(name: str, line: int, index: int) -> ImportFileError:
    return ImportFileError.single(
        name,
        f"la cellule dépasse {MAX_CELL_CHARS} caractères : ce n'est pas une liste d'élèves "
        "ou de personnels.",
        line=line,
        column=column_letter(index),
    )


def _bounded(name: str, line: int, values: list[CellValue]) -> list[CellValue]:
    """A row within :data:`MAX_ROWS` and :data:`MAX_COLUMNS`: empty cells beyond are dropped,
    a value beyond refuses the file (with a French message naming the line)."""
    if len(values) > MAX_COLUMNS:
        if any(value not in (None, "") for value in values[MAX_COLUMNS:]):
            raise _too_wide(name, line)
        values = values[:MAX_COLUMNS]
    if line > MAX_ROWS and any(value not in (None, "") for value in values):
        raise _too_long_file(name, line)
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


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODS_CELLS = (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell")


class _OdsReader:
    """Rows of one sheet of an ODS file, streamed from ``content.xml``.

    The document is never loaded whole (a DOM of a few megabytes of XML takes gigabytes):
    each row is read then freed. "Repeated" rows and cells are checked against the bounds
    before anything is copied, empty ones are only counted, and ``<text:s text:c="…">``
    spaces count toward :data:`MAX_CELL_CHARS`. Sheet names are known once the file has
    been read, so :attr:`chosen` and the warning about other sheets come at the end.
    """

    def __init__(self, data: bytes, name: str, wanted: str | None) -> None:
        self.data = data
        self.name = name
        self.wanted = wanted
        self.issues: list[ImportIssue] = []
        self.chosen: str | None = None

    def rows(self) -> Iterator[tuple[int, list[CellValue]]]:
        from lxml import etree

        damaged = "le classeur LibreOffice ne peut pas être lu : il semble endommagé."
        names: list[str] = []
        reading = False
        try:
            with (
                open_zip(
                    self.data, self.name, max_bytes=MAX_UNZIPPED_BYTES, damaged=damaged
                ) as archive,
                archive.open("content.xml") as content,
            ):
                line = 1
                written = 0
                for event, element in etree.iterparse(
                    content, events=("start", "end"), **_SAFE_XML
                ):
                    tag = element.tag
                    if event == "start":
                        if tag == f"{_ODS_TABLE}table":
                            names.append(str(element.get(f"{_ODS_TABLE}name") or ""))
                            reading = self.chosen is None and self.wanted in (None, names[-1])
                            if reading:
                                self.chosen = names[-1]
                        continue
                    if tag == f"{_ODS_TABLE}table-row":
                        # Empty rows count too (repeated ones are one element).
                        written += 1
                        if written > MAX_ROWS:
                            raise _too_long_file(self.name, line)
                        if reading:
                            repeat, values = self._row(element, line)
                            if values:
                                if line + repeat - 1 > MAX_ROWS:
                                    raise _too_long_file(self.name, line)
                                for _ in range(repeat):
                                    yield line, values
                                    line += 1
                            else:
                                line += repeat
                        _free(element)
                    elif tag == f"{_ODS_TABLE}table":
                        reading = False
                        _free(element)
        except ImportFileError:
            raise
        except Exception as exc:  # damaged zip or XML, missing content.xml
            raise ImportFileError.single(self.name, damaged) from exc
        if self.chosen is None:
            if not names:
                raise ImportFileError.single(self.name, "le classeur ne contient aucune feuille.")
            _pick_sheet(names, self.wanted, self.name)  # raises: the wanted sheet is missing
        self.issues[:0] = _pick_sheet(names, self.wanted, self.name)[1]

    def _row(self, row: Any, line: int) -> tuple[int, list[CellValue]]:
        repeat = _repeat(row.get(f"{_ODS_TABLE}number-rows-repeated"))
        values: list[CellValue] = []
        pending_empty = 0
        for cell in row:
            if cell.tag not in _ODS_CELLS:
                continue
            count = _repeat(cell.get(f"{_ODS_TABLE}number-columns-repeated"))
            value = self._value(cell, line, len(values) + pending_empty)
            if value is None:
                # Trailing empty cells are often repeated up to the sheet's last column.
                pending_empty += count
                continue
            # Check the width before copying anything: "repeated" costs nothing to claim.
            if len(values) + pending_empty + count > MAX_COLUMNS:
                raise _too_wide(self.name, line)
            values.extend([None] * pending_empty)
            pending_empty = 0
            values.extend([value] * count)
        return repeat, values

    def _value(self, cell: Any, line: int, index: int) -> CellValue:
        kind = cell.get(f"{_ODS_OFFICE}value-type")
        try:
            if kind in ("float", "percentage", "currency"):
                number = float(cell.get(f"{_ODS_OFFICE}value") or "")
                if math.isfinite(number):
                    return int(number) if number.is_integer() else number
            elif kind == "date":
                raw = str(cell.get(f"{_ODS_OFFICE}date-value") or "")
                return datetime.fromisoformat(raw) if "T" in raw else date.fromisoformat(raw)
            elif kind == "boolean":
                return str(cell.get(f"{_ODS_OFFICE}boolean-value")).lower() == "true"
        except ValueError:
            pass  # a value the office attribute cannot carry: the text shown is read instead
        paragraphs = [
            self._text(child, line, index) for child in cell if child.tag == f"{_ODS_TEXT}p"
        ]
        text = "\n".join(paragraphs)
        if len(text) > MAX_CELL_CHARS:
            raise _too_long(self.name, line, index)
        return text if text.strip() else None

    def _text(self, paragraph: Any, line: int, index: int) -> str:
        """Text of a ``<text:p>``, spaces, tabs and line breaks unwrapped, without recursion."""
        from lxml import etree

        parts: list[str] = []
        size = 0
        for event, element in etree.iterwalk(paragraph, events=("start", "end")):
            if event == "start":
                if element.tag == f"{_ODS_TEXT}s":
                    piece = " " * min(_repeat(element.get(f"{_ODS_TEXT}c")), MAX_CELL_CHARS + 1)
                elif element.tag == f"{_ODS_TEXT}tab":
                    piece = "\t"
                elif element.tag == f"{_ODS_TEXT}line-break":
                    piece = "\n"
                else:
                    piece = element.text or ""
            else:
                piece = (element.tail or "") if element is not paragraph else ""
            size += len(piece)
            if size > MAX_CELL_CHARS:
                raise _too_long(self.name, line, index)
            parts.append(piece)
        return "".join(parts)


def _repeat(raw: str | None) -> int:
    """A "repeated" count: 1 when absent or unreadable (the file is then read as written)."""
    try:
        return max(1, int(raw)) if raw else 1
    except ValueError:
        return 1


def _free(element: Any) -> None:
    """Drop a parsed element and the siblings before it: iterparse keeps the tree otherwise."""
    element.clear()
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


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
    cells = 0
    for line, raw in raw_rows:
        cells += len(raw)
        if cells > MAX_CELLS:
            raise ImportFileError.single(
                name,
                f"le fichier dépasse {MAX_CELLS:_} cellules : découpez-le.".replace("_", " "),
                line=line,
            )
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
