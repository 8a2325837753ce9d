"""Hostile files, for the tests and the bench: tiny inputs that claim or expand to huge ones.

Each builder returns the bytes of a file an attacker (or a broken tool) could upload. They are
small on disk — most under 5 KB — and each targets one way a reader could be made to work or
allocate without bound: a declared sheet dimension, "repeated" rows, cells or spaces, gaps in
row numbers, decompression ratios, compression methods that ignore declared sizes, entity
expansion, deep nesting, long lines. :data:`SPREADSHEETS` and :data:`XML_FILES` list them by
name for loops; every reader must refuse each one with its French message, quickly and in
bounded memory (see ``bench/hostile.py``).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Mapping

__all__ = ["SPREADSHEETS", "XML_FILES", "cell", "ods", "xlsx"]

_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats'
        '-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
}


def _zip(members: Mapping[str, bytes | str], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method, compresslevel=9) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return buffer.getvalue()


def xlsx(
    sheet_data: str, dimension: str = "A1:XFD1048576", method: int = zipfile.ZIP_DEFLATED
) -> bytes:
    """A minimal XLSX whose only sheet holds ``sheet_data`` and declares ``dimension``."""
    sheet = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{sheet_data}'
        "</sheetData></worksheet>"
    )
    return _zip({**_XLSX_PARTS, "xl/worksheets/sheet1.xml": sheet}, method)


def cell(ref: str, text: str) -> str:
    """An inline-string cell of an XLSX sheet."""
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def ods(table_xml: str, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A minimal ODS whose only sheet holds ``table_xml`` (rows)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="S">'
        f"{table_xml}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    return _zip(
        {
            "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": content,
            "META-INF/manifest.xml": manifest,
        },
        method,
    )


def _ods_text(text: str, repeat: int = 1) -> str:
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return (
        f'<table:table-cell office:value-type="string"{repeated}><text:p>{text}</text:p>'
        "</table:table-cell>"
    )


_HEADER = f"<table:table-row>{_ods_text('Nom')}{_ods_text('Prénom')}</table:table-row>"


# --------------------------------------------------------------------------- spreadsheets


def xlsx_claimed_dimension() -> bytes:
    """The issue's file: a workbook as a spreadsheet program writes it (about 4.7 KB) whose
    sheet claims ``A1:XFD1048576``: padding every row to the claim is 17 billion cells."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Prénom", "Division"])
    for number in range(1, 4):
        sheet.append([f"Élève{number}", "Léa", "2A"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    members = {info.filename: source.read(info) for info in source.infolist()}
    members["xl/worksheets/sheet1.xml"] = re.sub(
        rb'<dimension ref="[^"]*"',
        b'<dimension ref="A1:XFD1048576"',
        members["xl/worksheets/sheet1.xml"],
    )
    return _zip(members)


def xlsx_far_empty_cells() -> bytes:
    """100,000 rows (about 2 KB zipped) each holding one empty cell in the last column (XFD):
    openpyxl pads each row up to it."""
    rows = '<row><c r="XFD1"/></row>' * 100_000
    return xlsx(f'<row r="1">{cell("A1", "Nom")}</row>{rows}')


def xlsx_last_row_gap() -> bytes:
    """A header, then an empty row numbered 1,048,576: a million missing rows in between."""
    return xlsx(f'<row r="1">{cell("A1", "Nom")}</row><row r="1048576"><c r="A1048576"/></row>')


def xlsx_million_empty_rows() -> bytes:
    """A header then 1,048,575 empty ``<row/>`` (about 6 KB zipped)."""
    return xlsx(f'<row r="1">{cell("A1", "Nom")}</row>' + "<row/>" * 1_048_575)


def xlsx_value_in_last_cell() -> bytes:
    """A value in the sheet's very last cell (XFD1048576)."""
    return xlsx(
        f'<row r="1">{cell("A1", "Nom")}</row><row r="1048576">{cell("XFD1048576", "x")}</row>'
    )


def xlsx_deflate_bomb() -> bytes:
    """A sheet of 60 MB of spaces, deflated to about 60 KB."""
    return xlsx(" " * (60 * 1024 * 1024))


def xlsx_bzip2() -> bytes:
    """A workbook whose members are bzip2-compressed (a method office suites never use)."""
    return xlsx(f'<row r="1">{cell("A1", "Nom")}</row>', method=zipfile.ZIP_BZIP2)


def xlsx_many_members() -> bytes:
    """A workbook padded with 5,000 empty members."""
    members: dict[str, bytes | str] = {f"pad/{n}": b"" for n in range(5_000)}
    members.update(_XLSX_PARTS)
    members["xl/worksheets/sheet1.xml"] = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData/></worksheet>"
    )
    return _zip(members)


def xlsx_billion_laughs() -> bytes:
    """Entity expansion in the sheet XML."""
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(9)
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]><worksheet xmlns='
        '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
        '<c r="A1" t="inlineStr"><is><t>&j;</t></is></c></row></sheetData></worksheet>'
    )
    return _zip({**_XLSX_PARTS, "xl/worksheets/sheet1.xml": sheet})


