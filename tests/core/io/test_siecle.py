import io
import zipfile
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appui.core.io.errors import ImportFileError, Severity
from appui.core.io.mef import Track
from appui.core.io.samples import SampleStudent, nomenclature_xml, siecle_xml, zipped
from appui.core.io.siecle import parse_nomenclature, parse_siecle
from appui.core.io.values import Sex

# A small fictitious export written by hand, as SIECLE writes it: ISO-8859-15, accents,
# a student who left, one in the "Inactifs" pseudo-division, groups and options.
ELEVES = """<?xml version="1.0" encoding="ISO-8859-15"?>
<BEE_ELEVES VERSION="3.7">
  <PARAMETRES>
    <UAJ>0999999z</UAJ>
    <ANNEE_SCOLAIRE>2026</ANNEE_SCOLAIRE>
    <DATE_EXPORT>15/09/2026</DATE_EXPORT>
    <HORODATAGE>15/09/2026 10:12:00</HORODATAGE>
  </PARAMETRES>
  <DONNEES>
    <ELEVES>
      <ELEVE ELEVE_ID="100001" ELENOET="4001">
        <ID_NATIONAL>123456789AB</ID_NATIONAL>
        <NOM_DE_FAMILLE>BÉRÉNICE</NOM_DE_FAMILLE>
        <PRENOM>Élodie</PRENOM>
        <PRENOM2>Zoé</PRENOM2>
        <DATE_NAISS>03/04/2012</DATE_NAISS>
        <CODE_SEXE>2</CODE_SEXE>
        <CODE_MEF>10310019110</CODE_MEF>
        <DOUBLEMENT>N</DOUBLEMENT>
        <DATE_ENTREE>01/09/2026</DATE_ENTREE>
        <MEL>elodie.berenice@example.org</MEL>
        <SCOLARITE_AN_DERNIER>
          <CODE_STRUCTURE>4B</CODE_STRUCTURE>
          <CODE_RNE>0999998Y</CODE_RNE>
        </SCOLARITE_AN_DERNIER>
      </ELEVE>
      <ELEVE ELEVE_ID="100002" ELENOET="4002">
        <ID_NATIONAL>223456789AB</ID_NATIONAL>
        <NOM_DE_FAMILLE>DUBŒUF</NOM_DE_FAMILLE>
        <NOM_USAGE>MÉNARD</NOM_USAGE>
        <PRENOM>Noël</PRENOM>
        <DATE_NAISS>28/02/2010</DATE_NAISS>
        <CODE_SEXE>1</CODE_SEXE>
        <CODE_MEF>24731005310</CODE_MEF>
      </ELEVE>
      <ELEVE ELEVE_ID="100003" ELENOET="4003">
        <ID_NATIONAL>323456789AB</ID_NATIONAL>
        <NOM_DE_FAMILLE>LEFÈVRE</NOM_DE_FAMILLE>
        <PRENOM>Anaïs</PRENOM>
        <DATE_NAISS>12/11/2009</DATE_NAISS>
        <CODE_SEXE>2</CODE_SEXE>
        <CODE_MEF>24125402220</CODE_MEF>
        <DATE_SORTIE>02/10/2026</DATE_SORTIE>
        <CODE_MOTIF_SORTIE>1</CODE_MOTIF_SORTIE>
      </ELEVE>
      <ELEVE ELEVE_ID="100004" ELENOET="4004">
        <NOM_DE_FAMILLE>HÉBERT</NOM_DE_FAMILLE>
        <PRENOM>Loïc</PRENOM>
        <DATE_NAISS>01/01/2011</DATE_NAISS>
        <CODE_SEXE>1</CODE_SEXE>
        <CODE_MEF>10210001110</CODE_MEF>
      </ELEVE>
    </ELEVES>
    <OPTIONS>
      <OPTION ELEVE_ID="100001" ELENOET="4001">
        <OPTIONS_ELEVE>
          <NUM_OPTION>1</NUM_OPTION>
          <CODE_MODALITE_ELECT>S</CODE_MODALITE_ELECT>
          <CODE_MATIERE>030201</CODE_MATIERE>
        </OPTIONS_ELEVE>
      </OPTION>
    </OPTIONS>
    <STRUCTURES>
      <STRUCTURES_ELEVE ELEVE_ID="100001">
        <STRUCTURE><CODE_STRUCTURE>3A</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE>
        <STRUCTURE><CODE_STRUCTURE>3A_AP1</CODE_STRUCTURE><TYPE_STRUCTURE>G</TYPE_STRUCTURE></STRUCTURE>
        <STRUCTURE><CODE_STRUCTURE>3_LAT</CODE_STRUCTURE><TYPE_STRUCTURE>G</TYPE_STRUCTURE></STRUCTURE>
      </STRUCTURES_ELEVE>
      <STRUCTURES_ELEVE ELEVE_ID="100002">
        <STRUCTURE><CODE_STRUCTURE>2PRO MRC</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE>
      </STRUCTURES_ELEVE>
      <STRUCTURES_ELEVE ELEVE_ID="100003">
        <STRUCTURE><CODE_STRUCTURE>2CAP</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE>
      </STRUCTURES_ELEVE>
      <STRUCTURES_ELEVE ELEVE_ID="100004">
        <STRUCTURE><CODE_STRUCTURE>Inactifs</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE>
      </STRUCTURES_ELEVE>
    </STRUCTURES>
  </DONNEES>
</BEE_ELEVES>
""".encode("iso-8859-15")

