"""A module's fiche action (PDF) and the public page of a remarkable action, which names no
pupil and no staff member."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from appui.followup.models import Attendance, Session
from appui.planning import partners, services
from appui.planning.models import Module, Partner, Resource
from appui.schools.models import Staff, Student

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def module(world, planning):
    """The plan of level L published, the module of the student's group with a partner (a
    contact person named) and a resource, one session held with its attendance."""
    plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
    services.plan_solve(plan=plan)
    plan.refresh_from_db()
    services.plan_publish(plan=plan, user=None)
    group = plan.groups.filter(assignments__student=world.student).order_by("pk").first()
    module = group.module
    partner = Partner.objects.create(
        school=world.school,
        name="Mission locale du Dijonnais",
        kind=Partner.Kind.MISSION_LOCALE,
        contact="Mme Bernadette Contactpersonne",
    )
    module.partners.add(partner)
    module.resources.add(
        Resource.objects.create(
            school=world.school, title="Plateforme Avenir(s)", kind=Resource.Kind.AVENIRS
        )
    )
    session = Session.objects.filter(group=group).order_by("date").first()
    session.status = Session.Status.DONE
    session.save()
    session.partners.add(partner)
    for assignment in group.assignments.all():
        Attendance.objects.create(
            session=session, student=assignment.student, status=Attendance.Status.PRESENT
        )
    Module.objects.filter(pk=module.pk).update(
        remarkable=True, public_summary="Des rencontres avec la mission locale."
    )
    module.refresh_from_db()
    return module


def names_of_people(world) -> set[str]:
    people = set()
    for student in Student.objects.filter(school=world.school):
        people |= {student.first_name, student.last_name, student.last_name.upper()}
    for staff in Staff.objects.filter(school=world.school):
        people |= {staff.first_name, staff.last_name, staff.last_name.upper()}
    people.add("Contactpersonne")
    return {name for name in people if name}


class TestFicheAction:
    def test_the_fiche_gives_objective_partners_and_results(self, world, module, login):
        client = login(world.users["coordinator"])
        url = reverse("reports:module-fiche-pdf", args=[module.pk])
        text = pdf_text(client.get(url))
        assert module.objective in text.replace("\n", " ")
        assert "Mission locale du Dijonnais" in text and "Plateforme Avenir(s)" in text
        html = client.get(url, {"format": "html"}).content.decode()
        context = client.get(url, {"format": "html"}).context
        results = context["results"]
        groups = module.groups.filter(plan__status="published")
        assert results.groups == groups.count()
        assert results.sessions_held == 1 and results.interventions == 1
        present = Attendance.objects.filter(session__group__module=module).count()
        assert results.attendance.part == results.attendance.whole == present > 0
        assert results.students == len({a.student_id for g in groups for a in g.assignments.all()})
        assert "Mme Bernadette Contactpersonne" in html  # an internal document keeps contacts

    def test_staff_read_it_pupils_and_outsiders_do_not(self, world, module, login):
        url = reverse("reports:module-fiche-pdf", args=[module.pk])
        assert login(world.users["teacher"]).get(url, {"format": "html"}).status_code == 200
        assert login(world.users["student"]).get(url).status_code == 403
        assert login(world.users["outsider"]).get(url).status_code == 404


class TestRemarkableAction:
    def test_an_unpublished_action_has_no_public_page(self, world, module, client):
        module = partners.module_publish(module=module)
        partners.module_unpublish(module=module)
        url = reverse("reports:remarkable-action", args=[module.public_slug])
        assert client.get(url).status_code == 404

    def test_unticking_remarkable_takes_it_down(self, world, module, client):
        module = partners.module_publish(module=module)
        Module.objects.filter(pk=module.pk).update(remarkable=False)
        assert (
            client.get(reverse("reports:remarkable-action", args=[module.public_slug])).status_code
            == 404
        )
        pdf = reverse("reports:remarkable-action-pdf", args=[module.public_slug])
        assert client.get(pdf).status_code == 404

    def test_the_public_page_and_pdf_name_nobody(self, world, module, client):
        module = partners.module_publish(module=module)
        response = client.get(reverse("reports:remarkable-action", args=[module.public_slug]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Des rencontres avec la mission locale." in html
        assert "Mission locale du Dijonnais" in html
        text = pdf_text(
            client.get(reverse("reports:remarkable-action-pdf", args=[module.public_slug]))
        )
        assert "Mission locale du Dijonnais" in text
        people = names_of_people(world)
        assert {"Martin", "Léa", "Hélène", "Zoé"} <= people
        for name in people:
            assert name not in html, name
            assert name not in text, name

    def test_small_counts_are_suppressed(self, world, module, client):
        module = partners.module_publish(module=module)
        response = client.get(reverse("reports:remarkable-action", args=[module.public_slug]))
        figures = response.context["figures"]
        assert 0 < Student.objects.filter(school=world.school).count() < 5
        assert figures.students is None and figures.attendance is None and figures.levels == []

    def test_the_public_page_keeps_the_security_headers(self, world, module, client):
        module = partners.module_publish(module=module)
        response = client.get(reverse("reports:remarkable-action", args=[module.public_slug]))
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert response["Cache-Control"] == "no-store"
        assert "Permissions-Policy" in response
