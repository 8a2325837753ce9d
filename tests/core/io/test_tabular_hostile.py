"""Tiny spreadsheets that claim huge sheets are refused quickly, with a French message."""

import pytest

from appui.core.io.errors import ImportFileError
from appui.core.io.samples_hostile import cell, ods, xlsx
from appui.core.io.tabular import read_table


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
