import csv
import io
import tracemalloc
import zipfile
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from appui.core.io.errors import ImportFileError, Severity
from appui.core.io.tabular import (
    COMMON_COLUMNS,
    Column,
    ColumnSpec,
    Exporter,
    ExportFormat,
    RowsExporter,
    TableFormat,
    iter_csv,
    map_columns,
    parse_date,
    read_table,
    render,
)

STUDENT_SPECS = [
    COMMON_COLUMNS["ine"],
    COMMON_COLUMNS["last_name"],
    COMMON_COLUMNS["first_name"],
    COMMON_COLUMNS["birth_date"],
]

ROWS = [
    ["N° INE", "NOM", "Prénom", "Né(e) le", "Score"],
    ["123456789AB", "BÉRÉNICE", "Élodie", "03/04/2012", "12,5"],
    ["223456789AB", "DUBOIS", "Noël", "28/02/2010", "8"],
]


def csv_bytes(rows, separator, encoding, bom=False):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator="\r\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode(encoding)


# ------------------------------------------------------------------------------ CSV


@pytest.mark.parametrize("separator", [";", ","])
@pytest.mark.parametrize(
    ("encoding", "bom", "detected"),
    [
        ("utf-8", True, "utf-8-sig"),
        ("utf-8", False, "utf-8"),
        ("cp1252", False, "windows-1252"),
    ],
)
def test_it_reads_csv_in_every_encoding_and_separator_schools_use(
    separator, encoding, bom, detected
):
    table = read_table(csv_bytes(ROWS, separator, encoding, bom), "eleves.csv")
    assert table.format is TableFormat.CSV
    assert (table.encoding, table.delimiter) == (detected, separator)
    assert [h.key for h in table.headers] == ["n_ine", "nom", "prenom", "ne_e_le", "score"]
    assert table.rows[0].values == {
        "n_ine": "123456789AB",
        "nom": "BÉRÉNICE",
        "prenom": "Élodie",
        "ne_e_le": "03/04/2012",
        "score": "12,5",
    }
    assert [row.line for row in table.rows] == [2, 3]
    assert not table.issues


def test_it_reads_utf16_text_exported_by_excel_with_tabs():
    data = "\r\n".join("\t".join(row) for row in ROWS).encode("utf-16")
    table = read_table(data, "eleves.txt")
    assert table.encoding == "utf-16"
    assert table.delimiter == "\t"
    assert table.rows[1].get("prenom") == "Noël"


def test_it_keeps_line_numbers_across_blank_lines_and_multiline_cells():
    data = (
        'Nom;Commentaire\r\n\r\nLEROUX;"deux\r\nlignes; avec séparateur"\r\n;\r\nMORIN;fin\r\n'
    ).encode()
    table = read_table(data, "notes.csv")
    assert [(row.line, row.get("nom")) for row in table.rows] == [(3, "LEROUX"), (6, "MORIN")]
    assert table.rows[0].get("commentaire") == "deux\r\nlignes; avec séparateur"


def test_the_header_is_the_first_non_empty_line():
    table = read_table(b"\r\n;;\r\nNom;Prenom\r\nA;B\r\n", "a.csv")
    assert table.header_line == 3
    assert table.rows[0].line == 4


def test_it_warns_about_values_without_header_and_repeated_headers():
    table = read_table(b"Nom;Nom;\r\nA;B;C\r\n", "a.csv")
    assert [h.key for h in table.headers] == ["nom", "nom_2"]
    assert {issue.column for issue in table.issues} == {"B", "C"}
    assert all(issue.severity is Severity.WARNING for issue in table.issues)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "le fichier est vide"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, r"Excel 97-2003 \(.xls\)"),
        (b"\x00\x01\x02binary", "n'est pas un fichier texte"),
    ],
)
def test_it_refuses_what_it_cannot_read(data, message):
    with pytest.raises(ImportFileError, match=message):
        read_table(data, "x")


def test_it_refuses_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "a")
    with pytest.raises(ImportFileError, match="ni un classeur Excel"):
        read_table(buffer.getvalue(), "a.zip")


