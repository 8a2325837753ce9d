"""The school switcher in the browser: a replacement teacher working in 30 schools finds one
by searching, switches to it and works there; at desktop width and on a 375 px phone, every
page accessible."""

import re

from playwright.sync_api import expect

from tests.e2e.screen import assert_fits


def test_a_teacher_of_many_schools_searches_and_switches(demo, app, page):
    from appui.schools.models import Membership, School
    from appui.schools.tests import factories as f

    user = f.UserFactory(username="remplacante")
    user.set_password("demo")
    user.save()
    for n in range(30):
        school = f.SchoolFactory(name=f"Collège des Essais n° {n:02d}", city="Dijon")
        Membership.objects.create(user=user, school=school, role=Membership.Role.TEACHER)
    Membership.objects.create(user=user, school=demo.school, role=Membership.Role.TEACHER)
    last = School.objects.get(name="Collège des Essais n° 29")

    app.login("remplacante")
    page.locator(".school-name a").click()
    expect(page.get_by_role("heading", name="Vos établissements", level=1)).to_be_visible()
    expect(page.locator("#school-results")).to_contain_text("31 établissements")
    app.assert_accessible()

    page.get_by_label("Nom, UAI ou ville").fill(last.uai)
    expect(page.locator("#school-results")).to_contain_text("1 établissement")
    page.get_by_role("button", name=re.compile(r"n° 29")).click()
    expect(page.locator(".school-name")).to_contain_text("Collège des Essais n° 29")

    page.set_viewport_size({"width": 375, "height": 740})
    app.open("/etablissements/?q=Tilleuls")
    expect(page.locator("#school-results")).to_contain_text("Les Tilleuls")
    assert_fits(page)
    app.assert_accessible()
    page.get_by_role("button", name=re.compile("Les Tilleuls")).click()
    expect(page.locator(".school-name")).to_contain_text("Les Tilleuls")
