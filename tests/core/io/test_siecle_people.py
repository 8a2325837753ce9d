"""ResponsablesAvecAdresses.xml and the addresses of ElevesAvecAdresses.xml (fictitious files)."""

from datetime import date

import pytest

from appui.core.io.errors import ImportFileError
from appui.core.io.samples import SampleStudent, fictitious_school, siecle_xml, zipped
from appui.core.io.samples_people import (
    SampleAddress,
    SampleGuardian,
    SampleLink,
    eleves_addresses_xml,
    fictitious_guardians,
    responsables_xml,
)
from appui.core.io.siecle_people import (
    GUARDIANS,
    STUDENTS,
    Relationship,
    parse_people,
    relationship_from_code,
)

HOME = SampleAddress("A1", ("APPARTEMENT 4", "12 RUE DES TILLEULS"), "21000", "Dijon")
ABROAD = SampleAddress("A2", ("VIA ROMA 3",), "10121", "TORINO", "ITALIE")
MOTHER = SampleGuardian(
    "9001",
    "MARTIN",
    "Sophie",
    "MME",
    home_phone="0380000001",
    mobile_phone="0600000001",
    work_phone="0380000002",
    email="sophie.martin@example.org",
    address=HOME,
)
FATHER = SampleGuardian("9002", "DURAND", "Karim", "M.", address=ABROAD)
LINKS = [
    SampleLink("1001", "9001", code="10", legal="1", financial="1", contact="1"),
    SampleLink("1001", "9002", code="20", legal="2", financial="0", contact="0"),
]


def test_it_reads_guardians_links_and_addresses_of_bee_4():
    people = parse_people(responsables_xml([MOTHER, FATHER], LINKS), "ResponsablesAvecAdresses.xml")

    assert people.kind == GUARDIANS
    assert people.version == "4.0"
    assert people.parameters.uai == "0999999F"
    assert not people.issues
    mother = people.guardians["9001"]
    assert (mother.civility, mother.last_name, mother.first_name) == ("MME", "MARTIN", "Sophie")
    assert (mother.home_phone, mother.mobile_phone, mother.work_phone) == (
        "0380000001",
        "0600000001",
        "0380000002",
    )
    assert mother.email == "sophie.martin@example.org"
    assert mother.address.lines == ("APPARTEMENT 4", "12 RUE DES TILLEULS")
    assert (mother.address.postal_code, mother.address.city) == ("21000", "Dijon")
    assert people.guardians["9002"].address.country == "ITALIE"
    first, second = people.links
    assert (first.relationship, first.legal_rank, first.financial, first.contact) == (
        Relationship.MOTHER,
        1,
        True,
        True,
    )
    assert (second.relationship, second.legal_rank, second.financial, second.contact) == (
        Relationship.FATHER,
        2,
        False,
        False,
    )


def test_it_reads_bee_2_whose_missing_fields_are_simply_empty():
    people = parse_people(responsables_xml([MOTHER, FATHER], LINKS, version="2.0"))

    assert not people.issues
    mother = people.guardians["9001"]
    assert mother.last_name == "MARTIN"  # NOM, not NOM_DE_FAMILLE
    assert mother.home_phone == "0380000001"
    assert (mother.mobile_phone, mother.work_phone) == ("", "")
    assert mother.address.city == "Dijon"  # LIBELLE_POSTAL only
    assert mother.address.country == ""
    assert people.links[0].contact is False


def test_it_reads_a_zipped_export():
    content = zipped(responsables_xml([MOTHER], LINKS[:1]), "ResponsablesAvecAdresses.xml")

    people = parse_people(content, "ExportXML_ResponsablesAvecAdresses.zip")

    assert (
        people.file_name == "ExportXML_ResponsablesAvecAdresses.zip › ResponsablesAvecAdresses.xml"
    )
    assert list(people.guardians) == ["9001"]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("10", Relationship.MOTHER),
        ("20", Relationship.FATHER),
        ("38", Relationship.FAMILY),
        ("51", Relationship.TUTOR),
        ("70", Relationship.SOCIAL),
        ("80", Relationship.SELF),
        ("90", Relationship.OTHER),
        ("12", None),
    ],
)
def test_relationship_codes_map_to_appui_vocabulary(code, expected):
    assert relationship_from_code(code) == expected


def test_an_unknown_relationship_code_is_a_warning_and_becomes_other():
    link = SampleLink("1001", "9001", code="99")

    people = parse_people(responsables_xml([MOTHER], [link]), "R.xml")

    assert people.links[0].relationship == Relationship.OTHER
    [issue] = people.issues
    assert not issue.is_error
    assert (issue.file, issue.field, issue.value) == ("R.xml", "CODE_PARENTE", "99")
    assert "inconnu" in issue.message


