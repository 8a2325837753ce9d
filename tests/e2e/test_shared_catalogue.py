"""The académie's shared module catalogue in the browser, on a 375 px phone: the demo school
(A) publishes a module to its académie after a preview, a coordinator of school B (same
académie) finds it in the catalogue and copies it into B (competency matched by its code, not
offered), and the académie's account sees the copy in the diffusion table. Every page
accessible (axe), none scrolls sideways."""

import re

from playwright.sync_api import expect

from tests.e2e.screen import PHONE, assert_fits


def _user(username: str):
    from appui.schools.tests import factories as f

    user = f.UserFactory(username=username)
    user.set_password("demo")
    user.save()
    return user


def test_a_module_published_by_a_is_copied_by_b(demo, app, page):
    from appui.diagnostics import services as diagnostics
    from appui.planning.models import Module, SharedModule, SharedModuleCopy
    from appui.schools.models import Academy, AcademyMembership, Membership, School
    from appui.schools.tests import factories as f

    academy = Academy.objects.create(code="ESS", name="Académie des Essais")
    School.objects.filter(pk=demo.school.pk).update(academy=academy)
    school_b = f.SchoolFactory(name="Lycée Voisin", academy=academy)
    f.SchoolYearFactory(school=school_b)
    diagnostics.framework_install_default(school=school_b)
    Membership.objects.create(
        user=_user("coord-voisin"), school=school_b, role=Membership.Role.COORDINATOR
    )
    AcademyMembership.objects.create(user=_user("inspection-essais"), academy=academy)
    module = Module.objects.filter(school=demo.school, active=True).order_by("code").first()

    page.set_viewport_size(PHONE)
    app.login("coordination")
    app.open(f"/modules/{module.pk}/")
    page.get_by_role("button", name="Publier dans le catalogue de l'académie").click()
    expect(
        page.get_by_role("heading", name="Publier dans le catalogue de l'académie", level=1)
    ).to_be_visible()
    preview = page.locator("section.card")
    expect(preview).to_contain_text(module.objective)
    expect(preview).to_contain_text(module.competency.code)
    assert_fits(page)
    app.assert_accessible()
    page.get_by_label("Déroulé des séances").fill("Séance 1 : repérage\nSéance 2 : entraînement")
    page.get_by_role("button", name="Publier dans le catalogue de l'académie").click()
    expect(page.get_by_text("Publié dans le catalogue de l'académie.")).to_be_visible()
    expect(page.get_by_role("heading", name=module.title, level=1)).to_be_visible()
    assert_fits(page)
    app.assert_accessible()
    shared = SharedModule.objects.get(module=module)
    assert shared.session_plan == "Séance 1 : repérage\nSéance 2 : entraînement"

    page.context.clear_cookies()
    app.login("coord-voisin")
    app.open("/catalogue-academique/")
    page.get_by_label("Rechercher").fill(module.competency.code)
    page.get_by_role("button", name="Rechercher").click()
    entry = page.get_by_role("article").filter(has_text=module.title)
    expect(entry).to_contain_text(demo.school.name)
    expect(entry).to_contain_text("copié par 0 établissement")
    assert_fits(page)
    app.assert_accessible()
    entry.get_by_role("button", name=re.compile("Copier dans mon établissement")).click()
    expect(page.get_by_text(f"Compétence {module.competency.code} trouvée")).to_be_visible()
    assert_fits(page)
    app.assert_accessible()
    page.get_by_role("button", name="Copier dans mon établissement").click()
    expect(page.get_by_text(re.compile("créé, non proposé"))).to_be_visible()
    copy = Module.objects.get(school=school_b)
    assert (copy.title, copy.competency.code, copy.active) == (
        module.title,
        module.competency.code,
        False,
    )
    assert SharedModuleCopy.objects.get().school == school_b

    page.context.clear_cookies()
    app.login("inspection-essais")
    app.open("/catalogue-academique/diffusion/")
    row = page.get_by_role("row").filter(has_text=module.title)
    expect(row).to_contain_text("Lycée Voisin")
    assert_fits(page)
    app.assert_accessible()