ZIP_NAME = "ExportXML_ElevesSansAdresses.zip"


def line_of(marker):
    """Line of the first occurrence of ``marker`` in ELEVES."""
    return ELEVES[: ELEVES.index(marker.encode("iso-8859-15"))].count(b"\n") + 1


def by_id(export):
    return {student.eleve_id: student for student in export.students}


def test_it_reads_a_zipped_iso_8859_15_export():
    export = parse_siecle(zipped(ELEVES), ZIP_NAME)

    assert export.file_name == f"{ZIP_NAME} › ElevesSansAdresses.xml"
    assert export.parameters.uai == "0999999Z"
    assert export.parameters.school_year == 2026
    assert export.parameters.school_year_label == "2026-2027"
    assert export.parameters.export_date == date(2026, 9, 15)
    elodie = by_id(export)["100001"]
    assert (elodie.last_name, elodie.first_name) == ("BÉRÉNICE", "Élodie")
    assert elodie.other_first_names == ("Zoé",)
    assert elodie.elenoet == "4001"
    assert elodie.ine == "123456789AB"
    assert elodie.birth_date == date(2012, 4, 3)
    assert elodie.sex is Sex.F
    assert elodie.division == "3A"
    assert elodie.groups == ("3A_AP1", "3_LAT")
    assert elodie.options[0].subject_code == "030201"
    assert elodie.email == "elodie.berenice@example.org"
    assert elodie.repeating is False
    assert elodie.entry_date == date(2026, 9, 1)
    assert elodie.previous_school_uai == "0999998Y"
    assert elodie.level is not None and elodie.level.short_label == "3e"
    assert elodie.current
    assert not export.has_errors


def test_it_honours_iso_8859_15_letters_absent_from_latin_1():
    noel = by_id(parse_siecle(ELEVES, "ElevesSansAdresses.xml"))["100002"]
    assert noel.last_name == "DUBŒUF"
    assert noel.display_last_name == "MÉNARD"
    assert noel.full_name == "MÉNARD Noël"


def test_it_flags_a_student_who_left_without_dropping_them():
    export = parse_siecle(ELEVES, "ElevesSansAdresses.xml")
    anais = by_id(export)["100003"]
    assert anais.left
    assert anais.exit_date == date(2026, 10, 2)
    assert anais.exit_reason_code == "1"
    assert anais.division == "2CAP"
    assert not anais.current
    assert anais in export.left_students
    assert anais not in export.current_students


