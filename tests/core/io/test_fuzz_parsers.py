"""Every parser of uploaded files, fuzzed: a result or the French refusal, nothing else.

Inputs are random bytes, valid files with bytes flipped, cut or inserted, valid archives
whose XML is mutated before zipping (so the damage reaches the XML parsers, not just the
zip reader), truncated archives, and random XML built from the tags the parsers look for.
Each example is small (a few KB) and must finish well inside the deadline: an unbounded
run would blow it by orders of magnitude. ``HYPOTHESIS_PROFILE=thorough`` runs ten times
more examples.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from datetime import timedelta
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appui.core.io.errors import ImportFileError
from appui.core.io.samples import fictitious_school, nomenclature_xml, sts_xml, zipped
from appui.core.io.samples_people import fictitious_guardians, responsables_xml
from appui.core.io.siecle import parse_nomenclature, parse_siecle
from appui.core.io.siecle_people import parse_people
from appui.core.io.sts import parse_sts
from appui.core.io.tabular import Column, ExportFormat, RowsExporter, read_table, render
from appui.core.io.values import (
    ValueProblem,
    parse_bool,
    parse_date,
    parse_int,
    parse_number,
    parse_sex,
)

# Generous: a bounded run takes milliseconds; an unbounded one minutes.
BOUNDED = settings(
    deadline=timedelta(seconds=10),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

PARSERS = {
    "read_table": read_table,
    "parse_siecle": parse_siecle,
    "parse_sts": parse_sts,
    "parse_people": parse_people,
    "parse_nomenclature": parse_nomenclature,
}


def outcome(parse, data: bytes) -> str:
    """Run a parser: ``read`` or ``refused``; any other exception fails the test."""
    try:
        parse(data, "fuzz")
    except ImportFileError as error:
        assert error.issues, "a refusal says why"
        assert all(issue.message for issue in error.issues)
        return "refused"
    return "read"


# ------------------------------------------------------------------------- valid seeds


@cache
def spreadsheet_seeds() -> dict[str, bytes]:
    exporter = RowsExporter(
        "eleves",
        [Column("nom", "Nom"), Column("prenom", "Prénom"), Column("naissance", "Né le")],
        [["Martin", "Léa", "03/04/2012"], ["Durand", "Tom", 12], ["Éloïse", "=1+1", 3.5]],
    )
    return {
        kind.value: b"".join(render(exporter, kind))
        for kind in (ExportFormat.CSV, ExportFormat.XLSX, ExportFormat.ODS)
    }


@cache
def xml_seeds() -> dict[str, bytes]:
    school = fictitious_school(6, seed=1)
    guardians, links = fictitious_guardians(school.students[:3])
    return {
        "siecle": zipped(
            __import__("appui.core.io.samples", fromlist=["siecle_xml"]).siecle_xml(
                school.students[:3]
            )
        ),
        "sts": sts_xml(school.staff[:3], school.divisions[:2]),
        "people": responsables_xml(guardians, links),
        "nomenclature": nomenclature_xml({"10010012110": "6EME"}, {"030201": "FRANCAIS"}),
    }


def zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rezip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# ------------------------------------------------------------------------- mutations


@st.composite
def mutated(draw, data: bytes) -> bytes:
    """``data`` with a few bytes flipped, a slice cut out or random bytes inserted."""
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[position] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del data[position : position + draw(st.integers(1, 64))]
        elif kind == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=32))
        else:
            del data[position:]
    return bytes(data)


@st.composite
def mutated_archive(draw, data: bytes) -> bytes:
    """A valid archive whose members' XML is mutated, then zipped again."""
    members = zip_members(data)
    names = sorted(members)
    for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)):
        members[name] = draw(mutated(members[name]))
    return rezip(members)


# Tags the parsers look for, so random documents reach their code paths.
TAGS = [
    "BEE_ELEVES", "BEE_RESPONSABLES", "BEE_NOMENCLATURES", "STS_EDT", "PARAMETRES", "UAJ",
    "ANNEE_SCOLAIRE", "DONNEES", "ELEVES", "ELEVE", "ID_NATIONAL", "NOM_DE_FAMILLE",
    "PRENOM", "DATE_NAISS", "CODE_MEF", "STRUCTURES", "STRUCTURES_ELEVE", "STRUCTURE",
    "CODE_STRUCTURE", "TYPE_STRUCTURE", "PERSONNES", "PERSONNE", "RESPONSABLES",
    "RESPONSABLE_ELEVE", "ADRESSES", "ADRESSE", "INDIVIDUS", "INDIVIDU", "DIVISIONS",
    "DIVISION", "GROUPES", "GROUPE", "MEFS", "MEF", "MATIERES", "MATIERE", "NOMENCLATURES",
    "SERVICES", "SERVICE", "UAJ", "DATE_SORTIE", "DATE_ENTREE", "NOM", "CODE",
]  # fmt: skip
TEXTS = st.one_of(
    st.sampled_from(["", "0999999F", "2026", "15/09/2026", "2A", "1", "x" * 40, "é"]),
    st.text(max_size=20),
)


