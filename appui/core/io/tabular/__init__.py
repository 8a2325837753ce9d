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

The package, by step: ``reading`` (files to tables), ``mapping`` (header names to the
columns an import needs) and ``writing`` (exporters to streamed files).
"""

from appui.core.io.values import (
    CellValue,
    parse_bool,
    parse_date,
    parse_int,
    parse_number,
    parse_sex,
)

from .mapping import COMMON_COLUMNS, ColumnMapping, ColumnSpec, map_columns
from .reading import Header, Row, Table, TableFormat, column_letter, read_table
from .writing import (
    Column,
    Exporter,
    ExportFormat,
    RowsExporter,
    iter_csv,
    iter_ods,
    iter_xlsx,
    render,
    write,
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