def test_it_keeps_a_student_of_the_inactifs_pseudo_division_out_of_current_students():
    export = parse_siecle(ELEVES, "ElevesSansAdresses.xml")
    loic = by_id(export)["100004"]
    assert loic.division is None
    assert loic.pseudo_division == "Inactifs"
    assert not loic.current
    assert "Inactifs" not in export.divisions
    warning = next(issue for issue in export.issues if "Inactifs" in issue.message)
    assert warning.severity is Severity.WARNING
    assert warning.line == line_of('ELEVE_ID="100004"')


def test_it_lists_divisions_and_groups_of_current_students():
    export = parse_siecle(ELEVES, "ElevesSansAdresses.xml")
    assert export.divisions == ["2PRO MRC", "3A"]
    assert export.groups == ["3A_AP1", "3_LAT"]


def test_it_detects_levels_from_mef_codes():
    students = by_id(parse_siecle(ELEVES, "ElevesSansAdresses.xml"))
    assert students["100002"].level.track is Track.BAC_PRO
    assert students["100002"].level.year == 1
    assert students["100003"].level.track is Track.CAP
    assert students["100003"].level.year == 2


def test_it_warns_about_a_student_without_ine():
    export = parse_siecle(ELEVES, "ElevesSansAdresses.xml")
    warning = next(issue for issue in export.issues if issue.field == "ID_NATIONAL")
    assert "HÉBERT Loïc n'a pas d'INE" in warning.message
    assert not warning.is_error


def test_it_reads_a_path_and_an_open_file(tmp_path):
    path = tmp_path / "ElevesSansAdresses.xml"
    path.write_bytes(ELEVES)
    assert len(parse_siecle(path).students) == 4
    with path.open("rb") as handle:
        export = parse_siecle(handle)
    assert export.file_name == "ElevesSansAdresses.xml"
    assert len(export.students) == 4


def test_it_finds_the_export_among_other_files_of_the_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("LISEZMOI.txt", "rien")
        archive.writestr("__MACOSX/._ElevesAvecAdresses.xml", "junk")
        archive.writestr("Nomenclature.xml", b"<BEE_NOMENCLATURES/>")
        archive.writestr("export/ElevesAvecAdresses.xml", ELEVES)
    export = parse_siecle(buffer.getvalue(), "ExportXML_ElevesAvecAdresses.zip")
    assert export.file_name.endswith("› ElevesAvecAdresses.xml")
    assert len(export.students) == 4


def test_it_refuses_a_zip_without_xml():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("eleves.csv", "a;b")
    with pytest.raises(ImportFileError, match="ne contient aucun fichier XML"):
        parse_siecle(buffer.getvalue(), ZIP_NAME)


def test_it_refuses_a_zip_holding_several_unknown_xml_files():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.xml", ELEVES)
        archive.writestr("b.xml", ELEVES)
    with pytest.raises(ImportFileError, match=r"plusieurs fichiers XML \(a.xml, b.xml\)"):
        parse_siecle(buffer.getvalue(), ZIP_NAME)


def test_it_never_inflates_a_zip_member_beyond_the_limit(monkeypatch):
    from appui.core.io import _files

    data = zipped(ELEVES + b"<!--" + b" " * 100_000 + b"-->")
    monkeypatch.setattr(_files, "MAX_FILE_BYTES", 50_000)
    with pytest.raises(ImportFileError, match="dépasse la taille maximale"):
        parse_siecle(data, ZIP_NAME)