def xml_element():
    leaf = st.builds(lambda tag, text: (tag, text, []), st.sampled_from(TAGS), TEXTS)
    return st.recursive(
        leaf,
        lambda children: st.builds(
            lambda tag, kids: (tag, None, kids),
            st.sampled_from(TAGS),
            st.lists(children, max_size=6),
        ),
        max_leaves=40,
    )


def render_xml(element, attributes: dict[str, str]) -> str:
    from xml.sax.saxutils import escape, quoteattr

    tag, text, children = element
    attrs = "".join(f" {name}={quoteattr(value)}" for name, value in attributes.items())
    inner = escape(text) if text is not None else "".join(render_xml(c, {}) for c in children)
    return f"<{tag}{attrs}>{inner}</{tag}>"


@st.composite
def random_xml(draw) -> bytes:
    root = draw(xml_element())
    attributes = draw(
        st.dictionaries(st.sampled_from(["ELEVE_ID", "CODE", "VERSION", "ID"]), TEXTS, max_size=2)
    )
    encoding = draw(st.sampled_from(["UTF-8", "ISO-8859-15"]))
    body = render_xml(root, attributes)
    data = f'<?xml version="1.0" encoding="{encoding}"?>{body}'.encode(encoding, "replace")
    return zipped(data) if draw(st.booleans()) else data


# ------------------------------------------------------------------------- properties


@pytest.mark.parametrize("parser", PARSERS)
@BOUNDED
@given(data=st.binary(max_size=2048))
def test_random_bytes_are_read_or_refused(parser, data):
    outcome(PARSERS[parser], data)


@pytest.mark.parametrize("kind", ["csv", "xlsx", "ods"])
@BOUNDED
@given(data=st.data())
def test_a_mutated_spreadsheet_is_read_or_refused(kind, data):
    seed = spreadsheet_seeds()[kind]
    outcome(read_table, data.draw(mutated(seed)))


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
@BOUNDED
@given(data=st.data())
def test_a_workbook_with_mutated_xml_is_read_or_refused(kind, data):
    seed = spreadsheet_seeds()[kind]
    outcome(read_table, data.draw(mutated_archive(seed)))


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
@BOUNDED
@given(cut=st.integers(min_value=0))
def test_a_truncated_workbook_is_refused(kind, cut):
    seed = spreadsheet_seeds()[kind]
    # Cut after the zip signature ("PK\x03\x04"): fewer bytes are no longer a workbook at
    # all, and one or two letters are a valid (if useless) one-cell CSV.
    assert outcome(read_table, seed[: 4 + cut % (len(seed) - 4)]) == "refused"


@pytest.mark.parametrize("kind", ["siecle", "sts", "people", "nomenclature"])
@pytest.mark.parametrize("parser", [p for p in PARSERS if p != "read_table"])
@BOUNDED
@given(data=st.data())
def test_a_mutated_national_export_is_read_or_refused(kind, parser, data):
    seed = xml_seeds()[kind]
    mutation = mutated_archive(seed) if seed[:2] == b"PK" else mutated(seed)
    outcome(PARSERS[parser], data.draw(mutation))


@pytest.mark.parametrize("parser", [p for p in PARSERS if p != "read_table"])
@BOUNDED
@given(data=random_xml())
def test_random_xml_is_read_or_refused(parser, data):
    outcome(PARSERS[parser], data)


@BOUNDED
@given(
    rows=st.lists(
        st.lists(
            st.one_of(st.none(), st.text(max_size=30), st.integers(), st.floats()), max_size=8
        ),
        max_size=12,
    ),
    kind=st.sampled_from(["csv", "xlsx", "ods"]),
)
def test_any_table_we_write_is_read_back_or_refused(rows, kind):
    """Our own files, with any values (control characters, NaN, huge numbers…)."""
    width = max((len(row) for row in rows), default=1) or 1
    exporter = RowsExporter("t", [Column(f"c{i}", f"C{i}") for i in range(width)], rows)
    data = b"".join(render(exporter, ExportFormat(kind)))
    outcome(read_table, data)


@BOUNDED
@given(value=st.one_of(st.none(), st.text(max_size=40), st.integers(), st.floats(), st.booleans()))
def test_cell_value_parsers_return_or_raise_value_problem(value):
    for parse in (parse_date, parse_number, parse_int, parse_sex, parse_bool):
        with contextlib.suppress(ValueProblem):
            parse(value)
