"""The académie's shared module catalogue (issue 19, item 7): a school publishes a module's
snapshot (no names), the other schools of its académie search and copy it, the académie sees how
it spread. Driven through the pages (the service lives in reports, a higher layer).

Académie X holds school A (the world's school) and school B; académie Y holds school C.
"""

import pytest
from django.urls import reverse

from appui.diagnostics import services as diagnostics
from appui.diagnostics.models import Competency
from appui.planning.models import Module, Partner, SharedModule, SharedModuleCopy
from appui.schools.models import Academy, AcademyMembership, Membership, Staff, Student
from appui.schools.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def academies(world, planning):
    x = Academy.objects.create(code="XX", name="Académie X")
    y = Academy.objects.create(code="YY", name="Académie Y")
    world.school.academy = x
    world.school.save()
    world.other_school.academy = x
    world.other_school.save()
    school_c = f.SchoolFactory(name="Lycée C", academy=y)
    users = world.users
    for name, school in [("coordinator_b", world.other_school), ("coordinator_c", school_c)]:
        users[name] = f.UserFactory(username=name)
        f.MembershipFactory(user=users[name], school=school, role=Membership.Role.COORDINATOR)
    diagnostics.framework_install_default(school=world.other_school)
    diagnostics.framework_install_default(school=school_c)
    for name, academy in [("inspector_x", x), ("inspector_y", y)]:
        users[name] = f.UserFactory(username=name)
        AcademyMembership.objects.create(user=users[name], academy=academy)
    module = planning["modules"][0]
    module.success_indicators = "Lire un texte de 20 lignes en 2 minutes"
    module.save()
    module.partners.add(
        Partner.objects.create(
            school=world.school,
            name="Mission locale du Dijonnais",
            kind=Partner.Kind.MISSION_LOCALE,
            contact="Mme Bernadette Contactpersonne",
        )
    )
    return {"x": x, "y": y, "c": school_c, "module": module}


def publish(client, module, plan="Séance 1 : lecture à voix haute\nSéance 2 : résumé"):
    return client.post(
        reverse("sharing:module-share", args=[module.pk]),
        {"action": "publish", "session_plan": plan},
    )


def copy(client, shared, **data):
    return client.post(reverse("sharing:copy", args=[shared.pk]), data)


def people_of(school) -> set[str]:
    names = set()
    for model in (Staff, Student):
        for first, last in model.objects.filter(school=school).values_list(
            "first_name", "last_name"
        ):
            names |= {first, last}
    return {name for name in names if name}


