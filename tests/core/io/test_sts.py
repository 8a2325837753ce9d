from datetime import date

import pytest

from appui.core.io.errors import ImportFileError
from appui.core.io.samples import (
    SampleDivision,
    SampleGroup,
    SampleService,
    SampleStaff,
    SampleStudent,
    fictitious_school,
    siecle_xml,
    sts_xml,
    zipped,
)
from appui.core.io.sts import Civility, parse_sts
from appui.core.io.values import Sex

# A small fictitious STS-web export written by hand: parameters are attributes, accents in
# ISO-8859-1, a teacher who is professeur principal, a head of school, a CPE.
STS = """<?xml version="1.0" encoding="ISO-8859-1"?>
<STS_EDT>
  <PARAMETRES>
    <UAJ CODE="0999999Z"/>
    <ANNEE_SCOLAIRE ANNEE="2026"/>
  </PARAMETRES>
  <NOMENCLATURES>
    <MATIERES>
      <MATIERE CODE="020700">
        <CODE_GESTION>FRANC</CODE_GESTION>
        <LIBELLE_COURT>FRANCAIS</LIBELLE_COURT>
        <LIBELLE_LONG>FRANÇAIS</LIBELLE_LONG>
        <LIBELLE_EDITION>Français</LIBELLE_EDITION>
      </MATIERE>
      <MATIERE CODE="990100">
        <CODE_GESTION>AP</CODE_GESTION>
        <LIBELLE_COURT>AP</LIBELLE_COURT>
        <LIBELLE_LONG>ACCOMPAGNEMENT PERSONNALISÉ EN CLASSE DE TROISIÈME PRÉPA</LIBELLE_LONG>
        <LIBELLE_EDITION>Accompagnement personnalisé en classe de troisième</LIBELLE_EDITION>
      </MATIERE>
    </MATIERES>
  </NOMENCLATURES>
  <DONNEES>
    <INDIVIDUS>
      <INDIVIDU ID="41001" TYPE="epp">
        <SEXE>2</SEXE>
        <CIVILITE>2</CIVILITE>
        <NOM_USAGE>HÉLÈNE</NOM_USAGE>
        <NOM_PATRONYMIQUE>DURAND</NOM_PATRONYMIQUE>
        <PRENOM>Bérénice</PRENOM>
        <DATE_NAISSANCE>1981-05-17</DATE_NAISSANCE>
        <GRADE>CERTIFIE</GRADE>
        <FONCTION>ENS</FONCTION>
        <PROFS_PRINC>
          <PROF_PRINC>
            <CODE_STRUCTURE>3A</CODE_STRUCTURE>
            <DATE_FIN>2027-08-31</DATE_FIN>
          </PROF_PRINC>
        </PROFS_PRINC>
        <DISCIPLINES>
          <DISCIPLINE CODE="L0202"><LIBELLE_COURT>LETTRES MODERNES</LIBELLE_COURT></DISCIPLINE>
        </DISCIPLINES>
      </INDIVIDU>
      <INDIVIDU ID="41002" TYPE="epp">
        <SEXE>1</SEXE>
        <CIVILITE>1</CIVILITE>
        <NOM_USAGE>GARNIER</NOM_USAGE>
        <PRENOM>Jérôme</PRENOM>
        <FONCTION>DIR</FONCTION>
      </INDIVIDU>
      <INDIVIDU ID="41003" TYPE="epp">
        <SEXE>2</SEXE>
        <NOM_USAGE>RIVIÈRE</NOM_USAGE>
        <PRENOM>Irène</PRENOM>
        <FONCTION>EDU</FONCTION>
      </INDIVIDU>
    </INDIVIDUS>
    <STRUCTURE>
      <DIVISIONS>
        <DIVISION CODE="3A">
          <LIBELLE_LONG>3e A</LIBELLE_LONG>
          <EFFECTIF_PREVU>28</EFFECTIF_PREVU>
          <MEFS_APPARTENANCE><MEF_APPARTENANCE CODE="10310019110"/></MEFS_APPARTENANCE>
          <SERVICES>
            <SERVICE CODE_MATIERE="020700" CODE_MOD_COURS="CG">
              <ENSEIGNANTS><ENSEIGNANT ID="41001" TYPE="epp"/></ENSEIGNANTS>
            </SERVICE>
          </SERVICES>
        </DIVISION>
        <DIVISION CODE="3B">
          <LIBELLE_LONG>3e B</LIBELLE_LONG>
          <MEFS_APPARTENANCE><MEF_APPARTENANCE CODE="10310019110"/></MEFS_APPARTENANCE>
        </DIVISION>
      </DIVISIONS>
      <GROUPES>
        <GROUPE CODE="3_AP1">
          <LIBELLE_LONG>AP 3e groupe 1</LIBELLE_LONG>
          <DIVISIONS_APPARTENANCE>
            <DIVISION_APPARTENANCE CODE="3A"/>
            <DIVISION_APPARTENANCE CODE="3B"/>
          </DIVISIONS_APPARTENANCE>
          <SERVICES>
            <SERVICE CODE_MATIERE="990100" CODE_MOD_COURS="CG">
              <ENSEIGNANTS><ENSEIGNANT ID="41001" TYPE="epp"/></ENSEIGNANTS>
            </SERVICE>
          </SERVICES>
        </GROUPE>
      </GROUPES>
    </STRUCTURE>
  </DONNEES>
</STS_EDT>
""".encode("iso-8859-1")

NAME = "sts_emp_0999999Z_2026.xml"


