import dataclasses
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from appui.core.io.lsu import (
    LSU_NAMESPACE,
    LSU_REQUIREMENTS,
    LSU_XSD_PATH,
    LsuAp,
    LsuApGroup,
    LsuAssessment,
    LsuDiscipline,
    LsuError,
    LsuExport,
    LsuPeriod,
    LsuReport,
    LsuSchoolLife,
    LsuStudent,
    LsuStudentAp,
    LsuTeacher,
    LsuTeaching,
    build_lsu,
    lsu_gaps,
    validate_lsu,
)

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "formats" / "lsu"
SHARED_XSD = SHARED / "import-bilan-complet.xsd"
needs_shared = pytest.mark.skipif(not SHARED_XSD.exists(), reason="shared formats not present")

NS = {"l": LSU_NAMESPACE}


def report(eleve_id, *aps, **changes):
    """A complete periodic report: the AP part plus what LSU requires around it."""
    base = LsuReport(
        eleve_id=eleve_id,
        aps=aps,
        council_date=date(2026, 12, 10),
        schooling_start=date(2026, 9, 1),
        lock_time=datetime(2026, 12, 18, 6, 0),
        manager="Mme Irène PRINCIPALE",
        main_teacher_ids=("41001",),
        assessments=(LsuAssessment("020700", ("41001",), "Des progrès en lecture.", 3),),
        advice="Poursuivre les efforts engagés.",
        school_life=LsuSchoolLife(late=1, justified_absences=2, unjustified_absences=0),
    )
    return dataclasses.replace(base, **changes)


def complete_export(**changes):
    export = LsuExport(
        uai="0999999Z",
        period=LsuPeriod(school_year=2026, index=1, count=3),
        managers=("Mme Irène PRINCIPALE",),
        students=(
            LsuStudent("100001", "BÉRÉNICE", "Élodie", "6A"),
            LsuStudent("100002", "DUBŒUF", "Noël", "6B"),
        ),
        disciplines=(
            LsuDiscipline("020700", "Français"),
            LsuDiscipline("061300", "Mathématiques"),
        ),
        teachers=(
            LsuTeacher("41001", "HÉLÈNE", "Bérénice", "MME"),
            LsuTeacher("41002", "GARNIER", "Jérôme", "M"),
        ),
        aps=(
            LsuAp("ap-6-fr", "AP français 6e : lecture et écriture", ("020700",), "Fluence."),
            LsuAp("ap-6-ma", "AP mathématiques 6e", ("061300",)),
        ),
        groups=(
            LsuApGroup(
                "g1",
                "ap-6-fr",
                "Groupe fluence",
                (LsuTeaching("41001", "020700"),),
                "Lecture à voix haute.",
            ),
            LsuApGroup("g 2/é", "ap-6-ma", "Groupe calcul", (LsuTeaching("41002", "061300"),)),
        ),
        reports=(
            report("100001", LsuStudentAp("g1", "Lit avec plus d'aisance."), LsuStudentAp("g 2/é")),
            report("100002", LsuStudentAp("g 2/é", "Gagne en confiance.")),
        ),
        app_version="1.0",
    )
    return dataclasses.replace(export, **changes)


def test_a_complete_export_has_no_gaps_and_validates_against_the_packaged_schema():
    export = complete_export()
    assert lsu_gaps(export) == []
    xml = build_lsu(export)
    assert validate_lsu(xml) == []
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")


@needs_shared
def test_the_export_validates_against_the_official_schema_in_shared():
    assert validate_lsu(build_lsu(complete_export(), xsd_path=SHARED_XSD), SHARED_XSD) == []


@needs_shared
def test_the_packaged_schema_is_the_official_one():
    assert LSU_XSD_PATH.read_bytes() == SHARED_XSD.read_bytes()


@needs_shared
def test_the_official_sample_validates_with_our_validator():
    assert validate_lsu((SHARED / "sample-bilan-complet.xml").read_bytes()) == []


