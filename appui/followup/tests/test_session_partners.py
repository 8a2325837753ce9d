"""The partners who came to a session and the resources used in it; a module's results for
its fiche action (``selectors.modules``)."""

import datetime

import pytest
from django.urls import reverse

from appui.followup import partners as services
from appui.followup.models import Attendance, ProgressMark, Session
from appui.followup.selectors.modules import module_results
from appui.planning.models import Partner, Resource
from appui.schools.services import ChangedMeanwhile

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def france_travail(world):
    return Partner.objects.create(
        school=world.school, name="France Travail Dijon", kind=Partner.Kind.FRANCE_TRAVAIL
    )


class TestSessionPartners:
    def test_who_runs_the_session_records_its_partners(
        self, login, world, today_session, france_travail
    ):
        avenirs = Resource.objects.create(school=world.school, title="Avenir(s)", kind="avenirs")
        client = login(world.users["teacher"])
        url = reverse("followup:session-partners", args=[today_session.pk])
        page = client.get(url)
        assert page.status_code == 200
        response = client.post(
            url,
            {
                "partners": [france_travail.pk],
                "resources": [avenirs.pk],
                "version": page.context["form"].initial["version"],
            },
        )
        assert response.status_code == 302
        assert list(today_session.partners.all()) == [france_travail]
        body = client.get(reverse("followup:session-detail", args=[today_session.pk]))
        assert "France Travail Dijon" in body.content.decode()

    def test_a_stale_form_writes_nothing(self, world, today_session, france_travail):
        version = services.links_version(today_session)
        today_session.partners.add(france_travail)
        with pytest.raises(ChangedMeanwhile):
            services.session_set_links(
                session=today_session, partners=[], resources=[], version=version, user=None
            )
        assert today_session.partners.exists()

    def test_another_school_partner_is_refused(self, login, world, today_session):
        foreign = Partner.objects.create(school=world.other_school, name="Ailleurs", kind="autre")
        client = login(world.users["teacher"])
        url = reverse("followup:session-partners", args=[today_session.pk])
        version = client.get(url).context["form"].initial["version"]
        response = client.post(url, {"partners": [foreign.pk], "version": version})
        assert response.status_code == 200
        assert not today_session.partners.exists()

    def test_pupils_outsiders_and_anonymous(self, client, login, world, today_session):
        url = reverse("followup:session-partners", args=[today_session.pk])
        assert client.get(url).status_code == 302
        assert login(world.users["student"]).get(url).status_code in (403, 404)
        assert login(world.users["outsider"]).get(url).status_code == 404
        # A coordinator limited to another level does not run this session.
        assert login(world.users["level_coordinator"]).get(url).status_code == 403


class TestModuleResults:
    def test_results_count_sessions_attendance_and_partners(self, world, ap, france_travail):
        held, cancelled = ap.sessions[0], ap.sessions[1]
        Session.objects.filter(pk=held.pk).update(status=Session.Status.DONE)
        Session.objects.filter(pk=cancelled.pk).update(status=Session.Status.CANCELLED)
        Attendance.objects.create(session=held, student=world.student, status="present")
        Attendance.objects.create(session=held, student=world.classmate, status="absent")
        ProgressMark.objects.create(
            session=held, student=world.student, author_kind="teacher", level=3
        )
        held.partners.add(france_travail)
        cancelled.partners.add(
            Partner.objects.create(school=world.school, name="Venue annulée", kind="autre")
        )
        results = module_results(ap.module, world.year, TODAY)
        assert (results.groups, results.students) == (1, 2)
        assert results.sessions_cancelled == 1
        assert results.sessions_planned == len(ap.sessions) - 1
        assert results.sessions_held == 1
        assert (results.attendance.part, results.attendance.whole) == (1, 2)
        assert results.after == [0, 0, 1, 0] and results.unknown_after == 1
        # The partner of the cancelled session did not come.
        assert [p.name for p in results.partners] == ["France Travail Dijon"]
        assert results.interventions == 1

    def test_a_module_never_run_has_empty_results(self, world, ap):
        ap.plan.status = "draft"
        ap.plan.save()
        results = module_results(ap.module, world.year, datetime.date(2026, 11, 24))
        assert results.groups == 0 and results.students == 0 and results.sessions_planned == 0
