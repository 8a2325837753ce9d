import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from appui.planning import services

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def published(world, planning):
    plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
    services.plan_solve(plan=plan)
    plan.refresh_from_db()
    services.plan_publish(plan=plan, user=None)
    return plan


def test_the_group_plan_pdf_lists_groups_and_students(world, planning, published, login):
    response = login(world.users["coordinator"]).get(
        reverse("reports:plan-pdf", args=[published.pk])
    )
    text = pdf_text(response)
    assert "Groupes d'AP" in text
    assert "MARTIN" in text and "Un objectif précis" in text


def test_the_group_plan_html_is_the_same_document(world, planning, published, login):
    response = login(world.users["coordinator"]).get(
        reverse("reports:plan-pdf", args=[published.pk]), {"format": "html"}
    )
    assert "MARTIN Léa" in response.content.decode()


def test_the_division_timetable_pdf(world, planning, published, login):
    response = login(world.users["teacher"]).get(
        reverse("reports:division-timetable-pdf", args=[world.division.pk])
    )
    text = pdf_text(response)
    assert "2A" in text and "mardi" in text


def test_teachers_cannot_print_a_plan(world, planning, published, login):
    response = login(world.users["teacher"]).get(reverse("reports:plan-pdf", args=[published.pk]))
    assert response.status_code == 403


def test_outsiders_get_404(world, planning, published, login):
    client = login(world.users["outsider"])
    assert client.get(reverse("reports:plan-pdf", args=[published.pk])).status_code == 404
    assert (
        client.get(reverse("reports:division-timetable-pdf", args=[world.division.pk])).status_code
        == 404
    )


def test_students_cannot_print_a_division_timetable(world, planning, published, login):
    response = login(world.users["student"]).get(
        reverse("reports:division-timetable-pdf", args=[world.division.pk])
    )
    assert response.status_code == 403