def test_it_reads_parameters_given_as_attributes():
    export = parse_sts(STS, NAME)
    assert export.parameters.uai == "0999999Z"
    assert export.parameters.school_year == 2026
    assert export.parameters.school_year_label == "2026-2027"
    assert not export.issues


def test_it_reads_subjects_with_their_labels():
    subjects = parse_sts(STS, NAME).subjects
    assert subjects["020700"].label == "Français"
    assert subjects["020700"].management_code == "FRANC"
    # The LSU allows 40 characters: the most explicit label that fits is chosen.
    assert subjects["990100"].label_within(40) == "AP"
    assert subjects["020700"].label_within(40) == "Français"


def test_it_reads_staff_with_function_subjects_and_main_teacher_duties():
    people = parse_sts(STS, NAME).individuals_by_id()
    teacher = people["41001"]
    assert (teacher.last_name, teacher.first_name, teacher.birth_name) == (
        "HÉLÈNE",
        "Bérénice",
        "DURAND",
    )
    assert teacher.sex is Sex.F
    assert teacher.civility is Civility.MME
    assert teacher.birth_date == date(1981, 5, 17)
    assert teacher.grade == "CERTIFIE"
    assert teacher.is_teacher
    assert [d.code for d in teacher.disciplines] == ["L0202"]
    assert teacher.main_teacher_of[0].division_code == "3A"
    assert teacher.main_teacher_of[0].end_date == date(2027, 8, 31)
    assert people["41002"].function == "DIR"
    assert not people["41002"].is_teacher
    assert people["41002"].civility is Civility.M
    # Without CIVILITE, the civility follows the sex.
    assert people["41003"].civility is Civility.MME


def test_it_reads_divisions_and_groups_with_their_services_and_teachers():
    export = parse_sts(STS, NAME)
    division = export.divisions[0]
    assert (division.code, division.label, division.planned_size) == ("3A", "3e A", 28)
    assert division.mef_codes == ("10310019110",)
    assert division.services[0].subject_code == "020700"
    assert division.services[0].course_mode == "CG"
    assert division.services[0].teachers[0].id == "41001"
    group = export.groups[0]
    assert (group.code, group.label) == ("3_AP1", "AP 3e groupe 1")
    assert group.division_codes == ("3A", "3B")
    assert group.services[0].subject_code == "990100"
    assert [t.full_name for t in export.main_teachers("3A")] == ["HÉLÈNE Bérénice"]
    assert [p.id for p in export.teachers] == ["41001"]
    assert len(list(export.teaching_assignments())) == 2


def test_it_refuses_a_file_written_by_a_timetabling_product_and_names_it():
    product = STS.replace(
        b"<PARAMETRES>", b"<PARAMETRES><APPLICATION_SOURCE>EDT Horaires 2026</APPLICATION_SOURCE>"
    )
    with pytest.raises(ImportFileError) as caught:
        parse_sts(product, NAME)
    message = caught.value.issues[0].message
    assert "logiciel d'emploi du temps (EDT Horaires 2026)" in message
    assert "pas exporté par STS-web" in message
    assert caught.value.issues[0].field == "APPLICATION_SOURCE"


def test_it_refuses_a_file_whose_root_says_it_comes_from_a_timetabling_product():
    data = sts_xml([], [], root_name="EDT_STS")
    with pytest.raises(ImportFileError, match="produit par un logiciel d'emploi du temps, pas"):
        parse_sts(data, NAME)


def test_it_says_what_a_siecle_file_given_by_mistake_is():
    siecle = siecle_xml([SampleStudent("1", "A", "B", "3A", "10310019110")])
    with pytest.raises(ImportFileError, match="il semble être un export SIECLE des élèves"):
        parse_sts(zipped(siecle), "ExportXML_ElevesSansAdresses.zip")


def test_it_refuses_a_truncated_file_saying_where_it_broke():
    cut = STS[: STS.index(b"<GROUPES>")]
    with pytest.raises(ImportFileError) as caught:
        parse_sts(cut, NAME)
    issue = caught.value.issues[0]
    assert issue.line == cut.count(b"\n") + 1
    assert "incomplet" in issue.message
    assert "STS-web" in issue.message


def test_it_refuses_a_file_without_uai():
    with pytest.raises(ImportFileError, match="code UAI"):
        parse_sts(STS.replace(b'<UAJ CODE="0999999Z"/>', b""), NAME)


def test_it_warns_about_services_naming_unknown_teachers_and_groups_naming_unknown_divisions():
    data = sts_xml(
        [SampleStaff("1", "LEROUX", "Célia")],
        [SampleDivision("3A", "3e A", "10310019110", (SampleService("020700", ("1", "404")),))],
        [SampleGroup("G1", "Groupe", ("3A", "3Z"))],
    )
    export = parse_sts(data, NAME)
    assert not export.has_errors
    assert {(w.field, w.value) for w in export.warnings} == {
        ("ENSEIGNANT", "404"),
        ("DIVISION_APPARTENANCE", "3Z"),
    }


def test_a_repeated_individual_id_is_an_error():
    person = SampleStaff("1", "LEROUX", "Célia")
    export = parse_sts(sts_xml([person, person], []), NAME)
    assert [e.field for e in export.errors] == ["ID"]
    assert len(export.individuals) == 1


def test_a_fictitious_school_file_reads_without_issue():
    school = fictitious_school(200, seed=3)
    export = parse_sts(school.sts(), school.sts_file_name)
    assert not export.issues
    assert len(export.divisions) == len(school.divisions)
    assert all(export.main_teachers(d.code) for d in export.divisions)
