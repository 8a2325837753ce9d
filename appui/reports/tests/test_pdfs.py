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


def test_the_guardian_letter_names_the_groups(world, planning, published, login):
    response = login(world.users["teacher"]).get(
        reverse("reports:guardian-letter-pdf", args=[world.student.pk])
    )
    text = pdf_text(response)
    assert "Léa" in text and "Module " in text


def test_families_cannot_print_the_letter_themselves(world, planning, published, login):
    response = login(world.users["guardian"]).get(
        reverse("reports:guardian-letter-pdf", args=[world.student.pk])
    )
    assert response.status_code == 403


def test_the_attendance_sheet_lists_members_and_dates(world, planning, published, login):
    group = published.groups.filter(assignments__student=world.student).first()
    response = login(world.users["coordinator"]).get(
        reverse("reports:attendance-sheet-pdf", args=[group.pk])
    )
    text = pdf_text(response)
    assert "MARTIN" in text and "/09" in text


def test_a_validated_stage_review_prints_for_the_family(world, planning, published, login):
    from appui.followup import services as followup

    review = followup.reviews_prepare(
        students=[world.student], period=planning["period"], user=None
    )[0]
    client = login(world.users["guardian"])
    url = reverse("reports:review-pdf", args=[review.pk])
    assert client.get(url).status_code == 403  # still a draft
    followup.review_validate(review=review, user=world.users["coordinator"])
    assert "Progrès" in pdf_text(client.get(url)) or "Bilan" in pdf_text(client.get(url))
