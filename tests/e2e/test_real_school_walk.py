"""A real school's first weeks in the browser (issue 15, item 8): the head of a fictitious
lycée polyvalent imports its SIECLE file (2nde GT, Bac Pro, a SEGPA class, BTS, a MEF appui
does not know, a pupil without a class), says what the unknown level is, imports the
guardians and finds a guardian's address on a pupil's page; then imports the SIECLE file of
2027-2028 (item 6), makes that year current and switches back and forth between the two years
with the header switcher. Axe on every page; pages on a phone without sideways scroll."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from appui.core.identifiers import uai_check_letter
from appui.core.io.samples import SampleStudent, siecle_xml, zipped
from appui.core.io.samples_people import SampleAddress, SampleGuardian, SampleLink, responsables_xml
from tests.e2e.screen import assert_fits

UAI = "0219991" + uai_check_letter("0219991")
YEAR = 2026  # the pinned clock's school year (tests/e2e/conftest.py)
UNKNOWN_MEF = "27621001110"


def _pupil(number: int, division: str | None, mef: str) -> SampleStudent:
    return SampleStudent(
        eleve_id=f"70{number:02d}",
        ine=f"{number:09d}PA",
        elenoet=f"5{number:04d}",
        last_name=f"ESSAI{number}",
        first_name="Inès" if number % 2 else "Noé",
        division=division,
        mef_code=mef,
    )


PUPILS = [
    _pupil(1, "2GT1", "20010017110"),  # 2nde générale et technologique
    _pupil(2, "2GT1", "20010017110"),
    _pupil(3, "2MTNE", "24725500310"),  # 2nde professionnelle
    _pupil(4, "2MTNE", "24725500310"),
    _pupil(5, "6SEGPA", "16410002110"),  # 6e SEGPA
    _pupil(6, "6SEGPA", "16410002110"),
    _pupil(7, "BTS1 MCO", "32031213210"),  # 1re année de BTS
    _pupil(8, "1FCIL", UNKNOWN_MEF),  # a MEF appui does not know
    _pupil(9, "1FCIL", UNKNOWN_MEF),
    _pupil(10, None, "20010017110"),  # enrolled, no class yet
]


#: The same school in 2027-2028 (issue 15, item 6): everyone goes up a level but ESSAI9, who
#: repeats the FCIL (the level the head specified is found again by its MEF); ESSAI8 leaves;
#: ESSAI10, without a class this year, goes up to 1re G; ESSAI11 arrives in 2nde GT.
NEXT_PUPILS = [
    _pupil(1, "1G1", "20110019110"),  # 1re générale
    _pupil(2, "1G1", "20110019110"),
    _pupil(3, "1MTNE", "24725500320"),  # 1re professionnelle
    _pupil(4, "1MTNE", "24725500320"),
    _pupil(5, "5SEGPA", "16510002110"),  # 5e SEGPA
    _pupil(6, "5SEGPA", "16510002110"),
    _pupil(7, "BTS2 MCO", "32031213220"),  # 2e année de BTS
    _pupil(9, "1FCIL", UNKNOWN_MEF),  # the FCIL again: a repeater
    _pupil(10, "1G1", "20110019110"),
    _pupil(11, "2GT1", "20010017110"),  # a new arrival
]
NEXT_EXPORT = datetime.date(2026, 11, 20)  # before the pinned clock, after the first file
CURRENT, NEXT = f"{YEAR}-{YEAR + 1}", f"{YEAR + 1}-{YEAR + 2}"


@pytest.fixture
def head(transactional_db):
    """An empty lycée polyvalent: the school and its head, nothing imported yet."""
    from django.contrib.auth import get_user_model

    from appui.schools.models import Membership, School

    school = School.objects.create(
        uai=UAI, name="Lycée polyvalent des Essais", city="Dijon", holiday_zone=School.Zone.A
    )
    user = get_user_model().objects.create_user(
        "proviseure", password="demo", first_name="Agnès", last_name="Proviseure"
    )
    Membership.objects.create(user=user, school=school, role=Membership.Role.HEAD)
    return school


def test_head_imports_a_lycee_polyvalent_its_guardians_then_opens_the_next_year(
    head, app, page, tmp_path
):
    from appui.schools.models import Enrolment, Level, MefMapping, SchoolYear, Student

    students_file = tmp_path / "ExportXML_ElevesSansAdresses.zip"
    students_file.write_bytes(zipped(siecle_xml(PUPILS, uai=UAI, school_year=YEAR)))

    # The SIECLE file: every present pupil is new, whatever their MEF; nothing written yet.
    app.login("proviseure")
    app.open("/imports/siecle/")
    app.assert_accessible()
    page.locator("input[name=file]").set_input_files(students_file)
    page.locator("form[enctype] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/imports/lots/\d+/$"))
    expect(page.locator('[data-count="students-new"]')).to_have_text(str(len(PUPILS)))
    expect(page.locator('[data-count="students-changed"]')).to_have_text("0")
    expect(page.get_by_role("cell", name=re.compile("est créé « à préciser »"))).to_be_visible()
    app.assert_accessible()
    assert not Student.objects.filter(school=head).exists()

    page.locator("button[name=apply]").click()
    expect(page.locator('[data-status="applied"]')).to_be_visible()
    app.assert_accessible()
    stored = {s.siecle_id: s for s in Student.objects.filter(school=head)}
    assert len(stored) == len(PUPILS)
    assert stored["7005"].scheme == "segpa"
    assert stored["7010"].division is None
    unknown = Level.objects.get(year__school=head, mef_mask=UNKNOWN_MEF)
    assert unknown.to_specify

    # The settings page names the level « à préciser »; the head says what it is.
    app.open("/")
    page.get_by_role("link", name="Paramètres de l'année").first.click()
    expect(page.get_by_role("heading", name="Paramètres de l'année", level=1)).to_be_visible()
    app.assert_accessible()
    page.locator(".message.warning").get_by_role("link", name=unknown.name).click()
    expect(page).to_have_url(re.compile(rf"/parametres/niveaux/{unknown.pk}/$"))
    app.assert_accessible()
    page.get_by_label("Nom", exact=True).fill("Formation complémentaire d'initiative locale")
    page.get_by_label("Nom court").fill("FCIL")
    page.get_by_label("Voie").select_option(Level.Track.MC.value)
    page.get_by_label("Année du cycle").fill("1")
    page.get_by_label("Heures d'AP par an").fill("36")
    page.get_by_role("button", name="Préciser ce niveau").click()
    expect(page.get_by_text("Le niveau est précisé")).to_be_visible()
    app.assert_accessible()
    unknown.refresh_from_db()
    assert not unknown.to_specify and unknown.short_name == "FCIL"
    assert unknown.ap_hours == 36
    assert MefMapping.objects.filter(school=head, mef=UNKNOWN_MEF).exists()

    # The guardians, with their postal addresses.
    address = SampleAddress("A1", ("12 RUE DES ESSAIS",), "21000", "DIJON")
    guardians = [
        SampleGuardian("9001", "ESSAI1", "Camille", address=address),
        SampleGuardian("9002", "ESSAI5", "Dominique", civility="M", address=address),
    ]
    links = [SampleLink("7001", "9001"), SampleLink("7005", "9002", code="20")]
    guardians_file = tmp_path / "ExportXML_ResponsablesAvecAdresses.zip"
    guardians_file.write_bytes(
        zipped(
            responsables_xml(guardians, links, uai=UAI, school_year=YEAR),
            "ResponsablesAvecAdresses.xml",
        )
    )
    app.open("/imports/responsables/")
    app.assert_accessible()
    page.locator("input[name=file]").set_input_files(guardians_file)
    page.locator("form[enctype] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/imports/lots/\d+/$"))
    expect(page.locator('[data-count="guardians-new"]')).to_have_text("2")
    expect(page.locator('[data-count="links-new"]')).to_have_text("2")
    app.assert_accessible()
    page.locator("button[name=apply]").click()
    expect(page.locator('[data-status="applied"]')).to_be_visible()

    # On a phone: the pupil's page shows the guardian and their address, no sideways scroll.
    page.set_viewport_size({"width": 375, "height": 740})
    app.open(f"/eleves/{stored['7001'].pk}/")
    guardians_section = page.locator("section[aria-labelledby=guardians-title]")
    expect(guardians_section).to_contain_text("Camille ESSAI1")
    expect(guardians_section).to_contain_text("12 RUE DES ESSAIS, 21000 DIJON")
    assert_fits(page)
    app.assert_accessible()

    # The SIECLE file of 2027-2028: it opens that year beside 2026-2027, which stays as it is.
    page.set_viewport_size({"width": 1280, "height": 900})
    next_file = tmp_path / "ExportXML_ElevesSansAdresses_2027.zip"
    next_file.write_bytes(
        zipped(siecle_xml(NEXT_PUPILS, uai=UAI, school_year=YEAR + 1, export_date=NEXT_EXPORT))
    )
    app.open("/imports/siecle/")
    page.locator("input[name=file]").set_input_files(next_file)
    page.locator("form[enctype] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/imports/lots/\d+/$"))
    facts = page.locator("#facts")
    expect(facts).to_contain_text(f"ouverte à côté de {CURRENT}, qui est conservée telle quelle")
    expect(facts).to_contain_text(
        f"9 qui continuent (dont 1 redoublant), 1 nouveau ; 1 élève de {CURRENT} absent du fichier"
    )
    expect(facts).to_contain_text(f"{CURRENT} le reste : {NEXT} sera « à venir »")
    expect(page.locator('[data-count="students-new"]')).to_have_text("1")
    expect(page.locator('[data-count="students-changed"]')).to_have_text("9")
    expect(page.locator('[data-count="leavers-leaving"]')).to_have_text("1")
    leavers = page.locator("section[data-section=leavers]")
    expect(leavers).to_contain_text("ESSAI8 Noé")
    expect(page.get_by_role("row", name=re.compile(r"ESSAI9 Inès.*redoublant"))).to_be_visible()
    # The level the head specified is known again: nothing new « à préciser ».
    expect(page.get_by_text("est créé « à préciser »")).to_have_count(0)
    app.assert_accessible()
    page.locator("button[name=apply]").click()
    expect(page.locator('[data-status="applied"]')).to_be_visible()
    app.assert_accessible()
    assert SchoolYear.objects.get(school=head, start_year=YEAR).is_current
    stored = {s.siecle_id: s for s in Student.objects.filter(school=head)}
    assert stored["7001"].division.code == "2GT1" and stored["7008"].exit_date is None
    assert stored["7011"].division is None  # not a pupil of 2026-2027

    # The pinned clock is in November 2026: 2027-2028 is « à venir »; the head switches now.
    switcher = page.get_by_label("Année scolaire")
    expect(switcher.locator("option", has_text=f"{NEXT} (à venir)")).to_have_count(1)
    app.open("/parametres/")
    upcoming = page.locator("#upcoming-year")
    expect(upcoming).to_contain_text(f"Année scolaire {NEXT}, à venir")
    app.assert_accessible()
    upcoming.get_by_role("button", name=f"Faire de {NEXT} l'année en cours").click()
    expect(page.locator("#upcoming-year")).to_have_count(0)
    expect(switcher.locator("option:checked")).to_have_text(f"{NEXT} (année en cours)")
    app.assert_accessible()
    stored = {s.siecle_id: s for s in Student.objects.filter(school=head)}
    assert stored["7011"].division.code == "2GT1" and stored["7008"].exit_date is not None
    assert stored["7009"].division.level.short_name == "FCIL"
    assert Enrolment.objects.get(student=stored["7009"], year__start_year=YEAR + 1).repeating

    # The header switcher: back to 2026-2027, where 2GT1 still holds that year's pupils.
    notice = page.locator("#year-notice")
    app.open("/etablissement/")
    expect(notice).to_have_count(0)
    switcher.select_option(label=CURRENT)
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(re.compile(r"/etablissement/$"))
    expect(notice).to_contain_text(f"Vous consultez l'année {CURRENT}")
    expect(notice).to_contain_text(f"L'année en cours est {NEXT}")
    page.get_by_role("link", name="2GT1", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"2GT1$"), level=1)).to_be_visible()
    expect(notice).to_be_visible()
    for name in ("ESSAI1 Inès", "ESSAI2 Noé"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="ESSAI11 Inès", exact=True)).to_have_count(0)
    app.assert_accessible()

    # Forward again, on a phone: 2027-2028's 2GT1 has the new arrival only.
    page.set_viewport_size({"width": 375, "height": 740})
    assert_fits(page)
    switcher.select_option(label=f"{NEXT} (année en cours)")
    page.get_by_role("button", name="Afficher").click()
    expect(notice).to_have_count(0)
    app.open("/etablissement/")
    page.get_by_role("link", name="2GT1", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"2GT1$"), level=1)).to_be_visible()
    expect(page.get_by_role("link", name="ESSAI11 Inès", exact=True)).to_be_visible()
    for name in ("ESSAI1 Inès", "ESSAI2 Noé"):
        expect(page.get_by_role("link", name=name, exact=True)).to_have_count(0)
    assert_fits(page)
    app.assert_accessible()