def test_the_ap_part_is_declared_once_instantiated_in_groups_and_referenced_per_student():
    root = etree.fromstring(build_lsu(complete_export()))
    aps = root.findall("l:donnees/l:acc-persos/l:acc-perso", NS)
    assert [ap.get("intitule") for ap in aps] == [
        "AP français 6e : lecture et écriture",
        "AP mathématiques 6e",
    ]
    assert aps[0].findtext("l:description", namespaces=NS) == "Fluence."
    discipline_ids = {
        d.get("code"): d.get("id")
        for d in root.iterfind("l:donnees/l:disciplines/l:discipline", NS)
    }
    assert aps[0].get("discipline-refs") == discipline_ids["020700"]
    groups = root.findall("l:donnees/l:acc-persos-groupes/l:acc-perso-groupe", NS)
    assert groups[0].get("acc-perso-ref") == aps[0].get("id")
    assert groups[0].findtext("l:commentaire", namespaces=NS) == "Lecture à voix haute."
    teaching = groups[0].find("l:enseignants-disciplines/l:enseignant-discipline", NS)
    teacher = root.find("l:donnees/l:enseignants/l:enseignant[@id-sts='41001']", NS)
    assert teaching.get("enseignant-ref") == teacher.get("id")
    # A key with spaces, a slash and an accent still gives a valid XML identifier.
    assert groups[1].get("id") == "APG_g_2__"
    bilans = root.findall("l:donnees/l:bilans-periodiques/l:bilan-periodique", NS)
    first = bilans[0].findall("l:acc-persos-eleve/l:acc-perso-eleve", NS)
    assert [item.get("acc-perso-groupe-ref") for item in first] == ["APG_g1", "APG_g_2__"]
    assert first[0].findtext("l:commentaire", namespaces=NS) == "Lit avec plus d'aisance."
    assert first[1].find("l:commentaire", NS) is None
    student = root.find("l:donnees/l:eleves/l:eleve", NS)
    assert (student.get("id-be"), student.get("code-division")) == ("100001", "6A")
    period = root.find("l:donnees/l:periodes/l:periode", NS)
    assert (period.get("millesime"), period.get("indice"), period.get("nb-periodes")) == (
        "2026",
        "1",
        "3",
    )
    assert bilans[0].get("periode-ref") == period.get("id")


def test_what_appui_lacks_is_listed_in_french_instead_of_being_invented():
    ap_only = complete_export(
        reports=(LsuReport("100001", (LsuStudentAp("g1", "Lit avec plus d'aisance."),)),)
    )
    gaps = [str(gap) for gap in lsu_gaps(ap_only)]
    prefix = "Bilan de BÉRÉNICE Élodie (6A) : "
    assert gaps == [
        prefix + "la date du conseil de classe manque (non géré par appui : à fournir).",
        prefix
        + "la date de début de scolarité dans la période manque (non géré par appui : à fournir).",
        prefix + "la date de verrouillage du bilan manque (non géré par appui : à fournir).",
        prefix + "le responsable d'établissement qui signe le bilan manque.",
        prefix + "aucune discipline évaluée : LSU exige au moins un acquis disciplinaire avec son "
        "enseignant (non géré par appui : à fournir).",
        prefix + "le texte « acquis et conseils pour progresser » manque (non géré par appui : à "
        "fournir).",
        prefix + "la vie scolaire (retards, absences) manque (non géré par appui : à fournir).",
    ]
    with pytest.raises(LsuError) as caught:
        build_lsu(ap_only)
    assert [str(gap) for gap in caught.value.gaps] == gaps


def test_missing_school_data_is_listed():
    gaps = [str(gap) for gap in lsu_gaps(complete_export(uai="123", managers=(), reports=()))]
    assert "Établissement : le code UAI « 123 » doit faire 8 caractères." in gaps
    assert any("aucun responsable d'établissement" in gap for gap in gaps)


def test_lengths_beyond_what_lsu_accepts_are_listed_not_truncated():
    export = complete_export(
        aps=(LsuAp("ap-6-fr", "A" * 151, ("020700",)), LsuAp("ap-6-ma", "AP maths", ("061300",))),
        reports=(report("100001", LsuStudentAp("g1", "x" * 601)),),
    )
    gaps = [str(gap) for gap in lsu_gaps(export)]
    assert any("l'intitulé fait 151 caractères ; LSU en accepte au plus 150" in g for g in gaps)
    assert any(
        "le commentaire d'AP fait 601 caractères ; LSU en accepte au plus 600" in g for g in gaps
    )