class TestPublish:
    def test_the_preview_shows_exactly_what_is_shared_and_no_name(self, world, academies, login):
        module = academies["module"]
        page = (
            login(world.users["coordinator"])
            .get(reverse("sharing:module-share", args=[module.pk]))
            .content.decode()
        )
        assert module.objective in page and "Lire un texte de 20 lignes" in page
        assert "FR.LEC" in page and "mission locale" in page.lower()
        assert "Mission locale du Dijonnais" not in page and "Contactpersonne" not in page
        assert not SharedModule.objects.exists()

    def test_publishing_stores_the_snapshot_without_any_name(self, world, academies, login):
        module = academies["module"]
        response = publish(login(world.users["coordinator"]), module)
        shared = SharedModule.objects.get(module=module)
        assert response.status_code == 302
        assert response.url == reverse("sharing:entry", args=[shared.pk])
        assert (shared.academy, shared.school, shared.version) == (academies["x"], world.school, 1)
        assert shared.competency_code == "FR.LEC"
        assert shared.competency_label == module.competency.label
        assert (shared.kind, shared.sessions) == ("soutien", module.sessions)
        assert shared.session_plan == "Séance 1 : lecture à voix haute\nSéance 2 : résumé"
        assert shared.partner_kinds == ["mission_locale"]
        assert shared.results["groups"] == 0 and shared.results["students"] == 0
        stored = repr(
            {f.attname: getattr(shared, f.attname) for f in SharedModule._meta.concrete_fields}
        )
        for name in people_of(world.school) | {"Dijonnais", "Contactpersonne"}:
            assert name not in stored

    def test_a_text_naming_a_staff_member_is_refused(self, world, academies, login):
        module = academies["module"]
        response = publish(login(world.users["coordinator"]), module, "Séance 1 avec Anne Coord")
        assert response.status_code == 200
        assert "Anne Coord" in response.content.decode()
        assert not SharedModule.objects.exists()

    def test_a_text_naming_a_pupil_is_refused(self, world, academies, login):
        module = academies["module"]
        publish(login(world.users["coordinator"]), module, "Séance 1 : MARTIN Léa lit")
        assert not SharedModule.objects.exists()

    def test_publishing_again_updates_the_same_entry(self, world, academies, login):
        module = academies["module"]
        client = login(world.users["coordinator"])
        publish(client, module)
        Module.objects.filter(pk=module.pk).update(objective="Lire plus vite")
        publish(client, module, "Une seule séance")
        shared = SharedModule.objects.get()
        assert (shared.version, shared.objective, shared.session_plan) == (
            2,
            "Lire plus vite",
            "Une seule séance",
        )

    def test_withdrawing_hides_the_entry_and_publishing_shows_it_again(
        self, world, academies, login
    ):
        module = academies["module"]
        publish(login(world.users["coordinator"]), module)
        shared = SharedModule.objects.get()
        url = reverse("sharing:module-share", args=[module.pk])
        login(world.users["coordinator"]).post(url, {"action": "withdraw"})
        client_b = login(world.users["coordinator_b"])
        assert client_b.get(reverse("sharing:entry", args=[shared.pk])).status_code == 404
        assert module.title not in client_b.get(reverse("sharing:catalogue")).content.decode()
        assert copy(client_b, shared, code="X", competency=1).status_code == 404
        publish(login(world.users["coordinator"]), module)
        assert client_b.get(reverse("sharing:entry", args=[shared.pk])).status_code == 200

    def test_a_teacher_cannot_publish(self, world, academies, login):
        module = academies["module"]
        url = reverse("sharing:module-share", args=[module.pk])
        assert login(world.users["teacher"]).get(url).status_code == 403
        assert publish(login(world.users["teacher"]), module).status_code == 403
        assert not SharedModule.objects.exists()

    def test_another_schools_module_is_404(self, world, academies, login):
        url = reverse("sharing:module-share", args=[academies["module"].pk])
        assert login(world.users["coordinator_b"]).get(url).status_code == 404

    def test_a_school_without_an_academie_has_nothing_to_publish_in(self, world, planning, login):
        module = planning["modules"][0]
        response = publish(login(world.users["coordinator"]), module)
        assert response.status_code == 200
        assert "aucune académie" in response.content.decode()
        assert not SharedModule.objects.exists()


@pytest.fixture
def published(world, academies, login):
    publish(login(world.users["coordinator"]), academies["module"])
    other = Module.objects.get(code="CAL-S")
    publish(login(world.users["coordinator"]), other, "Calcul mental")
    return SharedModule.objects.get(module=academies["module"])


class TestCatalogue:
    def test_staff_of_the_academie_read_and_search_it(self, world, published, login):
        client = login(world.users["outsider"])  # a teacher of school B
        page = client.get(reverse("sharing:catalogue")).content.decode()
        assert "Module LEC-S" in page and "Module CAL-S" in page and "Lycée A" in page
        for query in ("LEC-S", "fr.lec", "objectif précis", "soutien"):
            found = client.get(reverse("sharing:catalogue"), {"q": query}).content.decode()
            assert "Module LEC-S" in found, query
        found = client.get(reverse("sharing:catalogue"), {"q": "MA.CAL"}).content.decode()
        assert "Module CAL-S" in found and "Module LEC-S" not in found
        none = client.get(reverse("sharing:catalogue"), {"kind": "orientation"}).content.decode()
        assert "Module LEC-S" not in none and "Module CAL-S" not in none

    def test_another_academie_never_sees_it(self, world, published, login):
        client = login(world.users["coordinator_c"])
        page = client.get(reverse("sharing:catalogue")).content.decode()
        assert "Module LEC-S" not in page
        assert client.get(reverse("sharing:entry", args=[published.pk])).status_code == 404
        url = reverse("sharing:copy", args=[published.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"code": "LEC", "competency": 1}).status_code == 404
        assert not SharedModuleCopy.objects.exists()

    def test_pupils_and_guardians_are_refused(self, world, published, login):
        assert login(world.users["student"]).get(reverse("sharing:catalogue")).status_code == 403
        url = reverse("sharing:entry", args=[published.pk])
        assert login(world.users["guardian"]).get(url).status_code == 403

    def test_anonymous_users_are_sent_to_log_in(self, client, published):
        client.logout()
        assert client.get(reverse("sharing:catalogue")).status_code == 302