def test_it_refuses_a_workbook_that_would_inflate_beyond_the_limit(monkeypatch):
    from appui.core.io.tabular import reading

    data = b"".join(
        render(RowsExporter("x", [Column("a", "A")], [["b" * 5000]]), ExportFormat.XLSX)
    )
    monkeypatch.setattr(reading, "MAX_UNZIPPED_BYTES", 4000)
    with pytest.raises(ImportFileError, match="une fois décompressé"):
        read_table(data, "a.xlsx")


def test_it_refuses_a_damaged_workbook():
    data = b"".join(render(RowsExporter("x", [Column("a", "A")], [["b"]]), ExportFormat.XLSX))
    with pytest.raises(ImportFileError, match="endommagé"):
        read_table(data[:-200], "a.xlsx")


# ------------------------------------------------------------------------- mapping


def test_it_maps_columns_by_header_name_and_synonym_whatever_case_and_accents():
    table = read_table(csv_bytes(ROWS, ";", "utf-8"), "eleves.csv")
    mapping = map_columns(table, STUDENT_SPECS)
    assert not mapping.issues
    row = table.rows[0]
    assert mapping.text(row, "ine") == "123456789AB"
    assert mapping.text(row, "last_name") == "BÉRÉNICE"
    assert mapping.text(row, "first_name") == "Élodie"
    assert mapping.clean(row, "birth_date", parse_date, []) == date(2012, 4, 3)
    assert [h.text for h in mapping.unmapped()] == ["Score"]


def test_a_missing_required_column_is_an_error_listing_accepted_headers():
    table = read_table(b"Nom;Prenom\r\nA;B\r\n", "a.csv")
    mapping = map_columns(table, [ColumnSpec("ine", "INE", ("N° INE",), required=True)])
    assert mapping.has_errors
    issue = mapping.issues[0]
    assert (issue.line, issue.field) == (1, "INE")
    assert "« INE », « N° INE »" in issue.message


def test_a_column_chosen_by_the_user_wins_over_automatic_matching():
    table = read_table(b"Nom;Nom de famille\r\nX;LEROUX\r\n", "a.csv")
    mapping = map_columns(table, [COMMON_COLUMNS["last_name"]], {"last_name": "Nom de famille"})
    assert mapping.text(table.rows[0], "last_name") == "LEROUX"
    unknown = map_columns(table, [COMMON_COLUMNS["last_name"]], {"last_name": "Inconnue"})
    assert unknown.issues[0].message == "la colonne choisie n'existe pas dans le fichier."


def test_an_unreadable_cell_becomes_an_issue_naming_file_line_column_and_value():
    rows = [ROWS[0], ["1", "A", "B", "31/02/2012", "1"], ["2", "C", "D", "", "2"]]
    table = read_table(csv_bytes(rows, ";", "utf-8"), "eleves.csv")
    mapping = map_columns(table, STUDENT_SPECS)
    issues = []
    assert mapping.clean(table.rows[0], "birth_date", parse_date, issues) is None
    assert mapping.clean(table.rows[1], "birth_date", parse_date, issues, required=True) is None
    assert [str(issue) for issue in issues] == [
        "« eleves.csv », ligne 2, colonne D (Né(e) le), valeur « 31/02/2012 » : "
        "« 31/02/2012 » n'est pas une date qui existe.",
        "« eleves.csv », ligne 3, colonne D (Né(e) le) : valeur obligatoire manquante.",
    ]


# ---------------------------------------------------------------- XLSX and ODS in