def ods_repeated_columns() -> bytes:
    """The issue's file: one cell repeated 100,000,000 times across, and its row repeated
    down: a copy of each is gigabytes."""
    return ods(
        '<table:table-row table:number-rows-repeated="1000000">'
        f"{_ods_text('x', 100_000_000)}</table:table-row>"
    )


def ods_repeated_rows() -> bytes:
    """A header of 1,000 columns, then a full row of 1,000 values repeated 199,000 times:
    199 million cells."""
    return ods(
        f"<table:table-row>{_ods_text('h', 1_000)}</table:table-row>"
        '<table:table-row table:number-rows-repeated="199000">'
        f"{_ods_text('x', 1_000)}</table:table-row>"
    )


def ods_empty_rows_then_value() -> bytes:
    """A header, a billion repeated empty rows, then a value."""
    return ods(
        f"{_HEADER}"
        '<table:table-row table:number-rows-repeated="1000000000"><table:table-cell/>'
        f"</table:table-row><table:table-row>{_ods_text('x')}</table:table-row>"
    )


def ods_million_empty_rows() -> bytes:
    """A header then a million empty rows, each written out (about 5 KB zipped)."""
    return ods(_HEADER + "<table:table-row/>" * 1_000_000)


def ods_repeated_spaces() -> bytes:
    """One cell whose text holds ``<text:s text:c="1000000000"/>``: a billion spaces."""
    return ods(
        f'{_HEADER}<table:table-row><table:table-cell office:value-type="string">'
        '<text:p>a<text:s text:c="1000000000"/>b</text:p></table:table-cell></table:table-row>'
    )


def ods_deep_spans() -> bytes:
    """100,000 nested ``<text:span>`` in one cell."""
    depth = 100_000
    return ods(
        f'{_HEADER}<table:table-row><table:table-cell office:value-type="string"><text:p>'
        + "<text:span>" * depth
        + "x"
        + "</text:span>" * depth
        + "</text:p></table:table-cell></table:table-row>"
    )


def csv_long_line() -> bytes:
    """A CSV whose second line is 2,000,000 separators."""
    return b"Nom;Pr\xc3\xa9nom\n" + b";" * 2_000_000 + b"\n"


def csv_unclosed_quote() -> bytes:
    """A quote never closed, swallowing 300 KB."""
    return b'Nom;Pr\xc3\xa9nom\n"' + b"a" * 300_000 + b"\n"


def csv_broken_utf16() -> bytes:
    """A UTF-16 byte-order mark followed by an odd number of bytes and a lone surrogate."""
    return b"\xff\xfeN\x00o\x00\x00\xd8m"


