"""Tiny spreadsheets that claim huge sheets are refused quickly, with a French message."""

import io
import zipfile

import pytest

from appui.core.io.errors import ImportFileError
from appui.core.io.tabular import read_table

XLSX_PARTS = {
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


def xlsx(sheet_data: str, dimension: str = "A1:XFD1048576") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part, text in XLSX_PARTS.items():
            archive.writestr(part, text)
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{sheet_data}'
            "</sheetData></worksheet>",
        )
    return buffer.getvalue()


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def test_a_sheet_claiming_every_row_and_column_reads_only_what_it_holds():
    data = xlsx(
        f'<row r="1">{cell("A1", "Nom")}{cell("B1", "Prénom")}</row>'
        f'<row r="2">{cell("A2", "Martin")}{cell("B2", "Léa")}</row>'
    )
    assert len(data) < 5_000
    table = read_table(data, "eleves.xlsx")
    assert [row.get("nom") for row in table.rows] == ["Martin"]


def test_a_value_in_the_last_column_is_refused_in_french():
    data = xlsx(f'<row r="1">{cell("A1", "Nom")}{cell("XFD1", "x")}</row>')
    with pytest.raises(ImportFileError) as refused:
        read_table(data, "eleves.xlsx")
    assert "colonnes" in str(refused.value.issues[0].message)


def test_a_value_on_the_last_row_is_refused_in_french():
    data = xlsx(
        f'<row r="1">{cell("A1", "Nom")}</row><row r="1048576">{cell("A1048576", "y")}</row>'
    )
    with pytest.raises(ImportFileError) as refused:
        read_table(data, "eleves.xlsx")
    assert "lignes" in str(refused.value.issues[0].message)


def ods(row_xml: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="S">'
        f"{row_xml}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return buffer.getvalue()


def test_an_ods_cell_repeated_a_hundred_million_times_is_refused_before_copying():
    data = ods(
        '<table:table-row><table:table-cell table:number-columns-repeated="100000000" '
        'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
    )
    assert len(data) < 5_000
    with pytest.raises(ImportFileError) as refused:
        read_table(data, "eleves.ods")
    assert "colonnes" in str(refused.value.issues[0].message)


def test_an_ods_row_repeated_past_the_limit_is_refused():
    data = ods(
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Nom</text:p>'
        "</table:table-cell></table:table-row><table:table-row table:number-rows-repeated="
        '"100000000"><table:table-cell office:value-type="string"><text:p>x</text:p>'
        "</table:table-cell></table:table-row>"
    )
    with pytest.raises(ImportFileError) as refused:
        read_table(data, "eleves.ods")
    assert "lignes" in str(refused.value.issues[0].message)
