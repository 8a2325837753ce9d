"""Documents prepared in the background, in the browser: the year's archive, a division's
letters and a plan's attendance sheets each lead to their job's page, which offers the file;
an import being applied in the background says so; the ways to the jobs and to adding a
school. The tests' task backend runs each job as soon as the request commits, so the job
page shows it done. Every page fits a 375 px phone and passes axe."""

import re

from django.db.models import Count
from playwright.sync_api import expect

from tests.e2e.screen import PHONE, assert_fits

JOB_PAGE = re.compile(r"/taches/(\d+)/$")


def check_job_file(app, page, content_type: str) -> None:
    """The job page shows the job done with its file; the file answers with its type."""
    expect(page).to_have_url(JOB_PAGE)
    expect(page.locator("#job-status")).to_have_attribute("data-state", "done")
    download = page.locator("#job-status a[download]")
    expect(download).to_have_text("Télécharger")
    match = JOB_PAGE.search(page.url)
    assert match is not None
    pk = match.group(1)
    assert download.get_attribute("href") == f"/taches/{pk}/fichier/"
    response = page.context.request.get(app.base + f"/taches/{pk}/fichier/")
    assert response.status == 200
    assert response.headers["content-type"].startswith(content_type)
    assert len(response.body()) > 0
    app.assert_accessible()
    page.set_viewport_size(PHONE)
    assert_fits(page)
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename


def test_the_head_prepares_the_year_archive(demo, app, page):
    app.login("direction")
    app.open("/exports/")
    form = page.locator("form[data-archive]")
    expect(form.get_by_label("Format des fichiers")).to_be_visible()
    app.assert_accessible()
    page.set_viewport_size(PHONE)
    assert_fits(page)
    form.get_by_role("button", name="Préparer l'archive").click()
    page.set_viewport_size({"width": 1280, "height": 800})
    check_job_file(app, page, "application/zip")


def test_the_head_prints_a_divisions_letters(demo, app, page):
    from appui.schools.models import Division

    division = (
        Division.objects.annotate(n=Count("students")).filter(n__gt=0).order_by("n", "pk").first()
    )
    app.login("direction")
    app.open(f"/divisions/{division.pk}/")
    button = page.get_by_role("button", name="Lettres à toutes les familles (PDF)")
    expect(button).to_be_visible()
    app.assert_accessible()
    page.set_viewport_size(PHONE)
    assert_fits(page)
    button.click()
    page.set_viewport_size({"width": 1280, "height": 800})
    check_job_file(app, page, "application/pdf")


def test_the_coordinator_prints_a_plans_attendance_sheets(demo_with_plans, app, page):
    from appui.planning.models import Plan

    plan = (
        Plan.objects.filter(status=Plan.Status.PUBLISHED)
        .annotate(n=Count("groups__assignments"))
        .filter(n__gt=0)
        .order_by("n", "pk")
        .first()
    )
    app.login("coordination")
    app.open("/groupes/")
    jobs = page.get_by_role("button", name="Mes tâches de fond")
    expect(jobs).to_have_attribute("href", "/taches/")
    app.open(f"/groupes/plans/{plan.pk}/")
    button = page.get_by_role("button", name="Toutes les feuilles d'émargement (PDF)")
    expect(button).to_be_visible()
    app.assert_accessible()
    page.set_viewport_size(PHONE)
    assert_fits(page)
    button.click()
    page.set_viewport_size({"width": 1280, "height": 800})
    check_job_file(app, page, "application/pdf")


def test_an_import_applied_in_the_background_says_so(demo, app, page):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from appui.interop.models import ImportBatch
    from appui.jobs.models import Job

    user = get_user_model().objects.get(username="direction")
    job = Job.objects.create(
        kind="interop.import",
        key="e2e",
        title="Import des élèves — eleves.csv",
        started_by=user,
        task_path="appui.interop.tasks.apply_import",
        status=Job.Status.RUNNING,
        attempts=1,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        done=1,
        total=4,
    )
    batch = ImportBatch.objects.create(
        school=demo.school,
        kind="students",
        uploaded_by=user,
        file_name="eleves.csv",
        content=b"Nom;Prenom\n",
        job=job,
    )
    app.login("direction")
    app.open(f"/imports/lots/{batch.pk}/")
    status = page.locator("#applying")
    expect(status).to_contain_text("Cet import est en cours d'application en arrière-plan")
    expect(page.get_by_role("button", name="Confirmer l'import")).to_have_count(0)
    follow = status.get_by_role("button", name="Suivre sa progression")
    expect(follow).to_have_attribute("href", f"/taches/{job.pk}/")
    app.assert_accessible()
    page.set_viewport_size(PHONE)
    assert_fits(page)
    follow.click()
    expect(page).to_have_url(app.base + f"/taches/{job.pk}/")
    expect(page.locator("#job-status progress")).to_have_attribute("max", "4")
    assert_fits(page)


def test_an_academie_administrator_without_a_school_is_led_to_add_one(transactional_db, app, page):
    from django.contrib.auth import get_user_model

    from appui.schools.models import Academy, AcademyMembership

    user = get_user_model().objects.create_user("admin-dijon", password="demo")
    academy = Academy.objects.create(code="DIJON", name="Académie de Dijon")
    AcademyMembership.objects.create(
        user=user, academy=academy, role=AcademyMembership.Role.ADMINISTRATOR
    )
    app.login("admin-dijon")
    app.open("/")
    add = page.get_by_role("button", name="Ajouter un établissement (fichier SIECLE)")
    expect(add).to_be_visible()
    app.assert_accessible()
    page.set_viewport_size(PHONE)
    assert_fits(page)
    add.click()
    expect(page).to_have_url(re.compile(r"\?nouveau=1$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_fits(page)
    app.assert_accessible()
