"""Steering in the browser: the head's dashboard with every indicator, its charts and
downloads; the académie view without names; an anonymous survey answered once by a student
and once by a guardian; tutors who can never exceed their maximum."""

import re

from playwright.sync_api import expect

INDICATORS = [
    "targets",
    "hours",
    "attendance",
    "need_coverage",
    "progress",
    "marks",
    "churn",
    "modules",
    "staff",
    "never_offered",
    "tutoring",
    "satisfaction",
    "outcomes",
    "milestones",
]
# Indicators the demo fills whatever the date (the others need past periods or sessions).
CHARTED = [
    "targets",
    "hours",
    "progress",
    "modules",
    "staff",
    "tutoring",
    "satisfaction",
    "outcomes",
]


def test_the_head_sees_every_indicator_with_charts_and_downloads(demo_with_plans, app, page):
    app.login("direction")
    page.locator("[data-entry=dashboard] a").click()
    expect(page.locator("#dashboard-filters")).to_be_visible()
    for key in INDICATORS:
        section = page.locator(f"section[data-indicator={key}]")
        expect(section).to_have_count(1)
        expect(section.locator(".downloads a")).to_have_count(2)
    for key in CHARTED:
        assert page.locator(f"section[data-indicator={key}] .bar-row").count() > 0, key
    expect(page.locator("#open-decisions li").first).to_be_visible()
    app.assert_accessible()

    # Each chart has its table.
    hours = page.locator("section[data-indicator=hours]")
    hours.locator("details summary").first.click()
    expect(hours.locator("table tbody tr").first).to_be_visible()

    with page.expect_download() as download_info:
        hours.locator(".downloads a").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        assert handle.read(2) == b"PK"

    # Filters: one level, then its per-level view.
    page.locator("select[name=niveau]").select_option(index=3)
    page.locator("#apply-filters").click()
    expect(page.locator("section[data-indicator=hours]")).to_be_visible()
    app.assert_accessible()


def test_the_academie_view_shows_no_name(demo, app, page):
    from appui.schools.models import Guardian, Staff, Student

    app.login("academie")
    page.locator("[data-entry=academy] a").click()
    expect(page.locator("section[data-indicator=attendance]")).to_be_visible()
    app.assert_accessible()
    text = page.content()
    assert "Lycée professionnel Les Tilleuls" in text
    for model in (Student, Guardian, Staff):
        for last_name in model.objects.values_list("last_name", flat=True):
            assert not re.search(rf"\b{re.escape(last_name)}\b", text, flags=re.I), last_name
    # The head's dashboard is not theirs.
    response = app.open("/pilotage/")
    assert response.status == 403


def test_a_survey_answered_by_a_student_and_a_guardian_counts_once_each(demo, app, page):
    from appui.steering.models import Participation, ScaleCount, Survey

    survey = Survey.objects.get(template="students", published_at__isnull=False)
    scale = list(survey.questions.filter(kind="scale").order_by("order"))

    # Each audience sees and answers its own questions only.
    for username, audience in (("eleve", "student"), ("parent", "guardian")):
        page.context.clear_cookies()
        app.login(username)
        page.locator("[data-entry=survey] a").click()
        expect(page.locator("#answer-form")).to_be_visible()
        app.assert_accessible()
        for question in scale:
            choice = page.locator(f"input[name=q{question.pk}][value='4']")
            if question.audience == audience:
                choice.check()
            else:
                expect(choice).to_have_count(0)
        page.locator("#submit-answers").click()
        expect(page.locator("[data-entry=survey]")).to_have_count(0)
        app.open(f"/enquetes/{survey.pk}/repondre/")
        expect(page.locator("#already-answered")).to_be_visible()

    participations = Participation.objects.filter(survey=survey)
    assert sorted(participations.values_list("audience", flat=True)) == ["guardian", "student"]
    for question in scale:
        assert ScaleCount.objects.get(question=question, value=4).count == 1
    # Nothing stored with the answers names anyone: counters only, no user, no date.
    assert {f.name for f in ScaleCount._meta.get_fields()} == {"id", "question", "value", "count"}

    # The head sees two respondents but no detail: fewer than five answers.
    page.context.clear_cookies()
    app.login("direction")
    app.open(f"/enquetes/{survey.pk}/")
    expect(page.locator("#respondents")).to_contain_text("2")
    expect(page.locator("#too-few")).to_be_visible()
    expect(page.locator(".bar-fill")).to_have_count(0)
    app.assert_accessible()


def test_tutor_limits_cannot_be_exceeded(demo, app, page):
    from appui.tutoring.models import Tutor, TutoringPolicy

    app.login("direction")
    app.open("/tutorat/")
    app.assert_accessible()
    maximum = int(page.locator("#max-tutees").inner_text())

    # Lowering the maximum below a tutor's load is refused, and said so.
    busiest = Tutor.objects.order_by("-tutee_count").first()
    page.locator("#policy-link").click()
    page.locator("input[name=max_tutees]").fill(str(busiest.tutee_count - 1))
    page.locator("#policy-form button[type=submit]").click()
    expect(page.locator("#policy-form [role=alert]")).to_contain_text(
        busiest.staff.last_name.upper()
    )
    assert TutoringPolicy.objects.get().max_tutees == maximum

    # Full tutors are not offered; accepting every suggestion keeps everyone within the max.
    app.open("/tutorat/affecter/")
    offered = page.locator("#assign-tutor option").all_inner_texts()
    assert all(f"({maximum}/{maximum})" not in option for option in offered)
    app.open("/tutorat/suggestions/")
    app.assert_accessible()
    if page.locator("#accept-suggestions").count():
        page.locator("#accept-suggestions").click()
    assert all(t.tutee_count <= t.max_tutees for t in Tutor.objects.all())
    assert Tutor.objects.filter(tutee_count=maximum).exists()


def test_the_tutor_logs_a_meeting_seen_by_the_student(demo, app, page):
    from appui.schools.models import Student

    app.login("tuteur")
    page.locator("[data-entry=tutees] a").click()
    own = Student.objects.get(user__username="eleve")
    page.locator("#tutees a", has_text=own.last_name.upper()).click()
    app.assert_accessible()
    form = page.locator("#meeting-form")
    if not form.is_visible():
        page.locator("details summary").first.click()
    form.locator("textarea[name=topics]").fill("Projet de BTS : liste des formations à visiter")
    form.locator("textarea[name=next_steps]").fill("Salon de l'orientation en janvier")
    form.locator("button[type=submit]").click()
    expect(page.get_by_text("Projet de BTS : liste des formations à visiter")).to_be_visible()

    page.context.clear_cookies()
    app.login("eleve")
    page.locator("[data-entry=tutoring-record] a").click()
    expect(page.get_by_text("Projet de BTS : liste des formations à visiter")).to_be_visible()
    app.assert_accessible()