def test_it_reads_an_xlsx_with_typed_cells_gaps_and_several_sheets():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Élèves"
    sheet.append(["INE", "Nom", "Date de naissance", "Score"])
    sheet.append(["123456789AB", "BÉRÉNICE", datetime(2012, 4, 3), 12.5])
    sheet.append([])
    sheet.append(["223456789AB", "DUBOIS", "28/02/2010", 8])
    workbook.create_sheet("Autre").append(["x"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "eleves.xlsx")
    assert table.format is TableFormat.XLSX
    assert table.sheet == "Élèves"
    assert [row.line for row in table.rows] == [2, 4]
    assert table.rows[0].values["date_de_naissance"] == datetime(2012, 4, 3)
    assert table.rows[1].values["score"] == 8
    assert "seule la première, « Élèves », est lue" in table.issues[0].message
    other = read_table(buffer.getvalue(), "eleves.xlsx", sheet="Autre")
    assert other.headers[0].text == "x"
    with pytest.raises(ImportFileError, match="pas de feuille « Notes »"):
        read_table(buffer.getvalue(), "eleves.xlsx", sheet="Notes")


def test_it_reads_an_ods_written_by_another_program_with_repeated_cells():
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Feuille1")

    def row(*cells, repeat=None):
        element = TableRow(numberrowsrepeated=repeat) if repeat else TableRow()
        for cell in cells:
            element.addElement(cell)
        table.addElement(element)

    def text(value, repeat=None):
        cell = (
            TableCell(valuetype="string", numbercolumnsrepeated=repeat)
            if repeat
            else TableCell(valuetype="string")
        )
        cell.addElement(P(text=value))
        return cell

    row(text("Nom"), text("Classe"), text("Né le"), text("Note"))
    row(
        text("LEROUX"),
        text("3A"),
        TableCell(valuetype="date", datevalue="2012-04-03"),
        TableCell(valuetype="float", value="12"),
    )
    row(TableCell(numbercolumnsrepeated=1024), repeat=3)
    row(text("MORIN"), TableCell(), text("x", repeat=2), TableCell(numbercolumnsrepeated=1000))
    row(TableCell(numbercolumnsrepeated=1024), repeat=1048000)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)

    result = read_table(buffer.getvalue(), "eleves.ods")
    assert result.format is TableFormat.ODS
    assert result.rows[0].values == {
        "nom": "LEROUX",
        "classe": "3A",
        "ne_le": date(2012, 4, 3),
        "note": 12,
    }
    assert result.rows[1].line == 6
    assert result.rows[1].values == {"nom": "MORIN", "classe": None, "ne_le": "x", "note": "x"}
    assert len(result.rows) == 2


# -------------------------------------------------------------------------- writing

COLUMNS = [
    Column("last_name", "Nom"),
    Column("first_name", "Prénom"),
    Column("birth_date", "Date de naissance"),
    Column("score", "Score"),
    Column("present", "Présent"),
    Column("seen_at", "Vu le"),
    Column("comment", "Commentaire", width=40),
]

VALUES = [
    ["BÉRÉNICE", "Élodie", date(2012, 4, 3), 12.5, True, datetime(2026, 9, 1, 8, 30), "=1+1"],
    ["DUBŒUF", "Noël", None, 8, False, None, "deux\nlignes"],
    ["O'NEIL & <CO>", "  Zoé", date(2010, 2, 28), -3, True, None, "-5 points, @ revoir"],
]


class StudentsExporter(Exporter):
    """An exporter as the Django side writes them: columns declared, rows yielded."""

    title = "Élèves de 3e A"
    columns = COLUMNS

    def rows(self):
        for values in VALUES:
            yield dict(zip([column.key for column in COLUMNS], values, strict=True))


def export_bytes(exporter, export_format):
    return b"".join(render(exporter, export_format))


def test_exporters_name_their_files_from_their_title():
    assert StudentsExporter().file_name(ExportFormat.XLSX) == "eleves-de-3e-a.xlsx"
    assert ExportFormat.CSV.content_type == "text/csv; charset=utf-8"
    assert ExportFormat.ODS.label == "LibreOffice (ODS)"


def test_csv_is_semicolon_separated_utf8_with_bom_and_french_numbers():
    data = export_bytes(StudentsExporter(), ExportFormat.CSV)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Nom;Prénom;Date de naissance;Score;Présent;Vu le;Commentaire"
    assert lines[1] == "BÉRÉNICE;Élodie;03/04/2012;12,5;oui;01/09/2026 08:30;'=1+1"


@pytest.mark.parametrize("export_format", list(ExportFormat))
def test_every_format_round_trips_through_the_reader(export_format):
    data = export_bytes(StudentsExporter(), export_format)
    table = read_table(data, StudentsExporter().file_name(export_format))
    assert [h.text for h in table.headers] == [c.header for c in COLUMNS]
    # In CSV the multi-line comment of the second row takes two lines of the file.
    expected_lines = [2, 3, 5] if export_format is ExportFormat.CSV else [2, 3, 4]
    assert [row.line for row in table.rows] == expected_lines
    first, second, third = (row.values for row in table.rows)
    assert first["nom"] == "BÉRÉNICE"
    assert first["commentaire"] == "=1+1"
    assert second["commentaire"] == "deux\nlignes"
    assert third["nom"] == "O'NEIL & <CO>"
    assert third["commentaire"] == "-5 points, @ revoir"
    assert parse_date(first["date_de_naissance"]) == date(2012, 4, 3)
    assert second["date_de_naissance"] is None
    if export_format is ExportFormat.CSV:
        assert (first["score"], first["present"]) == ("12,5", "oui")
    else:
        assert (first["score"], first["present"], third["score"]) == (12.5, True, -3)
        assert first["vu_le"] == datetime(2026, 9, 1, 8, 30)


