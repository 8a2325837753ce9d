"""Follow-up in the browser: a teacher runs a session on a phone in a few taps; a stage review
goes draft → validated → visible to the student and the parent; the student's portfolio and
timetable; the coordinator's hour accounting; the demo's follow-up data.

Selectors use ids, classes and values rather than texts, so the tests read the same before
and after the French catalogue is updated."""

import datetime
import re
import time

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.screen import assert_fits

PHONE = {"width": 375, "height": 812}


def _published_group(demo, *, period_number=None, students=10, with_eleve=True):
    """A published plan for 2nde pro with one group run by « professeur », built directly."""
    from appui.planning.models import Assignment, Group, Module, Plan, Slot
    from appui.schools.models import Level, Staff, Student

    school = demo.school
    level = Level.objects.get(year__school=school, short_name="2NDPRO")
    periods = list(level.year.periods.order_by("number"))
    if period_number is None:
        today = timezone.localdate()
        period = next((p for p in periods if p.start_date <= today <= p.end_date), periods[0])
    else:
        period = periods[period_number - 1]
    teacher = Staff.objects.get(user__username="professeur")
    slot = Slot.objects.filter(level=level).first()
    module = Module.objects.get(school=school, code="CAL-S")
    plan = Plan.objects.create(
        level=level, period=period, status=Plan.Status.PUBLISHED, published_at=timezone.now()
    )
    group = Group.objects.create(plan=plan, slot=slot, module=module, room=slot.rooms.first())
    group.staff.set([teacher])
    own = Student.objects.get(user__username="eleve")
    members = [own] if with_eleve else []
    members += list(
        Student.objects.filter(division__level=level, exit_date__isnull=True)
        .exclude(pk=own.pk)
        .order_by("pk")[: students - len(members)]
    )
    for student in members:
        Assignment.objects.create(group=group, student=student)
    return plan, group, members


def test_a_teacher_takes_attendance_and_marks_progress_on_a_phone_in_under_ten_taps(
    demo, app, page
):
    from appui.followup.models import Attendance, ProgressMark, Session

    _plan, group, members = _published_group(demo, students=10)
    session = Session.objects.create(
        group=group,
        date=timezone.localdate(),
        start_time=group.slot.start_time,
        end_time=group.slot.end_time,
        plan_of_work="1. Calcul mental\n2. Remises et pourcentages\n3. Bilan",
    )
    absent, excellent = members[3], members[5]

    page.set_viewport_size(PHONE)
    app.login("professeur")
    taps = 0
    timings = []

    def tap(locator, *, request=True):
        """One tap; when it talks to the server, the time until the answer is kept."""
        nonlocal taps
        taps += 1
        if not request:
            locator.click()
            return
        started = time.perf_counter()
        with page.expect_response(lambda response: "/suivi/" in response.url):
            locator.click()
        timings.append(time.perf_counter() - started)

    # From the home page: today's session, its plan of work, the roster.
    tap(page.locator(f"a[href='/suivi/seances/{session.pk}/']").first)
    expect(page.locator(".plan-of-work, #id_plan_of_work").first).to_contain_text("Calcul mental")
    assert_fits(page)
    app.assert_accessible()

    tap(page.locator("button.all-present"))
    expect(page.locator(f"#eleve-{absent.pk} button[value=present]")).to_have_attribute(
        "aria-pressed", "true"
    )
    tap(page.locator(f"#eleve-{absent.pk} button[value=absent]"))
    expect(page.locator(f"#eleve-{absent.pk} button[value=absent]")).to_have_attribute(
        "aria-pressed", "true"
    )
    # One level for every student present, then one correction.
    tap(page.locator("#roster .roster-tools button[name=level][value='3']"))
    expect(page.locator(f"#eleve-{excellent.pk} button[name=level][value='3']")).to_have_attribute(
        "aria-pressed", "true"
    )
    tap(page.locator(f"#eleve-{excellent.pk} button[name=level][value='4']"))
    expect(page.locator(f"#eleve-{excellent.pk} button[name=level][value='4']")).to_have_attribute(
        "aria-pressed", "true"
    )
    # What was done: one tap in the field, typing, one tap to save.
    tap(page.locator("#id_content"), request=False)
    page.locator("#id_content").fill("Remises et pourcentages sur des tickets de caisse.")
    tap(page.locator("button.save-content"))
    expect(page.locator("#content-block .saved-flag")).to_be_visible()
    assert_fits(page)
    app.assert_accessible()

    assert taps < 10, f"{taps} taps"
    print(f"\nfollow-up: {taps} taps; slowest round trip {max(timings) * 1000:.0f} ms")

    statuses = dict(Attendance.objects.filter(session=session).values_list("student_id", "status"))
    assert len(statuses) == 10
    assert statuses[absent.pk] == "absent"
    assert sum(1 for s in statuses.values() if s == "present") == 9
    marks = dict(
        ProgressMark.objects.filter(session=session, author_kind="teacher").values_list(
            "student_id", "level"
        )
    )
    assert len(marks) == 9 and absent.pk not in marks and marks[excellent.pk] == 4
    session.refresh_from_db()
    assert session.status == "done" and session.content.startswith("Remises")


