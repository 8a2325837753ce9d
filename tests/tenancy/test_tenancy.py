"""Many schools in one installation: no school ever sees another's (issue 19, item 1).

Two académies of two schools each: X = {A, C}, Y = {B, D}. School A and B are the access
matrix's world (``tests/access/world.py``): A with every role, B with a full branch of
objects (pupil, division, plan, group, session, review, survey, import batch…) and its head.
"""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from appui.schools.models import Academy, AcademyMembership, Membership, School
from appui.schools.tests import factories as f
from tests.access.patterns import Unfillable, kwargs_for, object_kinds, site_patterns
from tests.access.world import TODAY, build_world

NOW = datetime.datetime.combine(TODAY, datetime.time(10), zoneinfo.ZoneInfo("Europe/Paris"))
#: Capability URLs: a secret token in the URL, not the signed-in user, decides.
TOKEN_URLS = {"followup:ical-feed"}
# Public on purpose (a remarkable action published by its school, no person named): anyone
# holding the address may read it, whatever their school.
PUBLIC_URLS = {"reports:remarkable-action", "reports:remarkable-action-pdf"}


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def no_pdf_layout(monkeypatch):
    monkeypatch.setattr("weasyprint.HTML.write_pdf", lambda self, *a, **k: b"%PDF-1.7\n")


@pytest.fixture
def world(db):
    world = build_world()
    # The access world puts A in académie X and B in académie Y.
    x = Academy.objects.get(code="XX")
    y = Academy.objects.get(code="YY")
    school_a = world.objects["school"]["own"]
    school_b = world.objects["school"]["foreign"]
    School.objects.filter(pk=school_a.pk).update(academy=x)
    School.objects.filter(pk=school_b.pk).update(academy=y)
    world.school_c = f.SchoolFactory(name="Lycée C", academy=x)
    world.school_d = f.SchoolFactory(name="Lycée D", academy=y)
    inspector = f.UserFactory(username="inspecteur_x")
    AcademyMembership.objects.create(user=inspector, academy=x)
    world.users["inspector_x"] = inspector
    return world


def _foreign_probes(world):
    return _probes(world, "foreign")


def _probes(world, branch):
    """(url name, path) of every URL naming an object, filled with ``branch``'s objects
    (``foreign``: school B's).

    The URLs the access matrix cannot fill yet (a page added since) are left to it: it
    fails on them with what to add."""
    found = []
    for pattern in site_patterns():
        if (
            pattern.route.startswith("admin/")
            or not pattern.name
            or pattern.name in TOKEN_URLS | PUBLIC_URLS
        ):
            continue
        try:
            if not object_kinds(pattern):
                continue
        except Unfillable:
            continue
        kwargs = kwargs_for(pattern, world.objects, branch)
        if kwargs is not None:
            found.append((pattern.name, reverse(pattern.name, kwargs=kwargs)))
    return found


def _answers(client, path) -> int:
    """GET, or POST for the actions that only accept POST."""
    status = client.get(path).status_code
    if status == 405:
        status = client.post(path, {}).status_code
    return status


class TestSchoolHeads:
    def test_the_head_of_a_guessing_school_b_ids_gets_404_everywhere(self, world, client):
        client.force_login(world.users["head"])
        foreign = _foreign_probes(world)
        kinds = {name.split(":")[0] for name, _path in foreign}
        # Pupils, divisions, plans, groups, sessions, imports, reviews, surveys, tutoring…
        assert {"schools", "planning", "followup", "interop", "steering", "tutoring"} <= kinds
        own = dict(_probes(world, "own"))
        wrong = [
            f"{name} {path}: {status}"
            for name, path in foreign
            if (status := _answers(client, path)) != 404
            # A refusal of the role itself (the head is no pupil: « s'inscrire » answers 403
            # for the own school's slot too) is given before any lookup and reveals nothing.
            and not (status == 403 and _answers(client, own[name]) == 403)
        ]
        assert wrong == []

    def test_the_head_of_a_cannot_switch_to_school_b(self, world, client):
        client.force_login(world.users["head"])
        school_b = world.objects["school"]["foreign"]
        response = client.post(reverse("schools:school-select", args=[school_b.pk]))
        assert response.status_code == 404
        assert client.session.get("school_id") != school_b.pk

    def test_the_head_of_a_finds_no_one_of_school_b(self, world, client):
        client.force_login(world.users["head"])
        found = client.get(reverse("schools:student-list"), {"q": "Secret"}).context["page"]
        assert found.paginator.count == 0
        schools = client.get(reverse("schools:school-list")).context["page"]
        assert [s.name for s in schools] == ["Lycée A"]


