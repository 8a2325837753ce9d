"""A real school's first weeks in the browser (issue 15, item 8): the head of a fictitious
lycée polyvalent imports its SIECLE file (2nde GT, Bac Pro, a SEGPA class, BTS, a MEF appui
does not know, a pupil without a class), says what the unknown level is, imports the
guardians and finds a guardian's address on a pupil's page. Axe on every page; the pupil's
page on a phone without sideways scroll."""

import re

import pytest
from playwright.sync_api import expect

from appui.core.identifiers import uai_check_letter
from appui.core.io.samples import SampleStudent, siecle_xml, zipped
from appui.core.io.samples_people import SampleAddress, SampleGuardian, SampleLink, responsables_xml

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


def _fits_the_screen(page) -> None:
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1, page.url


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


def test_head_imports_a_lycee_polyvalent_maps_its_unknown_level_and_its_guardians(
    head, app, page, tmp_path
):
    from appui.schools.models import Level, MefMapping, Student

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
    _fits_the_screen(page)
    app.assert_accessible()

    # next year: the SIECLE file of 2027-2028 opens that year beside this one, then the year
    # switcher shows both (issue 15, item 6) — added with the next-year import.
