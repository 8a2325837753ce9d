"""The académie demo (``manage.py demo --schools N``): many schools, built by the demo's
builders, with valid distinct UAIs, predictable accounts, and staff and rooms scaled."""

import io

import pytest
from django.core.management import call_command

from appui.accounts.models import User
from appui.core.identifiers import uai_problem
from appui.planning.demo import ROOMS, rooms_for
from appui.schools.demo import (
    DEMO_UAI,
    academy_demo_uai,
    build_academy_demo,
    build_demo,
    demo_username,
    staff_scale,
)
from appui.schools.models import AcademyMembership, School, Staff, Student

pytestmark = pytest.mark.django_db


@pytest.fixture
def academy(settings):
    settings.DEMO_SOLVE_PLANS = False
    return build_academy_demo(schools=2, students=60, seed=5)


def test_each_school_has_a_valid_distinct_uai_in_one_academie(academy):
    uais = [result.school.uai for result in academy]
    assert uais == [academy_demo_uai(n) for n in (1, 2)]
    assert len(set(uais)) == 2 and DEMO_UAI not in uais
    assert all(uai_problem(uai) is None for uai in uais)
    assert len({result.school.academy_id for result in academy}) == 1
    assert all(Student.objects.filter(school=r.school).count() == 60 for r in academy)


def test_each_school_has_its_accounts_named_after_its_uai(academy, client):
    for result in academy:
        username = demo_username(result.school, "direction")
        assert username == f"direction-{result.school.uai.lower()}"
        assert username in result.accounts
        user = User.objects.get(username=username)
        assert user.check_password("demo")
        client.force_login(user)
        assert client.get("/").context["current_school"] == result.school


def test_the_academie_accounts_see_every_school_of_it(academy, client):
    for username in ("academie-demo", "admin-academie"):
        assert AcademyMembership.objects.filter(user__username=username).exists()
        user = User.objects.get(username=username)
        assert user.check_password("demo")
        client.force_login(user)
        page = client.get("/etablissements/").context["page"]
        assert {s.pk for s in page} == {r.school.pk for r in academy}


def test_rebuilding_replaces_the_schools_and_leaves_the_demo_school_alone(academy, settings):
    demo = build_demo(seed=1, students=40)
    again = build_academy_demo(schools=1, students=40, seed=5)
    assert School.objects.filter(pk=demo.school.pk).exists()
    assert again[0].school.uai == academy[0].school.uai
    assert Student.objects.filter(school__uai=academy_demo_uai(1)).count() == 40
    # The second school of the first build was not asked for again: it stays as it was.
    assert Student.objects.filter(school__uai=academy_demo_uai(2)).count() == 60


def test_staff_grow_with_the_pupils():
    assert staff_scale(60) == staff_scale(500) == 1
    assert staff_scale(501) == 2 and staff_scale(1500) == 3


def test_rooms_give_every_level_enough_seats_in_its_slot():
    assert rooms_for(125) == ROOMS  # the usual demo keeps its rooms
    for pupils in (373, 600):
        rooms = rooms_for(pupils)
        assert sum(r[1] for r in rooms) >= 1.15 * pupils
        assert len(rooms) >= round(pupils / 12) + 2
        assert len({r[0] for r in rooms}) == len(rooms)


def test_a_larger_school_has_more_teachers(settings):
    settings.DEMO_SOLVE_PLANS = False
    small = build_academy_demo(schools=1, students=60, seed=5)[0]
    teachers_small = Staff.objects.filter(school=small.school, function="teacher").count()
    large = build_academy_demo(schools=1, students=700, seed=5)[0]
    teachers_large = Staff.objects.filter(school=large.school, function="teacher").count()
    assert teachers_large == 2 * teachers_small


def test_the_command_plays_the_year_up_to_the_date_asked(settings):
    settings.DEMO_SOLVE_PLANS = False
    out = io.StringIO()
    call_command(
        "demo",
        "--schools=1",
        "--students=40",
        "--until=2027-03-02",
        "--insecure-demo-passwords",
        stdout=out,
    )
    school = School.objects.get(uai=academy_demo_uai(1))
    assert school.years.get(is_current=True).start_year == 2026
    assert "direction-" in out.getvalue()
    # Each school is announced as soon as it is built, with the progress.
    assert "(0218001H)" in out.getvalue() and "[1/1, " in out.getvalue()


def test_a_school_that_fails_keeps_the_schools_built_before_it(settings, monkeypatch):
    from appui.schools import demo

    settings.DEMO_SOLVE_PLANS = False
    built = demo._build_school

    def second_fails(school, **kwargs):
        if school.uai == academy_demo_uai(2):
            raise RuntimeError("disque plein")
        return built(school, **kwargs)

    monkeypatch.setattr(demo, "_build_school", second_fails)
    with pytest.raises(RuntimeError):
        build_academy_demo(schools=2, students=40, seed=5)
    # School 1 was committed on its own; school 2 left nothing behind.
    assert list(School.objects.values_list("uai", flat=True)) == [academy_demo_uai(1)]


def test_without_options_the_command_builds_the_usual_demo(settings):
    settings.DEMO_SOLVE_PLANS = False
    out = io.StringIO()
    call_command("demo", "--students=40", "--insecure-demo-passwords", stdout=out)
    assert list(School.objects.values_list("uai", flat=True)) == [DEMO_UAI]
    assert "direction " in out.getvalue() and "academie " in out.getvalue()