class TestAcademies:
    def test_an_academie_account_lists_exactly_its_academies_schools(self, world, client):
        client.force_login(world.users["inspector_x"])
        text = client.get(reverse("schools:school-list")).content.decode()
        assert "Lycée A" in text and "Lycée C" in text
        assert "Lycée B" not in text and "Lycée D" not in text

    def test_it_compares_its_schools_and_no_other(self, world, client):
        client.force_login(world.users["inspector_x"])
        response = client.get(reverse("steering:academy"))
        assert response.status_code == 200
        schools = {school.name for school in response.context["all_schools"]}
        assert schools == {"Lycée A", "Lycée C"}
        school_b = world.objects["school"]["foreign"]
        url = reverse("steering:academy") + f"?etablissement={school_b.pk}"
        assert client.get(url).status_code == 404

    def test_it_cannot_switch_to_another_academies_school(self, world, client):
        client.force_login(world.users["inspector_x"])
        assert (
            client.post(reverse("schools:school-select", args=[world.school_d.pk])).status_code
            == 404
        )
        assert (
            client.post(reverse("schools:school-select", args=[world.school_c.pk])).status_code
            == 302
        )
        assert client.session["school_id"] == world.school_c.pk

    def test_it_reads_no_object_of_another_academie(self, world, client):
        # 404, or 403 where the académie role is refused before any object is looked up
        # (the same answer as for an id that does not exist): nothing is shown either way.
        client.force_login(world.users["inspector_x"])
        wrong = [
            f"{name} {path}: {status}"
            for name, path in _foreign_probes(world)
            if (status := _answers(client, path)) not in (403, 404)
        ]
        assert wrong == []

    def test_it_sees_no_pupil_name_of_its_own_schools(self, world, client):
        client.force_login(world.users["inspector_x"])
        student = world.objects["student"]["own"]
        assert client.get(reverse("schools:student-list")).status_code == 403
        assert client.get(reverse("schools:student-detail", args=[student.pk])).status_code == 403

    def test_a_school_added_later_to_its_academie_is_covered(self, world, client):
        client.force_login(world.users["inspector_x"])
        f.SchoolFactory(
            name="Lycée E, ouvert en cours d'année", academy=Academy.objects.get(code="XX")
        )
        text = client.get(reverse("schools:school-list")).content.decode()
        assert "Lycée E" in text


class TestSwitcher:
    @pytest.fixture
    def many(self, db):
        user = f.UserFactory(username="remplacant")
        schools = [
            f.SchoolFactory(name=f"Collège n° {n:02d}", city="Beaune" if n == 42 else "Dijon")
            for n in range(60)
        ]
        for school in schools:
            f.MembershipFactory(user=user, school=school, role=Membership.Role.TEACHER)
        return user, schools

    def test_it_lists_all_sixty_schools_page_by_page(self, many, client):
        user, schools = many
        client.force_login(user)
        seen = set()
        page = 1
        while True:
            response = client.get(reverse("schools:school-list") + f"?page={page}")
            assert response.status_code == 200
            found = {s.pk for s in response.context["page"]}
            seen |= found
            if not response.context["page"].has_next():
                break
            page += 1
        assert seen == {s.pk for s in schools}
        assert response.context["page"].paginator.count == 60

    def test_it_searches_by_name_uai_and_city(self, many, client):
        user, schools = many
        client.force_login(user)
        url = reverse("schools:school-list")
        by_name = client.get(url, {"q": "n° 59"}).context["page"]
        assert [s.pk for s in by_name] == [schools[59].pk]
        by_uai = client.get(url, {"q": schools[7].uai.lower()}).context["page"]
        assert [s.pk for s in by_uai] == [schools[7].pk]
        by_city = client.get(url, {"q": "beaune"}).context["page"]
        assert [s.pk for s in by_city] == [schools[42].pk]

    def test_the_last_school_can_be_chosen_and_stays_current(self, many, client):
        user, schools = many
        client.force_login(user)
        last = max(schools, key=lambda s: s.name)
        response = client.post(reverse("schools:school-select", args=[last.pk]))
        assert response.status_code == 302
        assert client.get(reverse("home")).context["current_school"] == last
        assert client.get(reverse("schools:school-list")).context["current_school"] == last
