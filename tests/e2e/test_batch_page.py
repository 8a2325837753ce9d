"""The batch regrouping pages in the browser: the confirmation, then the batch page following
its levels through htmx polling until every one has finished; 375 px and axe."""

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.screen import PHONE, assert_fits


def test_the_head_follows_a_batch_to_its_end(demo, app, page):
    from django.contrib.auth import get_user_model

    from appui.jobs.models import Job
    from appui.planning.models import Plan
    from appui.schools.models import School

    school = School.objects.get()
    head = get_user_model().objects.get(username="direction")
    app.login("direction")
    app.open("/groupes/")
    page.get_by_role(
        "button", name="Proposer les groupes de la période suivante pour tous les niveaux"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Proposer les groupes de la période suivante pour tous les niveaux"
    )
    expect(page.get_by_text("niveaux à calculer")).to_be_visible()
    app.assert_accessible()

    # A batch part-way (built here: the solves themselves are tested elsewhere).
    year = school.years.get(is_current=True)
    period = year.periods.order_by("number").last()
    plans = [
        Plan.objects.create(level=level, period=period, version=1)
        for level in year.levels.filter(has_ap=True)[:2]
    ]
    running = Job.objects.create(
        kind="planning.solve",
        key="e2e-solve",
        task_path="x",
        school=school,
        started_by=head,
        status=Job.Status.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    items = [
        {
            "school": school.pk,
            "school_name": school.name,
            "level": plans[0].level_id,
            "level_name": plans[0].level.name,
            "plan": plans[0].pk,
            "kept": "published",
        },
        {
            "school": school.pk,
            "school_name": school.name,
            "level": plans[1].level_id,
            "level_name": plans[1].level.name,
            "plan": plans[1].pk,
            "job": running.pk,
        },
        {
            "school": school.pk,
            "school_name": school.name,
            "level": None,
            "level_name": "3e",
            "error": "Aucune barrette n'est définie pour ce niveau sur cette période.",
        },
    ]
    batch = Job.objects.create(
        kind="planning.batch",
        key="e2e-batch",
        task_path="x",
        school=school,
        started_by=head,
        status=Job.Status.DONE,
        title="Groupes de la période suivante — démo",
        finished_at=timezone.now(),
        data={"items": items},
    )
    page.set_viewport_size(PHONE)
    app.open(f"/groupes/lots/{batch.pk}/")
    status = page.locator("#batch-status")
    expect(status).to_have_attribute("data-finished", "false")
    expect(page.locator("#batch-status progress")).to_have_attribute("value", "2")
    expect(page.get_by_text("Aucune barrette n'est définie")).to_be_visible()
    assert_fits(page)
    app.assert_accessible()

    # The running solve finishes: the polled page says so without a reload.
    Job.objects.filter(pk=running.pk).update(status=Job.Status.DONE, finished_at=timezone.now())
    expect(status).to_have_attribute("data-finished", "true", timeout=15_000)
    expect(page.locator("#batch-status progress")).to_have_attribute("value", "3")
    assert_fits(page)
    app.assert_accessible()
