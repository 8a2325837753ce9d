"""The LSU export page's query count does not grow with the pupils, groups and reports."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from appui.interop.models import LsuAssessment, LsuReport
from appui.planning.models import Assignment, Group
from appui.schools.models import Staff
from appui.schools.tests import factories as f

from .test_lsu import _complete, college  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_the_lsu_page_queries_do_not_grow_with_the_rows(
    login,
    world,
    college,  # noqa: F811 (the fixture imported above)
    django_assert_max_num_queries,
):
    _complete(world, college)
    client = login(world.users["head"])
    url = reverse("interop:lsu") + f"?periode={college['period'].pk}"
    client.get(url)
    # The preview computed each time, not read back (appui.schools.computed).
    cache.clear()
    with django_assert_max_num_queries(60) as small:
        client.get(url)
    period = college["period"]
    teacher = Staff.objects.create(
        school=world.school,
        user=f.UserFactory(),
        sts_id="7002",
        last_name="Blanc",
        first_name="Ana",
        civility="Mme",
    )
    teacher.subjects.add(college["french"])
    group = Group.objects.create(
        plan=college["group"].plan, slot=college["group"].slot, module=college["group"].module
    )
    group.staff.set([teacher])
    for n in range(6):
        student = f.StudentFactory(
            division=world.division, last_name=f"Nouveau{n}", siecle_id=f"41001{n:02d}", ine=""
        )
        Assignment.objects.create(group=group, student=student)
        report = LsuReport.objects.create(
            student=student, period=period, late=0, justified_absences=0, unjustified_absences=1
        )
        LsuAssessment.objects.create(
            report=report, subject=college["french"], staff=teacher, positioning=2
        )
    cache.clear()
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
