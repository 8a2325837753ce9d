"""Writing an :class:`Exporter`'s rows as CSV, XLSX or ODS, streamed (see the package
docstring)."""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import IO, Any
from xml.sax.saxutils import escape

from appui.core.io._xml import xml_safe
from appui.core.io.values import (
    CellValue,
    as_text,
    fold,
)


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