def test_xlsx_cells_are_typed_and_text_never_becomes_a_formula():
    data = export_bytes(StudentsExporter(), ExportFormat.XLSX)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Élèves de 3e A"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet["C2"].number_format == "DD/MM/YYYY"
    assert sheet["G2"].value == "=1+1"
    assert sheet["G2"].data_type == "s"


def test_ods_is_a_valid_opendocument_package():
    data = export_bytes(StudentsExporter(), ExportFormat.ODS)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        assert "content.xml" in archive.read("META-INF/manifest.xml").decode()
    from odf.opendocument import load

    assert load(io.BytesIO(data)).getElementsByType  # odfpy parses what we wrote


text_cells = st.text(
    alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"], exclude_characters="\x85"),
    max_size=15,
).map(str.strip)


@given(st.lists(st.lists(text_cells, min_size=3, max_size=3), min_size=1, max_size=6))
def test_csv_gives_back_exactly_the_text_it_was_given(rows):
    exporter = RowsExporter("t", [Column("a", "A"), Column("b", "B"), Column("c", "C")], rows)
    table = read_table(b"".join(iter_csv(exporter)), "t.csv")
    expected = [[value or None for value in row] for row in rows if any(row)]
    assert [[row.get(key) for key in ("a", "b", "c")] for row in table.rows] == expected


# ------------------------------------------------------------------------ streaming


class CountingExporter(Exporter):
    """Rows made on demand (10,000 by default), counting how many have been produced."""

    title = "Présences"

    def __init__(self, total: int = 10_000, width: int = 6) -> None:
        self.total = total
        self.width = width
        self.columns = [Column(f"c{index}", f"Colonne {index}") for index in range(width)]
        self.produced = 0

    def rows(self) -> Iterator[list]:
        for number in range(self.total):
            self.produced += 1
            values = [f"Élève {number}", date(2026, 9, 1), number, "3A", number / 3, "présent"]
            yield values[: self.width]


def test_csv_of_10000_rows_streams_in_chunks_as_rows_are_produced():
    exporter = CountingExporter()
    chunks = iter_csv(exporter)
    assert next(chunks) == b"\xef\xbb\xbf"
    first = next(chunks)
    assert exporter.produced < exporter.total
    rest = list(chunks)
    assert exporter.produced == exporter.total
    assert len(rest) > 5
    assert max(len(chunk) for chunk in [first, *rest]) < 80 * 1024


def peak_memory(export_format, rows):
    """Peak traced memory while writing ``rows`` rows, after checking they were all written."""
    exporter = CountingExporter(rows, width=3)
    tracemalloc.start()
    try:
        for _chunk in render(exporter, export_format):
            pass
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert exporter.produced == rows
    return peak


@pytest.mark.parametrize("export_format", list(ExportFormat))
def test_memory_does_not_grow_with_the_number_of_rows(export_format):
    small_peak = peak_memory(export_format, 1_000)
    large_peak = peak_memory(export_format, 10_000)
    # Ten times the rows, yet the memory used to write them stays about the same.
    assert large_peak < small_peak * 1.5 + 512 * 1024
    assert large_peak < 16 * 1024 * 1024


@pytest.mark.parametrize("export_format", list(ExportFormat))
def test_control_characters_pasted_into_text_do_not_break_the_file(export_format):
    exporter = RowsExporter("t", [Column("a", "A")], [["avant\x0bapr\x08ès"]])
    table = read_table(export_bytes(exporter, export_format), f"t.{export_format}")
    assert table.rows[0].get("a") in ("avantaprès", "avant\x0bapr\x08ès")


def test_write_puts_the_same_bytes_in_a_file_as_render_streams():
    from appui.core.io.tabular import write

    target = io.BytesIO()
    write(StudentsExporter(), ExportFormat.CSV, target)
    assert target.getvalue() == export_bytes(StudentsExporter(), ExportFormat.CSV)
