"""The demo school shows what real schools have: ULIS pupils, addresses, legal guardians."""

import pytest

from appui.schools.models import Enrolment, Level, Student, StudentGuardian

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    from appui.schools.demo import build_demo

    settings.DEMO_SOLVE_PLANS = False
    return build_demo(seed=7, students=60)


def _snapshot(school):
    return {
        "ulis": sorted(
            Student.objects.filter(school=school, scheme=Student.Scheme.ULIS).values_list(
                "siecle_id", flat=True
            )
        ),
        "addresses": list(
            Student.objects.filter(school=school)
            .order_by("siecle_id")
            .values_list("address_lines", "postal_code", "city")
        ),
    }


def test_three_pupils_of_one_college_class_are_in_the_ulis_group(demo):
    ulis = Student.objects.filter(school=demo.school, scheme=Student.Scheme.ULIS)
    assert ulis.count() == 3
    assert {s.division.code for s in ulis} == {"5A"}
    assert all(s.exit_date is None for s in ulis)
    group = demo.school.years.get().student_groups.get(code="ULIS")
    assert set(group.students.all()) == set(ulis)
    # The year's enrolments carry the scheme too (the history a later year is read against).
    assert Enrolment.objects.filter(student__in=ulis, scheme=Student.Scheme.ULIS).count() == 3


def test_the_ulis_level_includes_its_pupils_in_ordinary_groups_and_others_keep_apart(demo):
    levels = Level.objects.filter(year__school=demo.school)
    assert {level.short_name for level in levels if not level.separate_schemes} == {"5E"}


def test_every_pupil_and_guardian_has_a_postal_address(demo):
    assert not Student.objects.filter(school=demo.school, postal_code="").exists()
    assert not demo.school.guardians.filter(postal_code="").exists()
    assert not demo.school.guardians.filter(civility="").exists()


def test_guardians_have_legal_ranks_and_some_contacts_are_not_legal_guardians(demo):
    links = StudentGuardian.objects.filter(student__school=demo.school)
    for student in Student.objects.filter(school=demo.school):
        ranks = sorted(
            link.legal_rank for link in links if link.student_id == student.pk and link.legal_rank
        )
        assert ranks in ([1], [1, 2]), student
    assert links.filter(legal_rank=1, financial=True).count() == links.filter(legal_rank=1).count()
    assert links.filter(legal_rank=0, contact=True).exists()


def test_the_same_seed_gives_the_same_schemes_and_addresses(demo, settings):
    from appui.schools.demo import build_demo

    first = _snapshot(demo.school)
    again = build_demo(seed=7, students=60)
    assert _snapshot(again.school) == first
