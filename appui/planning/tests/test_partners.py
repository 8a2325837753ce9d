"""Partners and resources of the catalogue, their pickers on the module form, and the
publication of a remarkable action."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from appui.planning import partners
from appui.planning.forms import ModuleForm
from appui.planning.models import Module, Partner, Resource
from appui.planning.services import catalogue_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission_locale(world):
    return Partner.objects.create(
        school=world.school, name="Mission locale du Dijonnais", kind=Partner.Kind.MISSION_LOCALE
    )


def module_data(module: Module, **changes) -> dict:
    form = ModuleForm(instance=module, school=module.school)
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    for name in ("staff", "partners", "resources"):
        data[name] = [row.pk for row in data.get(name, [])]
    data["competency"] = module.competency_id
    data.update(changes)
    return data


class TestPartnerPages:
    def test_staff_read_the_partners_and_resources(self, world, planning, mission_locale, login):
        Resource.objects.create(
            school=world.school,
            title="Plateforme Avenir(s)",
            kind=Resource.Kind.AVENIRS,
            url="https://avenirs.onisep.fr/",
        )
        body = login(world.users["teacher"]).get(reverse("planning:partner-list")).content.decode()
        assert "Mission locale du Dijonnais" in body and "Plateforme Avenir(s)" in body
        assert reverse("planning:partner-create") not in body  # reading only

    def test_coordinator_creates_a_partner(self, world, planning, login):
        response = login(world.users["coordinator"]).post(
            reverse("planning:partner-create"),
            {
                "name": "France Travail Dijon Nord",
                "kind": "france_travail",
                "contact": "",
                "notes": "",
            },
        )
        assert response.status_code == 302
        assert Partner.objects.get(school=world.school).name == "France Travail Dijon Nord"

    def test_a_name_is_unique_in_the_school(self, world, planning, mission_locale, login):
        response = login(world.users["coordinator"]).post(
            reverse("planning:partner-create"),
            {"name": "mission locale du dijonnais", "kind": "autre"},
        )
        assert response.status_code == 200
        assert Partner.objects.count() == 1

    def test_a_resource_address_must_be_a_web_address(self, world, planning, login):
        client = login(world.users["coordinator"])
        for url in ("javascript:alert(1)", "ftp://example.org/x", "file:///etc/passwd"):
            response = client.post(
                reverse("planning:resource-create"),
                {"title": "Avenir(s)", "kind": "avenirs", "url": url},
            )
            assert response.status_code == 200, url
        assert not Resource.objects.exists()
        response = client.post(
            reverse("planning:resource-create"),
            {"title": "Avenir(s)", "kind": "avenirs", "url": "avenirs.onisep.fr"},
        )
        assert response.status_code == 302
        assert Resource.objects.get().url == "https://avenirs.onisep.fr"

    def test_a_stale_form_writes_nothing(self, world, planning, mission_locale, login):
        version = catalogue_version(mission_locale)
        Partner.objects.filter(pk=mission_locale.pk).update(contact="M. X")
        response = login(world.users["coordinator"]).post(
            reverse("planning:partner-edit", args=[mission_locale.pk]),
            {"name": "ML", "kind": "mission_locale", "contact": "", "version": version},
        )
        assert response.status_code == 200
        mission_locale.refresh_from_db()
        assert mission_locale.name == "Mission locale du Dijonnais"

    def test_a_partner_in_use_is_kept(self, world, planning, mission_locale, login):
        planning["modules"][0].partners.add(mission_locale)
        login(world.users["coordinator"]).post(
            reverse("planning:partner-edit", args=[mission_locale.pk]), {"delete": "1"}
        )
        assert Partner.objects.filter(pk=mission_locale.pk).exists()
        planning["modules"][0].partners.clear()
        login(world.users["coordinator"]).post(
            reverse("planning:partner-edit", args=[mission_locale.pk]), {"delete": "1"}
        )
        assert not Partner.objects.filter(pk=mission_locale.pk).exists()

    def test_teacher_cannot_edit(self, world, planning, mission_locale, login):
        client = login(world.users["teacher"])
        assert client.get(reverse("planning:partner-create")).status_code == 403
        url = reverse("planning:partner-edit", args=[mission_locale.pk])
        assert client.post(url, {"name": "X", "kind": "autre"}).status_code == 403

    def test_outsiders_and_pupils(self, world, planning, mission_locale, login):
        url = reverse("planning:partner-edit", args=[mission_locale.pk])
        assert login(world.users["outsider"]).get(url).status_code == 404
        assert (
            login(world.users["student"]).get(reverse("planning:partner-list")).status_code == 403
        )

    def test_anonymous_users_log_in(self, world, client):
        response = client.get(reverse("planning:partner-list"))
        assert response.status_code == 302 and "connexion" in response["Location"]


class TestModuleForm:
    def test_coordinator_attaches_partners_and_resources(
        self, world, planning, mission_locale, login
    ):
        module = planning["modules"][0]
        avenirs = Resource.objects.create(school=world.school, title="Avenir(s)", kind="avenirs")
        data = module_data(
            module,
            partners=[mission_locale.pk],
            resources=[avenirs.pk],
            version=catalogue_version(module),
        )
        response = login(world.users["coordinator"]).post(
            reverse("planning:module-edit", args=[module.pk]), data
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert list(module.partners.all()) == [mission_locale]
        assert list(module.resources.all()) == [avenirs]

    def test_another_school_partner_is_not_offered(self, world, planning, login):
        foreign = Partner.objects.create(school=world.other_school, name="Ailleurs", kind="autre")
        module = planning["modules"][0]
        data = module_data(module, partners=[foreign.pk], version=catalogue_version(module))
        response = login(world.users["coordinator"]).post(
            reverse("planning:module-edit", args=[module.pk]), data
        )
        assert response.status_code == 200
        assert not module.partners.exists()

    def test_the_module_page_links_its_fiche_action(self, world, planning, login):
        module = planning["modules"][0]
        body = (
            login(world.users["coordinator"])
            .get(reverse("planning:module-edit", args=[module.pk]))
            .content.decode()
        )
        assert reverse("reports:module-fiche-pdf", args=[module.pk]) in body


class TestPublication:
    def test_only_a_remarkable_action_is_published(self, world, planning):
        module = planning["modules"][0]
        with pytest.raises(ValidationError):
            partners.module_publish(module=module)
        module.remarkable = True
        module.save()
        published = partners.module_publish(module=module)
        assert published.is_public and published.public_slug.startswith("module-lec-s-")

    def test_taking_it_down_keeps_the_address(self, world, planning):
        module = planning["modules"][0]
        Module.objects.filter(pk=module.pk).update(remarkable=True)
        slug = partners.module_publish(module=module).public_slug
        down = partners.module_unpublish(module=module)
        assert not down.is_public
        assert partners.module_publish(module=module).public_slug == slug

    def test_coordinator_publishes_from_the_module_page(self, world, planning, login):
        module = planning["modules"][0]
        Module.objects.filter(pk=module.pk).update(remarkable=True)
        url = reverse("planning:module-publication", args=[module.pk])
        response = login(world.users["coordinator"]).post(url, {"action": "publish"})
        assert response.status_code == 302
        module.refresh_from_db()
        assert module.is_public
        login(world.users["coordinator"]).post(url, {"action": "unpublish"})
        module.refresh_from_db()
        assert not module.is_public

    def test_teachers_and_outsiders_cannot_publish(self, world, planning, login):
        module = planning["modules"][0]
        Module.objects.filter(pk=module.pk).update(remarkable=True)
        url = reverse("planning:module-publication", args=[module.pk])
        assert login(world.users["teacher"]).post(url, {"action": "publish"}).status_code == 403
        assert login(world.users["outsider"]).post(url, {"action": "publish"}).status_code == 404
        module.refresh_from_db()
        assert not module.is_public


def test_a_copy_keeps_partners_and_resources_but_is_not_remarkable(
    world, planning, mission_locale, login
):
    source = planning["modules"][0]
    source.partners.add(mission_locale)
    Module.objects.filter(pk=source.pk).update(remarkable=True, public_summary="Texte public")
    page = login(world.users["coordinator"]).get(reverse("planning:module-copy", args=[source.pk]))
    form = page.context["form"]
    assert form.initial["partners"] == [mission_locale]
    assert not form.initial.get("remarkable") and not form.initial.get("public_summary")
