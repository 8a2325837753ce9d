"""A background job's page in the browser: the progress bar follows the job through htmx
polling, then links the result; the pages fit a 375 px phone and pass axe."""

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.screen import PHONE, assert_fits


def test_a_coordinator_follows_a_job_to_its_result(demo, app, page):
    from django.contrib.auth import get_user_model

    from appui.jobs.models import Job

    user = get_user_model().objects.get(username="coordination")
    job = Job.objects.create(
        kind="planning.solve",
        key="e2e",
        title="Formation des groupes — 2nde pro, période 2",
        started_by=user,
        task_path="appui.planning.tasks.solve_plan",
        status=Job.Status.RUNNING,
        attempts=1,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        done=1,
        total=3,
        message="Recherche des meilleurs groupes",
    )
    app.login("coordination")
    app.open(f"/taches/{job.pk}/")
    bar = page.locator("#job-status progress")
    expect(bar).to_have_attribute("value", "1")
    expect(bar).to_have_attribute("max", "3")
    expect(page.get_by_text("Étape 1 sur 3 : Recherche des meilleurs groupes")).to_be_visible()
    app.assert_accessible()

    # The worker finishes: the polled status shows the result without reloading the page.
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE,
        done=3,
        finished_at=timezone.now(),
        result_url="/groupes/",
        result_summary="Les groupes sont formés : vérifiez-les, puis publiez le plan.",
    )
    result = page.get_by_role("button", name="Voir le résultat")
    expect(result).to_be_visible(timeout=10_000)
    expect(page.locator("#job-status")).to_have_attribute("data-state", "done")
    app.assert_accessible()

    page.set_viewport_size(PHONE)
    app.open("/taches/")
    expect(
        page.get_by_role("link", name="Formation des groupes — 2nde pro, période 2")
    ).to_be_visible()
    assert_fits(page)
    app.assert_accessible()
    app.open(f"/taches/{job.pk}/")
    assert_fits(page)
    result.click()
    expect(page).to_have_url(app.base + "/groupes/")
