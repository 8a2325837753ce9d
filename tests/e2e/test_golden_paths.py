"""The flows of the foundation issue, walked in a real browser, with an axe check per page."""

import re

from playwright.sync_api import expect

from tests.e2e.screen import assert_fits


def test_login_page_is_french_and_accessible(demo, app, page):
    app.open("/")
    expect(page).to_have_url(re.compile(r"/compte/connexion/"))
    expect(page.get_by_role("heading", name="Connexion à appui")).to_be_visible()
    app.assert_accessible()


def test_a_wrong_password_is_refused_in_french(demo, app, page):
    app.login("coordination", "mauvais")
    expect(page.get_by_role("alert")).to_contain_text("Identifiant ou mot de passe incorrect")


def test_coordinator_walks_school_division_student(demo, app, page):
    app.login("coordination")
    expect(page.get_by_role("heading", name=re.compile("Bonjour"))).to_be_visible()
    expect(page.locator('[data-role="coordinator"]')).to_be_visible()
    app.assert_accessible()

    page.get_by_role("link", name="Établissement", exact=True).click()
    expect(
        page.get_by_role("heading", name="Niveaux et volumes horaires officiels d'AP")
    ).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("CAP 1re année.*101,5 h"))).to_be_visible()
    app.assert_accessible()

    page.get_by_role("link", name="2MRC").click()
    expect(page.get_by_role("heading", name="Division 2MRC")).to_be_visible()
    app.assert_accessible()

    first_student = page.locator("tbody th a").first
    name = first_student.inner_text()
    first_student.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Responsables légaux")).to_be_visible()
    assert name.split()[0].upper() in page.get_by_role("heading", level=1).inner_text().upper()
    app.assert_accessible()


def test_student_search_filters_as_you_type(demo, app, page):
    from appui.schools.models import Student

    student = Student.objects.filter(school=demo.school, exit_date__isnull=True).order_by("pk")[5]
    app.login("coordination")
    page.get_by_role("link", name="Élèves", exact=True).click()
    expect(page.get_by_text(re.compile(r"\d+ élèves trouvés"))).to_be_visible()
    app.assert_accessible()
    page.get_by_label("Nom ou INE").fill(student.ine)
    expect(page.get_by_text("1 élève trouvé")).to_be_visible()
    expect(page).to_have_url(re.compile(f"q={student.ine}"))
    page.get_by_role("link", name=re.compile(student.last_name, re.I)).click()
    expect(page.get_by_text(student.ine)).to_be_visible()


def test_student_sees_their_page_and_is_refused_another(demo, app, page):
    from appui.schools.models import Student

    own = Student.objects.get(user__username="eleve")
    other = Student.objects.filter(school=demo.school).exclude(pk=own.pk).first()
    app.login("eleve")
    expect(page.locator('[data-role="student"]')).to_be_visible()
    app.assert_accessible()
    page.get_by_role("link", name=f"{own.first_name} {own.last_name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(own.first_name)
    app.assert_accessible()

    response = app.open(f"/eleves/{other.pk}/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Accès refusé")).to_be_visible()
    expect(page.get_by_text(other.last_name.upper())).to_have_count(0)
    app.assert_accessible()


def test_parent_sees_their_child(demo, app, page):
    app.login("parent")
    expect(page.get_by_role("heading", name="Vos enfants")).to_be_visible()
    from appui.schools.models import Student

    child = Student.objects.get(guardians__user__username="parent")
    page.get_by_role("link", name=f"{child.first_name} {child.last_name}").click()
    expect(page.get_by_role("heading", name="Identité")).to_be_visible()
    app.assert_accessible()


def test_academy_sees_counts_and_no_names(demo, app, page):
    from appui.schools.models import Student

    app.login("academie")
    page.get_by_role("link", name="Établissement", exact=True).click()
    expect(page.get_by_role("heading", name="Divisions")).to_be_visible()
    body = page.content()
    for student in Student.objects.filter(school=demo.school)[:20]:
        assert student.ine not in body
    app.assert_accessible()
    assert app.open("/eleves/").status == 403


def test_pages_fit_a_phone_screen(demo, app, page):
    page.set_viewport_size({"width": 375, "height": 740})
    app.login("professeur")
    page.get_by_role("link", name="Élèves", exact=True).click()
    # Measure the student list once it has loaded, not the page being left.
    expect(page).to_have_url(re.compile(r"/eleves/$"))
    assert_fits(page)
    app.assert_accessible()