def _hold_sessions(group, members, count=3):
    """Past sessions of the group with attendance and progress marks, as a teacher would."""
    from appui.followup import services
    from appui.followup.models import Session

    sessions = []
    for weeks in range(count, 0, -1):
        day = group.plan.period.start_date + datetime.timedelta(days=7 * (count - weeks))
        session = Session.objects.create(
            group=group,
            date=day,
            start_time=group.slot.start_time,
            end_time=group.slot.end_time,
        )
        services.attendance_all_present(session=session, user=None, today=day)
        services.marks_set_unmarked(session=session, level=2 + (weeks == 1), user=None, today=day)
        sessions.append(session)
    return sessions


def test_a_stage_review_goes_from_draft_to_validated_and_reaches_the_family(demo, app, page):
    from appui.followup.models import StageReview
    from appui.schools.models import Student

    _plan, group, members = _published_group(demo, period_number=1, students=8)
    _hold_sessions(group, members)
    own = Student.objects.get(user__username="eleve")
    period = group.plan.period

    app.login("coordination")
    app.open(f"/suivi/bilans/divisions/{own.division_id}/?periode={period.pk}")
    app.assert_accessible()
    page.locator("button.prepare-reviews").click()
    review = StageReview.objects.get(student=own, period=period)
    assert review.status == "draft" and "Calcul au quotidien" in review.progress
    page.locator(f"a[href='/suivi/bilans/{review.pk}/']").click()
    expect(page.locator("#id_progress")).to_have_value(re.compile("Calcul au quotidien"))
    page.locator("#id_comment").fill("Très bonne période : continue ainsi.")
    page.locator("button.save-review").click()
    app.assert_accessible()

    # Still a draft: the student cannot read it.
    page.context.clear_cookies()
    app.login("eleve")
    assert app.open(f"/suivi/bilans/{review.pk}/").status == 403
    app.open(f"/eleves/{own.pk}/")
    expect(page.locator(f"#suivi a[href='/suivi/bilans/{review.pk}/']")).to_have_count(0)

    page.context.clear_cookies()
    app.login("coordination")
    app.open(f"/suivi/bilans/{review.pk}/")
    page.locator("button.validate-review").click()
    expect(page.locator(".badge.state-done")).to_be_visible()
    review.refresh_from_db()
    assert review.status == "validated"

    for account in ("eleve", "parent"):
        page.context.clear_cookies()
        app.login(account)
        app.open(f"/eleves/{own.pk}/")
        app.assert_accessible()
        page.locator(f"#suivi a[href='/suivi/bilans/{review.pk}/']").click()
        expect(page.locator("main")).to_contain_text("Très bonne période : continue ainsi.")
        expect(page.locator("main")).to_contain_text("Calcul au quotidien")
        expect(page.locator("main form")).to_have_count(0)
        app.assert_accessible()