def test_a_link_to_a_person_absent_from_the_file_is_an_error_naming_its_line():
    people = parse_people(
        responsables_xml([MOTHER], [LINKS[0], SampleLink("1001", "7777")]), "R.xml"
    )

    [issue] = people.errors
    assert (issue.field, issue.value) == ("PERSONNE_ID", "7777")
    assert issue.line is not None and issue.line > 1
    assert len(people.links) == 1


def test_a_wrong_legal_rank_is_an_error_naming_file_line_and_field():
    people = parse_people(responsables_xml([MOTHER], [SampleLink("1001", "9001", legal="3")]))

    [issue] = people.errors
    assert (issue.file, issue.field, issue.value) == ("fichier", "RESP_LEGAL", "3")
    assert "RESP_LEGAL vaut 1 ou 2" in issue.message
    assert "ligne" in str(issue)


def test_a_person_without_name_or_id_is_an_error():
    content = responsables_xml([MOTHER], LINKS[:1]).replace(
        b'PERSONNE_ID="9001"', b'PERSONNE_ID=""'
    )

    people = parse_people(content, "R.xml")

    assert any(i.field == "PERSONNE_ID" and "manque" in i.message for i in people.errors)


def test_an_invalid_email_is_a_warning_and_is_not_kept():
    guardian = SampleGuardian("9001", "MARTIN", "Sophie", email="pas une adresse")

    people = parse_people(responsables_xml([guardian], LINKS[:1]))

    assert people.guardians["9001"].email == ""
    assert [i.field for i in people.warnings] == ["MEL"]


def test_a_truncated_file_is_refused_in_french_with_its_line():
    content = responsables_xml([MOTHER, FATHER], LINKS)

    with pytest.raises(ImportFileError) as caught:
        parse_people(content[: len(content) // 2], "ResponsablesAvecAdresses.xml")

    [issue] = caught.value.issues
    assert issue.file == "ResponsablesAvecAdresses.xml"
    assert issue.line is not None
    assert "incomplet" in issue.message


def test_a_doctype_is_refused():
    content = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><BEE_RESPONSABLES/>'

    with pytest.raises(ImportFileError) as caught:
        parse_people(content, "R.xml")

    assert "DOCTYPE" in caught.value.issues[0].message


def test_another_file_kind_is_refused_saying_what_it_is():
    with pytest.raises(ImportFileError) as caught:
        parse_people(b"<STS_EDT><PARAMETRES/></STS_EDT>", "sts.xml")

    issue = caught.value.issues[0]
    assert issue.field == "STS_EDT"
    assert "ResponsablesAvecAdresses.xml" in issue.message


def test_a_students_export_without_addresses_is_refused():
    content = siecle_xml([SampleStudent("1001", "MARTIN", "Léa", "3A", "10310019110")])

    with pytest.raises(ImportFileError) as caught:
        parse_people(content, "ElevesSansAdresses.xml")

    assert "ElevesAvecAdresses.xml" in caught.value.issues[0].message


def test_it_reads_pupils_addresses_from_eleves_avec_adresses_in_both_versions():
    pupil = SampleStudent("1001", "MARTIN", "Léa", "3A", "10310019110", ine="123456789AB")
    other = SampleStudent("1002", "DURAND", "Théo", "3A", "10310019110")
    for version in ("2.0", "4.0"):
        people = parse_people(
            eleves_addresses_xml([(pupil, HOME), (other, None)], version=version),
            "ElevesAvecAdresses.xml",
        )

        assert people.kind == STUDENTS
        first, second = people.students
        assert (first.eleve_id, first.ine, first.last_name) == ("1001", "123456789AB", "MARTIN")
        assert first.address.address_lines == "APPARTEMENT 4\n12 RUE DES TILLEULS"
        assert second.address is None


def test_an_address_id_absent_from_addresses_is_a_warning():
    content = responsables_xml([MOTHER], LINKS[:1]).replace(b'ADRESSE_ID="A1"', b'ADRESSE_ID="ZZ"')

    people = parse_people(content)

    assert people.guardians["9001"].address is None
    assert [(i.field, i.value) for i in people.warnings] == [("ADRESSE_ID", "A1")]


def test_fictitious_guardians_cover_every_pupil_of_a_sample_school():
    school = fictitious_school(60, seed=1)
    guardians, links = fictitious_guardians(school.students, seed=1)

    people = parse_people(
        responsables_xml(guardians, links, export_date=date(2026, 9, 20)), "R.xml"
    )

    assert not people.has_errors
    assert {link.eleve_id for link in people.links} == {s.eleve_id for s in school.students}
    assert len(people.guardians) == len(guardians)