SPREADSHEETS: dict[str, Callable[[], bytes]] = {
    "xlsx-dimension-A1:XFD1048576": xlsx_claimed_dimension,
    "xlsx-100k-empty-cells-in-XFD": xlsx_far_empty_cells,
    "xlsx-gap-to-row-1048576": xlsx_last_row_gap,
    "xlsx-1048575-empty-rows": xlsx_million_empty_rows,
    "xlsx-value-in-XFD1048576": xlsx_value_in_last_cell,
    "xlsx-deflate-bomb-60MB": xlsx_deflate_bomb,
    "xlsx-bzip2-members": xlsx_bzip2,
    "xlsx-5000-members": xlsx_many_members,
    "xlsx-billion-laughs": xlsx_billion_laughs,
    "ods-columns-repeated-1e8": ods_repeated_columns,
    "ods-rows-repeated-199000x1000": ods_repeated_rows,
    "ods-empty-rows-repeated-1e9": ods_empty_rows_then_value,
    "ods-1M-empty-rows": ods_million_empty_rows,
    "ods-text-s-1e9-spaces": ods_repeated_spaces,
    "ods-100k-nested-spans": ods_deep_spans,
    "csv-2M-separators": csv_long_line,
    "csv-unclosed-quote": csv_unclosed_quote,
    "csv-broken-utf16": csv_broken_utf16,
}
"""Hostile spreadsheets by name: :func:`~appui.core.io.tabular.read_table` refuses each.
``xlsx-dimension-A1:XFD1048576`` is readable (its claim is ignored); every other is refused."""


# ------------------------------------------------------------------------------------ XML


def _bee(body: str, root: str = "BEE_ELEVES") -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><{root} VERSION="3.1">{body}</{root}>'.encode()


def xml_billion_laughs() -> bytes:
    """The classic entity expansion: 10 bytes become a billion."""
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(9)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE BEE_ELEVES [{entities}]>'
        "<BEE_ELEVES><PARAMETRES><UAJ>&j;</UAJ></PARAMETRES></BEE_ELEVES>"
    ).encode()


def xml_external_entity() -> bytes:
    """An external entity pointing at a local file and a network address."""
    return (
        b'<?xml version="1.0"?><!DOCTYPE BEE_ELEVES [<!ENTITY f SYSTEM "file:///etc/passwd">'
        b'<!ENTITY n SYSTEM "http://192.0.2.1/x">]>'
        b"<BEE_ELEVES><PARAMETRES><UAJ>&f;&n;</UAJ></PARAMETRES></BEE_ELEVES>"
    )


def xml_deep_nesting() -> bytes:
    """100,000 nested elements."""
    return _bee("<DONNEES>" + "<X>" * 100_000 + "</X>" * 100_000 + "</DONNEES>")


def xml_huge_text_zipped() -> bytes:
    """A zip whose XML holds one 20 MB text node (about 20 KB compressed)."""
    body = "<PARAMETRES><UAJ>" + "A" * (20 * 1024 * 1024) + "</UAJ></PARAMETRES>"
    return _zip({"ElevesSansAdresses.xml": _bee(body)})


def xml_claimed_gigabyte() -> bytes:
    """A zip whose member declares 1 GB once inflated (the header says so; a few bytes)."""
    data = bytearray(_zip({"ElevesSansAdresses.xml": _bee("")}))
    # Patch the declared size in the local header (offset 22) and the central directory.
    size = (1024 * 1024 * 1024).to_bytes(4, "little")
    data[22:26] = size
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = size
    return bytes(data)


def xml_many_empty_records() -> bytes:
    """A zip of 5 KB: 600,000 empty ``<ELEVE/>`` (and as many ``<INDIVIDU/>``, ``<PERSONNE/>``)."""
    body = (
        "<PARAMETRES><UAJ>0210000A</UAJ><ANNEE_SCOLAIRE>2025</ANNEE_SCOLAIRE></PARAMETRES>"
        "<DONNEES><ELEVES>" + "<ELEVE/>" * 600_000 + "</ELEVES></DONNEES>"
    )
    return _zip({"ElevesSansAdresses.xml": _bee(body)})


def xml_bzip2_zip() -> bytes:
    """A SIECLE zip compressed with bzip2."""
    return _zip({"ElevesSansAdresses.xml": _bee("")}, zipfile.ZIP_BZIP2)


XML_FILES: dict[str, Callable[[], bytes]] = {
    "xml-billion-laughs": xml_billion_laughs,
    "xml-external-entity": xml_external_entity,
    "xml-100k-deep": xml_deep_nesting,
    "xml-20MB-text-node": xml_huge_text_zipped,
    "xml-zip-claiming-1GB": xml_claimed_gigabyte,
    "xml-600k-empty-records": xml_many_empty_records,
    "xml-bzip2-zip": xml_bzip2_zip,
}
"""Hostile XML files by name: the SIECLE, STS-web and guardians readers refuse each."""
