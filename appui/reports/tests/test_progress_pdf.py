"""The stage review PDF carries the pupil's progress graph and its table."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from appui.followup import services as followup
from appui.followup.models import ProgressMark, Session
from appui.planning import services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published(world, planning):
    plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
    services.plan_solve(plan=plan)
    plan.refresh_from_db()
    services.plan_publish(plan=plan, user=None)
    return plan


def test_the_stage_review_shows_the_progress_graph_with_its_table(
    world, planning, published, login
):
    group = published.groups.filter(assignments__student=world.student).first()
    session = Session.objects.filter(group=group).order_by("date").first()
    ProgressMark.objects.create(
        session=session, student=world.student, author_kind="teacher", level=3
    )
    review = followup.reviews_prepare(
        students=[world.student], period=planning["period"], user=None
    )[0]
    client = login(world.users["coordinator"])
    url = reverse("reports:review-pdf", args=[review.pk])
    html = client.get(url, {"format": "html"}).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in html
    assert group.module.title in html and ">MS<" in html
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Progrès au fil de l'année" in text