def test_references_to_unknown_groups_teachers_and_subjects_are_listed():
    export = complete_export(
        groups=(LsuApGroup("g1", "nope", "Groupe", (LsuTeaching("999", "999999"),)),),
        reports=(report("100001", LsuStudentAp("g9")),),
    )
    gaps = " | ".join(str(gap) for gap in lsu_gaps(export))
    assert "l'accompagnement personnalisé dont il relève n'est pas déclaré" in gaps
    assert "l'enseignant 999 n'est pas dans la liste" in gaps
    assert "la discipline « 999999 » n'est pas dans la liste" in gaps
    assert "le groupe d'AP « g9 » n'est pas déclaré" in gaps


def test_identifiers_from_outside_the_national_systems_are_listed():
    export = complete_export(
        students=(LsuStudent("local-1", "BÉRÉNICE", "Élodie", "6A"),),
        teachers=(LsuTeacher("T1", "HÉLÈNE"), LsuTeacher("41002", "GARNIER")),
        reports=(),
    )
    gaps = " | ".join(str(gap) for gap in lsu_gaps(export))
    assert "l'identifiant SIECLE (ELEVE_ID) « local-1 » n'est pas un nombre" in gaps
    assert "l'identifiant STS-web « T1 » n'est pas un nombre" in gaps


def test_records_can_be_referred_to_by_a_key_when_identifiers_are_missing():
    students = (
        LsuStudent("", "BÉRÉNICE", "Élodie", "6A", ref="E1"),
        LsuStudent("", "DUBŒUF", "Noël", "6B", ref="E2"),
    )
    teachers = (
        LsuTeacher("", "HÉLÈNE", ref="S1"),
        LsuTeacher("41002", "GARNIER", ref="S2"),
    )
    export = complete_export(students=students, teachers=teachers, reports=())
    gaps = [str(gap) for gap in lsu_gaps(export)]
    assert "Élève BÉRÉNICE Élodie (6A) : l'identifiant SIECLE (ELEVE_ID) manque : importez " in (
        " ".join(gaps)
    )
    assert (
        "Enseignant HÉLÈNE : l'identifiant STS-web manque : importez les personnels depuis "
        "STS-web." in gaps
    )
    # Two missing identifiers are two gaps, not a duplicate student or teacher.
    assert not any("cité deux fois" in gap for gap in gaps)


def test_the_lock_date_may_be_a_plain_date():
    export = complete_export(
        reports=(
            report("100001", lock_time=date(2026, 12, 18)),
            report("100002", lock_time=datetime(2026, 12, 18, 6, 0)),
        )
    )
    xml = build_lsu(export).decode()
    assert 'date-verrou="2026-12-18"' in xml
    assert 'date-verrou="2026-12-18T06:00:00"' in xml


def test_the_validator_reports_schema_errors_in_french():
    xml = build_lsu(complete_export())
    broken = xml.replace(
        b"<acquis-conseils>Poursuivre les efforts engag\xc3\xa9s.</acquis-conseils>", b"", 1
    )
    messages = validate_lsu(broken)
    assert messages
    assert messages[0].startswith("le fichier LSU n'est pas conforme au schéma officiel")


def test_the_requirements_can_be_shown_before_export():
    assert any("acquis et conseils pour progresser" in line for line in LSU_REQUIREMENTS)


optional_text = st.one_of(st.none(), st.just(""), st.just("  "), st.text(min_size=1, max_size=700))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    advice=optional_text,
    comment=optional_text,
    title=st.text(min_size=0, max_size=160),
    late=st.integers(min_value=-1, max_value=1000),
    with_assessment=st.booleans(),
    with_dates=st.booleans(),
)
def test_an_export_without_gaps_always_validates(
    advice, comment, title, late, with_assessment, with_dates
):
    base = report("100001", LsuStudentAp("g1", comment))
    changed = dataclasses.replace(
        base,
        advice=advice,
        school_life=LsuSchoolLife(late, 0, 0),
        assessments=base.assessments if with_assessment else (),
        council_date=base.council_date if with_dates else None,
    )
    export = complete_export(
        aps=(LsuAp("ap-6-fr", title, ("020700",)), LsuAp("ap-6-ma", "AP maths", ("061300",))),
        reports=(changed,),
    )
    if lsu_gaps(export):
        with pytest.raises(LsuError):
            build_lsu(export)
    else:
        assert validate_lsu(build_lsu(export)) == []
