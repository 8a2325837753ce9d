"""A session's texts (plan of work, what was done) are shared by the group's co-animators:
each form carries the version of the text it was opened on; a save on a text someone else
changed meanwhile is refused, nothing written, the typed text shown again. Saving one text
never makes the other one's form stale. (Stage reviews: ``test_review_conflicts.py``.)"""

import pytest
from django.urls import reverse

from appui.followup import services
from appui.followup.models import Session
from appui.schools.services import ChangedMeanwhile, text_version

pytestmark = pytest.mark.django_db


def stored(session: Session) -> Session:
    return Session.objects.get(pk=session.pk)


class TestService:
    def test_a_stale_plan_of_work_is_refused_and_nothing_is_written(self, world, today_session):
        opened = text_version(today_session.plan_of_work)
        services.session_set_texts(
            session=stored(today_session),
            user=world.users["teacher"],
            plan_of_work="Le plan de A",
            versions={"plan_of_work": opened},
        )
        with pytest.raises(ChangedMeanwhile) as conflict:
            services.session_set_texts(
                session=stored(today_session),
                user=None,
                plan_of_work="Le plan de B",
                versions={"plan_of_work": opened},
            )
        assert stored(today_session).plan_of_work == "Le plan de A"
        assert str(world.users["teacher"]) in str(conflict.value)

    def test_saving_one_text_leaves_the_other_forms_version_valid(self, world, today_session):
        content_opened = text_version(today_session.content)
        services.session_set_texts(
            session=stored(today_session),
            user=None,
            plan_of_work="Plan",
            versions={"plan_of_work": text_version(today_session.plan_of_work)},
        )
        services.session_set_texts(
            session=stored(today_session),
            user=None,
            content="Fait",
            versions={"content": content_opened},
        )
        now = stored(today_session)
        assert (now.plan_of_work, now.content) == ("Plan", "Fait")


class TestView:
    def url(self, session):
        return reverse("followup:texts", args=[session.pk])

    def test_the_page_carries_each_texts_version(self, client, world, today_session):
        client.force_login(world.users["teacher"])
        body = client.get(reverse("followup:session-detail", args=[today_session.pk])).content
        assert b'name="plan_of_work_version"' in body and b'name="content_version"' in body

    def test_a_stale_save_keeps_the_typed_text_htmx(self, client, world, today_session):
        opened = text_version(today_session.content)
        services.session_set_texts(session=stored(today_session), user=None, content="Version A")
        client.force_login(world.users["teacher"])
        response = client.post(
            self.url(today_session),
            {"content": "Mon compte rendu", "content_version": opened},
            HTTP_HX_REQUEST="true",
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "Mon compte rendu" in body and "Votre texte est conservé" in body
        assert 'role="status"' not in body  # no « Enregistré »
        assert stored(today_session).content == "Version A"

    def test_a_stale_save_keeps_the_typed_text_without_javascript(
        self, client, world, today_session
    ):
        opened = text_version(today_session.plan_of_work)
        services.session_set_texts(session=stored(today_session), user=None, plan_of_work="A")
        client.force_login(world.users["teacher"])
        response = client.post(
            self.url(today_session), {"plan_of_work": "Mon plan", "plan_of_work_version": opened}
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "Mon plan" in body and "Votre texte est conservé" in body
        assert stored(today_session).plan_of_work == "A"

    def test_a_save_without_a_version_is_stale(self, client, world, today_session):
        client.force_login(world.users["teacher"])
        client.post(self.url(today_session), {"plan_of_work": "Sans version"})
        assert stored(today_session).plan_of_work == ""

    def test_a_current_version_saves(self, client, world, today_session):
        client.force_login(world.users["teacher"])
        response = client.post(
            self.url(today_session),
            {"plan_of_work": "Plan", "plan_of_work_version": text_version("")},
        )
        assert response.status_code == 302
        assert stored(today_session).plan_of_work == "Plan"
