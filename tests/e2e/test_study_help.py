"""Study help in the browser, at 375 px: the pupil sees their next sign-up on the home page,
signs up for this evening's slot; at 17:15 the supervisor finds the call on their home page
and takes the attendance. Every page axe clean, none scrolls sideways."""

import datetime
import re
import zoneinfo

from playwright.sync_api import expect

from tests.e2e.screen import assert_fits

from .test_followup import PHONE

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TODAY = datetime.date(2026, 11, 24)


def test_a_pupil_signs_up_and_the_supervisor_takes_the_attendance(demo, app, page, clock):
    from appui.tutoring.models import StudyHelpSignup, StudyHelpSlot

    slot = StudyHelpSlot.objects.get(year__school=demo.school, date=TODAY)
    page.set_viewport_size(PHONE)

    app.login("eleve")
    panel = page.locator("#study-help-home")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("mardi 1er décembre")  # the demo's sign-up for next week
    assert_fits(page)
    app.assert_accessible()

    panel.get_by_role("button", name="Voir les créneaux et s'inscrire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aide au travail personnel")
    assert_fits(page)
    app.assert_accessible()
    page.locator(f"#creneau-{slot.pk}").get_by_role(
        "button", name="M'inscrire pour le mardi 24 novembre"
    ).click()
    expect(page.locator(".messages")).to_contain_text("Tu es inscrit pour le mardi 24 novembre")
    expect(
        page.locator(f"#creneau-{slot.pk}").get_by_role("button", name=re.compile("Annuler"))
    ).to_be_visible()
    assert_fits(page)
    app.assert_accessible()
    signup = StudyHelpSignup.objects.get(slot=slot, student__user__username="eleve")
    assert signup.attendance == ""

    # This evening, a quarter of an hour into the slot: the supervisor's call.
    clock.move_to(datetime.datetime.combine(TODAY, datetime.time(17, 15), PARIS))
    page.context.clear_cookies()
    app.login("tuteur")
    staff_panel = page.locator("#study-help-staff")
    expect(staff_panel).to_be_visible()
    assert_fits(page)
    app.assert_accessible()
    staff_panel.locator(f"a[href='/etude/{slot.pk}/']").first.click()
    form = page.locator("#study-help-attendance")
    expect(form).to_be_visible()
    assert_fits(page)
    app.assert_accessible()
    form.locator(f"#eleve-{signup.student_id}").get_by_label("Présent").check()
    form.get_by_role("button", name="Enregistrer l'appel").click()
    expect(page.locator(".messages")).to_contain_text("Appel enregistré")
    signup.refresh_from_db()
    assert signup.attendance == "present"

    app.open("/etude/")
    expect(page.locator("#study-help-upcoming")).to_be_visible()
    assert_fits(page)
    app.assert_accessible()


def test_the_coordinator_opens_a_weekly_slot(demo, app, page):
    from appui.tutoring.models import StudyHelpSlot

    page.set_viewport_size(PHONE)
    app.login("coordination")
    page.locator("#study-help-staff").get_by_role("link", name="Tous les créneaux").click()
    expect(page.locator("#study-help-summary")).to_be_visible()
    assert_fits(page)
    app.assert_accessible()

    page.locator("#study-help-create").click()
    form = page.locator("#study-help-form")
    form.get_by_label("Date (la première en cas de répétition)").fill("2026-12-03")
    form.get_by_label("Répéter chaque semaine jusqu'au").fill("2027-01-14")
    form.get_by_label("Heure de début").fill("12:30")
    form.get_by_label("Heure de fin").fill("13:20")
    form.get_by_label("Salle").fill("B12")
    form.get_by_label("Discipline ou thème").fill("Français")
    form.get_by_label("Encadré par").select_option(index=0)
    assert_fits(page)
    app.assert_accessible()
    form.get_by_role("button", name="Ouvrir les créneaux").click()
    # Thursdays 3, 10 and 17 December, 7 and 14 January: the Christmas holidays are skipped.
    expect(page.locator(".messages")).to_contain_text("5 créneaux d'aide ouverts")
    dates = set(StudyHelpSlot.objects.filter(room="B12").values_list("date", flat=True))
    assert dates == {
        datetime.date(2026, 12, 3),
        datetime.date(2026, 12, 10),
        datetime.date(2026, 12, 17),
        datetime.date(2027, 1, 7),
        datetime.date(2027, 1, 14),
    }