def test_the_portfolio_and_timetable_show_the_students_year(demo, app, page):
    from appui.followup import services
    from appui.schools.models import Student

    _plan, group, members = _published_group(demo, period_number=1, students=8)
    _hold_sessions(group, members)
    own = Student.objects.get(user__username="eleve")
    (review,) = services.reviews_prepare(students=[own], period=group.plan.period, user=None)
    services.review_validate(review=review, user=None)

    page.set_viewport_size(PHONE)
    app.login("eleve")
    app.open(f"/eleves/{own.pk}/")
    page.locator(f"#suivi a[href='/eleves/{own.pk}/portfolio/']").click()
    year = own.division.year
    expect(page.locator("h2").first).to_contain_text(year.label)
    expect(page.locator(".timeline li.group")).to_contain_text("Calcul au quotidien")
    expect(page.locator(".timeline li.review")).to_have_count(1)
    assert_fits(page)
    app.assert_accessible()

    first = group.plan.period.start_date
    app.open(f"/eleves/{own.pk}/emploi-du-temps/?semaine={first:%Y-%m-%d}")
    expect(page.locator(".slot-card").first).to_contain_text("Calcul au quotidien")
    app.assert_accessible()
    app.open(f"/eleves/{own.pk}/emploi-du-temps/imprimer/?periode={group.plan.period.pk}")
    expect(page.locator("table tbody tr")).to_have_count(3)
    page.emulate_media(media="print")
    expect(page.locator("body > header")).to_be_hidden()
    page.emulate_media(media="screen")
    app.assert_accessible()


def test_the_coordinator_sees_hours_due_against_planned_per_level(demo, app, page):
    from appui.schools.models import Level

    _plan, group, members = _published_group(demo, period_number=1, students=8)
    _hold_sessions(group, members)
    level = Level.objects.get(year__school=demo.school, short_name="2NDPRO")

    app.login("coordination")
    page.locator("a[href='/suivi/']").first.click()
    page.locator("a[href='/suivi/heures/']").click()
    row = page.locator(f"tr:has(a[href='/suivi/heures/niveaux/{level.pk}/'])")
    expect(row).to_contain_text("90 h")
    app.assert_accessible()
    row.locator("a").click()
    # Eight students are in the group, the others in none: the unequal-hours warning.
    expect(page.locator(".warnings")).to_be_visible()
    expect(page.locator(".warnings")).to_contain_text("même nombre d'heures")
    expect(page.locator("tr.flagged").first).to_be_visible()
    app.assert_accessible()
    page.locator("a[href='/suivi/heures/']").first.click()
    page.locator("a[href='/suivi/heures/personnels/']").first.click()
    expect(page.locator("table")).to_contain_text(group.staff.first().last_name.upper())
    app.assert_accessible()


def test_a_teacher_subscribes_to_their_calendar(demo, app, page):
    _plan, group, _members = _published_group(demo, students=4)
    from appui.followup import services

    services.sessions_generate_for_plan(plan=group.plan)
    app.login("professeur")
    app.open("/suivi/agenda/")
    app.assert_accessible()
    url = page.locator("#feed-url").input_value()
    page.context.clear_cookies()
    response = page.request.get(url)
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    body = response.text()
    assert "BEGIN:VEVENT" in body and "Calcul au quotidien" in body


def test_the_demo_has_sessions_attendance_and_a_validated_review_for_the_family(
    demo_with_plans, app, page
):
    from appui.followup.models import Attendance, Session, StageReview
    from appui.schools.models import Student

    held = Session.objects.filter(status="done")
    assert held.exists()
    statuses = list(Attendance.objects.values_list("status", flat=True))
    present = sum(1 for s in statuses if s in ("present", "late")) / len(statuses)
    assert 0.8 < present < 0.98
    own = Student.objects.get(user__username="eleve")
    review = StageReview.objects.get(student=own, status="validated")

    app.login("parent")
    app.open(f"/eleves/{own.pk}/")
    page.locator(f"#suivi a[href='/suivi/bilans/{review.pk}/']").click()
    expect(page.locator("main")).to_contain_text(review.period.name)
    app.assert_accessible()
    app.open(f"/eleves/{own.pk}/portfolio/")
    expect(page.locator(".timeline li.group").first).to_be_visible()
    app.assert_accessible()
