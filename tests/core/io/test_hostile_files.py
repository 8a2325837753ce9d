"""Every hostile sample is refused (or read within bounds) in bounded memory, in French.

Each file is read in a forked child process, whose peak resident memory is measured from
its own start: the bar is 200 MB extra (a functional limit: the server has workers to keep
alive). Time is only bounded generously here (30 s: an unbounded run takes minutes or never
ends); the figure against the 2 s bar is measured by ``bench/hostile.py``.
"""

from __future__ import annotations

import multiprocessing
import resource
import time

import pytest

from appui.core.io import samples_hostile
from appui.core.io.errors import ImportFileError
from appui.core.io.siecle import parse_nomenclature, parse_siecle
from appui.core.io.siecle_people import parse_people
from appui.core.io.sts import parse_sts
from appui.core.io.tabular import read_table

MEMORY_BAR_MB = 200
GENEROUS_SECONDS = 30

PARSERS = {
    "read_table": read_table,
    "parse_siecle": parse_siecle,
    "parse_sts": parse_sts,
    "parse_people": parse_people,
    "parse_nomenclature": parse_nomenclature,
}
# Hostile only in what they claim: read, their claims ignored.
READABLE = {
    "xlsx-dimension-A1:XFD1048576",
    "xlsx-100k-empty-cells-in-XFD",
    "xlsx-gap-to-row-1048576",
}


def _child(parser: str, sample: str, connection) -> None:
    build = samples_hostile.SPREADSHEETS.get(sample) or samples_hostile.XML_FILES[sample]
    data = build()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    try:
        PARSERS[parser](data, "hostile")
        outcome, message = "read", ""
    except ImportFileError as error:
        outcome, message = "refused", error.issues[0].message
    except BaseException as exc:  # reported to the test, which fails
        outcome, message = "crash", f"{type(exc).__name__}: {exc}"[:300]
    elapsed = time.perf_counter() - started
    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    connection.send((outcome, message, elapsed, peak, len(data)))
    connection.close()


def run_isolated(parser: str, sample: str) -> tuple[str, str, float, float, int]:
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(parser, sample, sending))
    process.start()
    try:
        if not receiving.poll(GENEROUS_SECONDS):
            pytest.fail(f"{parser} still reading {sample} after {GENEROUS_SECONDS} s")
        return receiving.recv()
    finally:
        process.kill()
        process.join()


@pytest.mark.parametrize("sample", list(samples_hostile.SPREADSHEETS))
def test_a_hostile_spreadsheet_is_refused_in_bounded_memory(sample):
    outcome, message, _elapsed, peak, _size = run_isolated("read_table", sample)
    assert outcome == ("read" if sample in READABLE else "refused"), message
    assert peak < MEMORY_BAR_MB


@pytest.mark.parametrize("parser", [name for name in PARSERS if name != "read_table"])
@pytest.mark.parametrize("sample", list(samples_hostile.XML_FILES))
def test_a_hostile_xml_file_is_refused_in_bounded_memory(parser, sample):
    outcome, message, _elapsed, peak, _size = run_isolated(parser, sample)
    assert outcome == "refused", message
    assert peak < MEMORY_BAR_MB


def test_the_issues_two_files_are_tiny():
    assert len(samples_hostile.xlsx_claimed_dimension()) < 5_000
    assert len(samples_hostile.ods_repeated_columns()) < 2_000


def test_a_workbook_claiming_the_whole_sheet_reads_only_its_cells():
    table = read_table(samples_hostile.xlsx_claimed_dimension(), "eleves.xlsx")
    assert [header.text for header in table.headers] == ["Nom", "Prénom", "Division"]
    assert [row.get("nom") for row in table.rows] == ["Élève1", "Élève2", "Élève3"]


@pytest.mark.parametrize(
    ("sample", "words"),
    [
        ("ods-columns-repeated-1e8", "colonnes"),
        ("ods-empty-rows-repeated-1e9", "lignes"),
        ("ods-1M-empty-rows", "lignes"),
        ("xlsx-1048575-empty-rows", "lignes"),
        ("ods-rows-repeated-199000x1000", "cellules"),
        ("ods-text-s-1e9-spaces", "caractères"),
        ("xlsx-deflate-bomb-60MB", "décompressé"),
        ("xlsx-bzip2-members", "compression"),
        ("xlsx-5000-members", "fichiers"),
        ("csv-2M-separators", "caractères"),
        ("csv-unclosed-quote", "guillemet"),
    ],
)
def test_the_refusal_says_why_in_french(sample, words):
    with pytest.raises(ImportFileError) as refused:
        read_table(samples_hostile.SPREADSHEETS[sample](), "eleves")
    assert words in refused.value.issues[0].message


def test_an_xml_file_with_a_doctype_is_refused_before_parsing():
    with pytest.raises(ImportFileError, match="DOCTYPE"):
        parse_siecle(samples_hostile.xml_billion_laughs(), "e.xml")


def test_a_list_longer_than_any_school_is_refused_naming_the_element():
    with pytest.raises(ImportFileError) as refused:
        parse_siecle(samples_hostile.xml_many_empty_records(), "e.zip")
    issue = refused.value.issues[0]
    assert issue.field == "ELEVE"
    assert issue.line is not None
    assert "30 000" in issue.message
