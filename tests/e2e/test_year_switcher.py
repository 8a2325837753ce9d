"""The year switcher in the browser: once year N+1 is current, the head looks back at a
division of year N and finds the pupils enrolled in it then, at desktop width and on a
375 px phone, every page accessible."""

import datetime
import re

from playwright.sync_api import expect

from tests.e2e.screen import assert_fits


def _next_year_with_one_pupil_moved(school):
    """Year N+1 with the same levels and divisions; every present pupil keeps their
    division's code except one, who moves to another division. Returns (N, the division of
    N the pupil left, the pupil)."""
    from appui.schools import services
    from appui.schools.models import Division, Enrolment, SchoolYear, Student

    year = SchoolYear.objects.get(school=school, is_current=True)
    services.enrolments_record(year=year, students=Student.objects.filter(school=school))
    following = SchoolYear.objects.create(
        school=school,
        start_year=year.start_year + 1,
        start_date=datetime.date(year.start_year + 1, 9, 1),
        end_date=datetime.date(year.start_year + 2, 7, 3),
    )
    copies = {}
    for level in year.levels.all():
        copy = year.levels.model.objects.get(pk=level.pk)
        copy.pk = None
        copy.year = following
        copy.save()
        for division in level.divisions.all():
            copies[division.pk] = Division.objects.create(
                year=following, level=copy, code=division.code
            )
    present = list(
        Student.objects.filter(school=school, exit_date__isnull=True, division__isnull=False)
        .select_related("division")
        .order_by("division__code", "last_name")
    )
    moved = present[0]
    left_division = moved.division
    elsewhere = next(d for pk, d in copies.items() if pk != left_division.pk)
    Enrolment.objects.bulk_create(
        Enrolment(
            student=student,
            year=following,
            division=elsewhere if student == moved else copies[student.division_id],
        )
        for student in present
    )
    services.year_make_current(year=following)
    return year, left_division, moved


def test_head_switches_years_on_the_division_page(demo, app, page):
    year, division, pupil = _next_year_with_one_pupil_moved(demo.school)
    past = f"{year.start_year}-{year.start_year + 1}"
    current = f"{year.start_year + 1}-{year.start_year + 2}"
    name = f"{pupil.last_name.upper()} {pupil.first_name}"
    notice = page.locator("#year-notice")

    app.login("direction")
    switcher = page.get_by_label("Année scolaire")
    expect(switcher.locator("option:checked")).to_have_text(f"{current} (année en cours)")
    expect(notice).to_have_count(0)

    # Desktop: choose year N on the school page, open the division the pupil was in.
    app.open("/etablissement/")
    switcher.select_option(label=past)
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(re.compile(r"/etablissement/$"))
    expect(notice).to_contain_text(f"Vous consultez l'année {past}")
    page.get_by_role("link", name=division.code, exact=True).click()
    expect(
        page.get_by_role("heading", name=re.compile(rf"{division.code}$"), level=1)
    ).to_be_visible()
    expect(page.get_by_role("link", name=name)).to_be_visible()
    app.assert_accessible()

    # Phone: back to the current year from the division page itself; the page stays.
    page.set_viewport_size({"width": 375, "height": 740})
    division_url = page.url
    assert_fits(page)
    app.assert_accessible()
    switcher.select_option(label=f"{current} (année en cours)")
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(division_url)
    expect(notice).to_have_count(0)
    assert_fits(page)

    # Today's division of that code no longer has the pupil.
    app.open("/etablissement/")
    page.get_by_role("link", name=division.code, exact=True).click()
    expect(
        page.get_by_role("heading", name=re.compile(rf"{division.code}$"), level=1)
    ).to_be_visible()
    expect(page.get_by_role("link", name=name)).to_have_count(0)
    assert_fits(page)
    app.assert_accessible()

    # The pupil's page lists both years.
    app.open(f"/eleves/{pupil.pk}/")
    history = page.get_by_role("table").first
    expect(history).to_contain_text(past)
    expect(history).to_contain_text(current)
    assert_fits(page)
    app.assert_accessible()
