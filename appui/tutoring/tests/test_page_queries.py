"""The tutoring suggestions: the query count does not grow with the pupils without a tutor,
and those beyond every tutor's room are counted, not loaded."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appui.schools.tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_suggestions_queries_do_not_grow_with_the_pupils(
    world, tutoring, login, django_assert_max_num_queries
):
    client = login(world.users["head"])
    url = reverse("tutoring:suggestions")
    StudentFactory.create_batch(2, division=world.division)
    small, html = queries(client, url)
    proposed = html.count('name="pair"')
    assert proposed
    StudentFactory.create_batch(40, division=world.division)
    with django_assert_max_num_queries(small):
        _count, html = queries(client, url)
    # As many proposals as the tutors have room for; the others counted.
    assert html.count('name="pair"') == proposed
    assert "students left without a tutor" in html or "sans tuteur" in html