class TestCopy:
    def test_copy_matches_the_competency_by_code_and_is_not_offered(self, world, published, login):
        client = login(world.users["coordinator_b"])
        page = client.get(reverse("sharing:copy", args=[published.pk])).content.decode()
        competency_b = Competency.objects.get(framework__school=world.other_school, code="FR.LEC")
        assert f'value="{competency_b.pk}" selected' in page
        response = copy(client, published, code="LEC-S", competency=competency_b.pk)
        module = Module.objects.get(school=world.other_school)
        assert response.status_code == 302
        assert response.url == reverse("planning:module-edit", args=[module.pk])
        assert (module.code, module.title, module.competency) == (
            "LEC-S",
            "Module LEC-S",
            competency_b,
        )
        assert module.success_indicators == "Lire un texte de 20 lignes en 2 minutes"
        assert not module.active and not module.remarkable
        assert not module.partners.exists() and not module.staff.exists()
        record = SharedModuleCopy.objects.get()
        assert (record.school, record.module, record.copied_by, record.version) == (
            world.other_school,
            module,
            world.users["coordinator_b"],
            1,
        )

    def test_the_code_proposed_is_free_in_the_target_school(self, world, published, login):
        competency = Competency.objects.get(framework__school=world.other_school, code="FR.LEC")
        Module.objects.create(
            school=world.other_school,
            code="LEC-S",
            title="Déjà là",
            objective="o",
            competency=competency,
            kind="soutien",
        )
        client = login(world.users["coordinator_b"])
        page = client.get(reverse("sharing:copy", args=[published.pk])).content.decode()
        assert 'value="LEC-S-2"' in page
        response = copy(client, published, code="lec-s", competency=competency.pk)
        assert response.status_code == 200
        assert Module.objects.filter(school=world.other_school).count() == 1

    def test_without_a_matching_code_the_form_asks_which_competency(self, world, published, login):
        Competency.objects.filter(framework__school=world.other_school, code="FR.LEC").update(
            code="FR.LIRE"
        )
        client = login(world.users["coordinator_b"])
        page = client.get(reverse("sharing:copy", args=[published.pk])).content.decode()
        assert "aucune compétence FR.LEC" in page
        assert copy(client, published, code="LEC-S").status_code == 200
        assert not Module.objects.filter(school=world.other_school).exists()
        chosen = Competency.objects.get(framework__school=world.other_school, code="FR.LIRE")
        assert copy(client, published, code="LEC-S", competency=chosen.pk).status_code == 302
        assert Module.objects.get(school=world.other_school).competency == chosen

    def test_a_competency_of_another_school_is_refused(self, world, published, login):
        response = copy(
            login(world.users["coordinator_b"]),
            published,
            code="LEC-S",
            competency=published.module.competency.pk,  # school A's
        )
        assert response.status_code == 200
        assert not Module.objects.filter(school=world.other_school).exists()

    def test_copying_needs_the_coordinators_rights(self, world, published, login):
        client = login(world.users["outsider"])  # a teacher of school B
        assert client.get(reverse("sharing:copy", args=[published.pk])).status_code == 403
        assert copy(client, published, code="LEC-S", competency=1).status_code == 403
        assert not SharedModuleCopy.objects.exists()

    def test_the_source_school_duplicates_it_in_its_own_catalogue(self, world, published, login):
        response = login(world.users["coordinator"]).get(
            reverse("sharing:copy", args=[published.pk])
        )
        assert response.url == reverse("planning:module-copy", args=[published.module_id])


class TestDiffusion:
    def test_the_academie_sees_copies_and_schools(self, world, academies, published, login):
        competency = Competency.objects.get(framework__school=world.other_school, code="FR.LEC")
        client = login(world.users["coordinator_b"])
        copy(client, published, code="LEC-S", competency=competency.pk)
        copy(client, published, code="LEC-S-2", competency=competency.pk)
        response = login(world.users["inspector_x"]).get(reverse("sharing:diffusion"))
        rows = {row.shared.title: row for row in response.context["rows"]}
        assert set(rows) == {"Module LEC-S", "Module CAL-S"}
        assert rows["Module LEC-S"].copies.copies == 2
        assert rows["Module LEC-S"].copies.schools == [world.other_school]
        assert rows["Module LEC-S"].copies.groups == 0
        assert rows["Module CAL-S"].copies.copies == 0
        assert "Lycée B" in response.content.decode()

    def test_an_academie_account_sees_only_its_academie(self, world, published, login):
        client = login(world.users["inspector_y"])
        response = client.get(reverse("sharing:diffusion"))
        assert response.context["academy"] == Academy.objects.get(code="YY")
        assert "Module LEC-S" not in response.content.decode()
        assert client.get(reverse("sharing:diffusion"), {"academie": "XX"}).status_code == 404

    def test_school_staff_are_refused(self, world, published, login):
        for name in ("head", "coordinator", "academy"):
            response = login(world.users[name]).get(reverse("sharing:diffusion"))
            assert response.status_code == 403, name