def test_it_refuses_a_damaged_zip():
    data = zipped(ELEVES)
    with pytest.raises(ImportFileError, match="endommagée"):
        parse_siecle(data[: len(data) // 2], ZIP_NAME)


def test_it_refuses_a_truncated_file_saying_where_it_broke():
    lines = ELEVES.split(b"\n")
    truncated = b"\n".join(lines[:30]) + b"\n        <NOM_DE"
    with pytest.raises(ImportFileError) as caught:
        parse_siecle(zipped(truncated), ZIP_NAME)
    issue = caught.value.issues[0]
    assert issue.line == 31
    assert issue.file == f"{ZIP_NAME} › ElevesSansAdresses.xml"
    assert "le fichier est incomplet" in issue.message
    assert "ligne 31" in issue.message
    assert "exportez-le de nouveau depuis SIECLE" in issue.message


def test_it_names_the_unclosed_element_of_a_file_cut_inside_a_text():
    cut = ELEVES[: ELEVES.index("Anaïs".encode("iso-8859-15"))]
    line = line_of("Anaïs")
    with pytest.raises(
        ImportFileError, match=rf"l'élément <PRENOM> ouvert ligne {line} n'est pas refermé"
    ):
        parse_siecle(cut, "ElevesSansAdresses.xml")


def test_it_refuses_a_malformed_file_with_its_line_and_column():
    broken = ELEVES.replace("<PRENOM>Anaïs</PRENOM>".encode("iso-8859-15"), b"<PRENOM>Ana</PRENON>")
    with pytest.raises(ImportFileError) as caught:
        parse_siecle(broken, "ElevesSansAdresses.xml")
    issue = caught.value.issues[0]
    assert issue.line == line_of("Anaïs")
    assert issue.column is not None
    assert f"mal formé à la ligne {line_of('Anaïs')}" in issue.message


def test_it_says_what_a_nomenclature_file_given_by_mistake_is():
    with pytest.raises(
        ImportFileError, match=r"il semble être le fichier des nomenclatures SIECLE"
    ):
        parse_siecle(nomenclature_xml({"10310019110": "3EME"}, {}), "Nomenclature.xml")


def test_it_says_what_an_sts_file_given_by_mistake_is():
    sts = b'<?xml version="1.0"?><STS_EDT><PARAMETRES><UAJ CODE="0999999Z"/></PARAMETRES></STS_EDT>'
    with pytest.raises(ImportFileError, match=r"un export STS-web des emplois du temps"):
        parse_siecle(sts, "sts_emp_0999999Z_2026.xml")


def test_it_refuses_a_file_that_is_not_xml():
    with pytest.raises(ImportFileError, match="ce n'est pas un fichier XML"):
        parse_siecle(b"%PDF-1.7 binary", "ElevesSansAdresses.pdf")


def test_it_refuses_an_empty_file():
    with pytest.raises(ImportFileError, match="le fichier est vide"):
        parse_siecle(b"  \n", "ElevesSansAdresses.xml")


def test_it_never_expands_entities_nor_reads_local_files():
    attack = (
        b'<?xml version="1.0"?><!DOCTYPE BEE_ELEVES [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<BEE_ELEVES><PARAMETRES><UAJ>&x;</UAJ></PARAMETRES></BEE_ELEVES>"
    )
    with pytest.raises(ImportFileError, match="DOCTYPE"):
        parse_siecle(attack, "ElevesSansAdresses.xml")


def test_it_explains_a_file_resaved_in_another_encoding():
    resaved = ELEVES.replace(b'encoding="ISO-8859-15"', b'encoding="UTF-8"')
    with pytest.raises(
        ImportFileError, match=f"caractères illisibles à la ligne {line_of('BÉRÉNICE')}"
    ):
        parse_siecle(resaved, "ElevesSansAdresses.xml")


def test_it_warns_when_the_declared_encoding_does_not_match_the_bytes():
    mislabelled = ELEVES.decode("iso-8859-15").encode("utf-8")
    export = parse_siecle(mislabelled, "ElevesSansAdresses.xml")
    assert any("semble enregistré en UTF-8" in issue.message for issue in export.warnings)


def test_an_impossible_birth_date_is_an_error_naming_the_student_and_line():
    broken = ELEVES.replace(b"28/02/2010", b"30/02/2010")
    export = parse_siecle(broken, "ElevesSansAdresses.xml")
    assert export.has_errors
    error = export.errors[0]
    assert (error.line, error.field, error.value) == (line_of("28/02"), "DATE_NAISS", "30/02/2010")
    assert error.message == "DUBŒUF Noël : « 30/02/2010 » n'est pas une date qui existe."


def test_a_repeated_eleve_id_is_an_error():
    student = SampleStudent("100001", "LEROUX", "Célia", "3A", "10310019110")
    export = parse_siecle(siecle_xml([student, student]), "ElevesSansAdresses.xml")
    assert [e.field for e in export.errors] == ["ELEVE_ID"]
    assert len(export.students) == 1


def test_a_student_without_eleve_id_is_an_error():
    broken = ELEVES.replace(b'ELEVE_ID="100002" ', b"")
    export = parse_siecle(broken, "ElevesSansAdresses.xml")
    assert any("ELEVE_ID" in e.message and "DUBŒUF" in e.message for e in export.errors)
    assert "100002" not in by_id(export)


def test_a_file_without_uai_is_refused():
    broken = ELEVES.replace(b"<UAJ>0999999z</UAJ>", b"")
    with pytest.raises(ImportFileError, match=r"code UAI de l'établissement \(UAJ\) manque"):
        parse_siecle(broken, "ElevesSansAdresses.xml")


def test_a_file_with_a_malformed_school_year_is_refused():
    broken = ELEVES.replace(b"<ANNEE_SCOLAIRE>2026", b"<ANNEE_SCOLAIRE>26")
    with pytest.raises(ImportFileError, match="ANNEE_SCOLAIRE"):
        parse_siecle(broken, "ElevesSansAdresses.xml")


def test_a_file_without_students_is_an_error():
    export = parse_siecle(siecle_xml([]), "ElevesSansAdresses.xml")
    assert export.errors[0].message == "le fichier ne contient aucun élève."


names = st.text(alphabet=st.characters(categories=["Lu", "Ll"]), min_size=1, max_size=20)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(names, names, st.dates(min_value=date(2005, 1, 1), max_value=date(2016, 12, 31))),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(["ISO-8859-15", "UTF-8", "ISO-8859-1"]),
)
def test_what_a_file_says_is_what_is_read_whatever_the_encoding(rows, encoding):
    students = [
        SampleStudent(str(100 + n), last, first, "3A", "10310019110", birth_date=born)
        for n, (last, first, born) in enumerate(rows)
    ]
    export = parse_siecle(zipped(siecle_xml(students, encoding=encoding)), ZIP_NAME)
    read = [(s.eleve_id, s.last_name, s.first_name, s.birth_date) for s in export.students]
    assert read == [(s.eleve_id, s.last_name, s.first_name, s.birth_date) for s in students]


# ------------------------------------------------------------------------- Nomenclature


def test_it_reads_mef_and_subject_labels_from_the_nomenclature():
    data = nomenclature_xml(
        {"10310019110": "3ème générale", "24731005310": "2nde pro métiers de la relation client"},
        {"020700": "FRANÇAIS", "061300": "MATHÉMATIQUES"},
        [("10310019110", "020700", "4.50")],
    )
    nomenclature = parse_nomenclature(
        zipped(data, "Nomenclature.xml"), "ExportXML_Nomenclature.zip"
    )
    assert nomenclature.mef_label("10310019110") == "3ème générale"
    assert nomenclature.mefs["24731005310"].level.track is Track.BAC_PRO
    assert nomenclature.subject_label("020700") == "Français"
    assert nomenclature.subject_label("999999") is None
    programme = nomenclature.programmes[0]
    assert (programme.mef_code, programme.subject_code, programme.weekly_hours) == (
        "10310019110",
        "020700",
        4.5,
    )


def test_it_refuses_a_student_export_given_as_nomenclature():
    with pytest.raises(ImportFileError, match="n'est pas le fichier des nomenclatures SIECLE"):
        parse_nomenclature(ELEVES, "Nomenclature.xml")


# ------------------------------------------------------------------- real schools (issue 15)


def pupil(eleve_id, division, *, ine=None, exit_date=None, mef="10010012110", **fields):
    return SampleStudent(
        eleve_id, f"NOM{eleve_id}", "Zoé", division, mef, ine=ine, exit_date=exit_date, **fields
    )


def lines_of(export):
    return {student.eleve_id: student.line for student in export.students}


def test_an_ine_shared_by_a_leaver_and_a_present_pupil_is_a_warning_naming_both_lines():
    export = parse_siecle(
        siecle_xml(
            [
                pupil("1", "2GT1", ine="123456789AB", exit_date=date(2026, 9, 4)),
                pupil("2", "2GT1", ine="123456789AB"),
            ]
        ),
        "ElevesSansAdresses.xml",
    )
    lines = lines_of(export)
    assert not export.has_errors
    [warning] = [issue for issue in export.issues if issue.field == "ID_NATIONAL"]
    assert warning.severity is Severity.WARNING
    assert warning.line == lines["1"]
    assert f"ligne {lines['1']}" in warning.message and f"ligne {lines['2']}" in warning.message
    students = by_id(export)
    # The present pupil keeps the INE; the leaver is read without it, and says which it was.
    assert students["2"].ine == "123456789AB"
    assert students["1"].ine is None and students["1"].shared_ine == "123456789AB"


def test_between_two_leavers_the_ine_stays_with_the_one_who_left_last():
    export = parse_siecle(
        siecle_xml(
            [
                pupil("1", "6A", ine="123456789AB", exit_date=date(2026, 10, 2)),
                pupil("2", "6A", ine="123456789AB", exit_date=date(2026, 9, 4)),
            ]
        ),
        "ElevesSansAdresses.xml",
    )
    assert not export.has_errors
    students = by_id(export)
    assert students["1"].ine == "123456789AB"
    assert students["2"].ine is None
    [warning] = [issue for issue in export.issues if issue.field == "ID_NATIONAL"]
    assert warning.line == students["2"].line


def test_an_ine_shared_by_two_present_pupils_is_an_error_naming_both_lines_and_both_are_read():
    export = parse_siecle(
        siecle_xml(
            [
                pupil("1", "6A", ine="123456789AB"),
                pupil("2", "6A", ine="123456789AB"),
                pupil("3", "6B", ine="323456789AB"),
            ]
        ),
        "ElevesSansAdresses.xml",
    )
    lines = lines_of(export)
    [error] = [issue for issue in export.issues if issue.is_error]
    assert error.field == "ID_NATIONAL" and error.line == lines["2"]
    assert f"ligne {lines['1']}" in error.message and f"ligne {lines['2']}" in error.message
    assert [student.eleve_id for student in export.students] == ["1", "2", "3"]


def test_a_present_pupil_without_a_class_is_current_and_listed_as_such():
    export = parse_siecle(
        siecle_xml([pupil("1", None), pupil("2", "6A")]), "ElevesSansAdresses.xml"
    )
    students = by_id(export)
    assert students["1"].current and students["1"].without_class
    assert students["1"].division is None
    assert not students["2"].without_class
    assert students["1"] in export.current_students
    warning = next(issue for issue in export.issues if "sans classe" in issue.message)
    assert warning.severity is Severity.WARNING and warning.line == students["1"].line


def test_an_unknown_mef_is_read_without_a_warning_per_pupil():
    export = parse_siecle(
        siecle_xml([pupil(str(n), "X1", mef="99999999999") for n in range(1, 6)]),
        "ElevesSansAdresses.xml",
    )
    assert all(student.level is None and student.current for student in export.students)
    assert not [issue for issue in export.issues if issue.field == "CODE_MEF"]


def test_it_reads_a_zipped_eleves_avec_adresses_export():
    content = zipped(siecle_xml([pupil("1", "6A")]), "ElevesAvecAdresses.xml")
    export = parse_siecle(content, "ExportXML_ElevesAvecAdresses.zip")
    assert export.file_name.endswith("ElevesAvecAdresses.xml")
    assert [student.eleve_id for student in export.students] == ["1"]


def test_it_reads_the_school_and_year_of_a_nomenclature():
    nomenclature = parse_nomenclature(
        nomenclature_xml({"10010012110": "6EME"}, {}, uai="0999999z", school_year=2026)
    )
    assert (nomenclature.uai, nomenclature.school_year) == ("0999999Z", 2026)
    bare = parse_nomenclature(nomenclature_xml({"10010012110": "6EME"}, {}))
    assert (bare.uai, bare.school_year) == (None, None)
