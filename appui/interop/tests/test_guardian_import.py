"""Guardians and addresses from SIECLE: preview, one transaction, idempotence, never delete."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from appui.core.io.samples import zipped
from appui.core.io.samples_people import (
    SampleAddress,
    SampleGuardian,
    SampleLink,
    eleves_addresses_xml,
    responsables_xml,
)
from appui.interop import services
from appui.interop.models import ImportBatch
from appui.interop.plan import ImportRefused
from appui.schools.models import Guardian, Membership, Student, StudentGuardian

from .conftest import NEW_UAI, pupils

pytestmark = pytest.mark.django_db

HOME = SampleAddress("A1", ("12 RUE DES TILLEULS",), "21000", "DIJON")
MOTHER = SampleGuardian(
    "9001", "DUPRÉ", "Sophie", "MME", mobile_phone="0600000001", email="s.dupre@example.org",
    address=HOME,
)  # fmt: skip
FATHER = SampleGuardian("9002", "DUPRÉ", "Karim", "M.", home_phone="0380000000", address=HOME)
LINKS = [
    SampleLink("1001", "9001", code="10", legal="1"),
    SampleLink("1001", "9002", code="20", legal="2", financial="0", contact="0"),
]


def responsables(guardians=(MOTHER, FATHER), links=LINKS, **kwargs) -> bytes:
    return zipped(
        responsables_xml(guardians, links, uai=kwargs.pop("uai", NEW_UAI), **kwargs),
        "ResponsablesAvecAdresses.xml",
    )


def preview(school, content, name="ExportXML_ResponsablesAvecAdresses.zip"):
    return services.analyse("guardians", school=school, content=content, file_name=name)


def apply(school, content, name="ExportXML_ResponsablesAvecAdresses.zip"):
    return services.import_run(kind="guardians", school=school, content=content, file_name=name)


def counts(importer, section):
    return importer.plan.counts()[section]


def test_the_preview_lists_new_guardians_and_links_and_writes_nothing(imported):
    importer = preview(imported, responsables())

    assert counts(importer, "guardians")["new"] == 2
    assert counts(importer, "links")["new"] == 2
    assert not importer.plan.blocked
    assert ("Fichier SIECLE", "Responsables (BEE 4.0)") in importer.plan.facts
    assert not Guardian.objects.exists()


def test_it_writes_guardians_with_address_and_links_in_one_go(imported):
    apply(imported, responsables())

    mother = Guardian.objects.get(siecle_id="9001")
    assert (mother.civility, mother.first_name, mother.mobile_phone) == (
        "MME",
        "Sophie",
        "0600000001",
    )
    assert mother.postal_block == ["12 RUE DES TILLEULS", "21000 DIJON"]
    helene = Student.objects.get(siecle_id="1001")
    link = StudentGuardian.objects.get(student=helene, guardian__siecle_id="9002")
    assert (link.relationship, link.legal_rank, link.financial, link.contact) == (
        "father",
        2,
        False,
        False,
    )


def test_importing_the_same_file_again_changes_nothing(imported):
    apply(imported, responsables())

    again = preview(imported, responsables())

    assert not again.plan.changes_anything
    assert counts(again, "guardians")["unchanged"] == 2
    assert counts(again, "links")["unchanged"] == 2


def test_changes_are_listed_field_by_field(imported):
    apply(imported, responsables())
    moved = SampleAddress("A9", ("3 PLACE DU MARCHÉ",), "21200", "BEAUNE")
    mother = SampleGuardian(
        "9001", "DUPRÉ", "Sophie", "MME", email="new@example.org", address=moved
    )
    links = [SampleLink("1001", "9001", code="10", legal="1"), LINKS[1]]

    importer = apply(imported, responsables((mother, FATHER), links)).importer

    [entry] = [e for e in importer.plan.sections[0].entries if e.status == "changed"]
    fields = {change.field: (change.old, change.new) for change in entry.changes}
    assert fields["Courriel"] == ("s.dupre@example.org", "new@example.org")
    assert fields["Commune"] == ("DIJON", "BEAUNE")
    assert "Téléphone portable" not in fields  # absent from the file: kept
    stored = Guardian.objects.get(siecle_id="9001")
    assert (stored.city, stored.mobile_phone) == ("BEAUNE", "0600000001")


def test_a_guardian_or_link_absent_from_a_new_file_is_kept_and_reported(imported):
    apply(imported, responsables())

    importer = apply(imported, responsables((MOTHER,), LINKS[:1])).importer

    assert counts(importer, "guardians")["kept"] == 1
    assert counts(importer, "links")["kept"] == 1
    assert Guardian.objects.filter(siecle_id="9002").exists()
    assert StudentGuardian.objects.count() == 2


def test_a_guardian_of_a_pupil_unknown_to_appui_is_a_warning_naming_the_line(imported):
    links = [*LINKS, SampleLink("8888", "9002", code="20", legal="1")]

    importer = preview(imported, responsables(links=links))

    [issue] = [i for i in importer.plan.issues if i.field == "ELEVE_ID"]
    assert not issue.is_error
    assert issue.value == "8888"
    assert issue.line is not None
    assert "inconnu d'appui" in issue.message
    assert counts(importer, "links")["new"] == 2


def test_guardians_are_matched_by_siecle_id_never_by_name_alone(imported):
    Guardian.objects.create(school=imported, last_name="DUPRÉ", first_name="Sophie")

    apply(imported, responsables())

    assert Guardian.objects.filter(last_name="DUPRÉ", first_name="Sophie").count() == 2


def test_a_hand_entered_guardian_of_the_same_child_and_name_is_adopted(imported):
    helene = Student.objects.get(siecle_id="1001")
    by_hand = Guardian.objects.create(school=imported, last_name="Dupré", first_name="Sophie")
    StudentGuardian.objects.create(student=helene, guardian=by_hand)

    apply(imported, responsables())

    by_hand.refresh_from_db()
    assert by_hand.siecle_id == "9001"
    assert Guardian.objects.filter(first_name="Sophie").count() == 1


def test_a_file_of_another_school_is_refused(imported):
    with pytest.raises(ImportRefused) as refused:
        preview(imported, responsables(uai="0210001A"))

    assert "0210001A" in refused.value.messages[0]


def test_bee_2_files_import_alike(imported):
    apply(imported, responsables(version="2.0"))

    father = Guardian.objects.get(siecle_id="9002")
    assert (father.phone, father.city) == ("0380000000", "DIJON")


def test_eleves_avec_adresses_updates_addresses_and_never_creates_pupils(imported):
    helene, noel = pupils()[:2]
    stranger = pupils()[0].__class__("5555", "INCONNU", "Max", "2PRO-A", helene.mef_code)
    content = eleves_addresses_xml([(helene, HOME), (noel, None), (stranger, HOME)], uai=NEW_UAI)

    importer = apply(imported, content, "ElevesAvecAdresses.xml").importer

    assert counts(importer, "addresses")["changed"] == 1
    assert Student.objects.get(siecle_id="1001").postal_block == [
        "12 RUE DES TILLEULS",
        "21000 DIJON",
    ]
    assert not Student.objects.filter(siecle_id="5555").exists()
    assert any(i.value == "5555" and not i.is_error for i in importer.plan.issues)
    again = preview(imported, content, "ElevesAvecAdresses.xml")
    assert not again.plan.changes_anything


def test_a_file_with_errors_writes_nothing(imported):
    links = [*LINKS, SampleLink("1002", "9001", legal="7")]

    with pytest.raises(ImportRefused):
        apply(imported, responsables(links=links))

    assert not Guardian.objects.exists()


class TestCommand:
    def run(self, *args):
        out = io.StringIO()
        call_command(*[str(arg) for arg in args], stdout=out)
        return out.getvalue()

    def test_import_guardians_prints_the_preview_then_writes(self, imported, tmp_path):
        path = tmp_path / "ResponsablesAvecAdresses.xml"
        path.write_bytes(responsables_xml([MOTHER, FATHER], LINKS, uai=NEW_UAI))

        dry = self.run("import_guardians", path, "--dry-run")
        assert "Responsables : 2 nouveaux" in dry
        assert not Guardian.objects.exists()
        done = self.run("import_guardians", path)
        assert "Import enregistré" in done
        assert Guardian.objects.count() == 2
        assert ImportBatch.objects.filter(kind="guardians").count() == 1

    def test_a_broken_file_exits_with_a_french_message(self, imported, tmp_path):
        path = tmp_path / "ResponsablesAvecAdresses.xml"
        path.write_bytes(responsables_xml([MOTHER], LINKS[:1], uai=NEW_UAI)[:200])

        with pytest.raises(CommandError) as failed:
            self.run("import_guardians", path)

        assert "incomplet" in str(failed.value)

    def test_create_guardian_accounts_is_idempotent(self, imported):
        apply(imported, responsables())

        first = self.run("create_guardian_accounts", "--school", imported.uai)
        second = self.run("create_guardian_accounts", "--school", imported.uai)

        assert "2 comptes de responsable créés" in first
        assert "0 compte de responsable créé" in second
        mother = Guardian.objects.get(siecle_id="9001")
        assert mother.user.username == "sophie.dupre"
        assert not mother.user.has_usable_password()
        assert Membership.objects.filter(
            user=mother.user, school=imported, role=Membership.Role.GUARDIAN
        ).exists()


class TestAccountsPage:
    def test_the_head_sees_guardians_without_account_and_creates_them(self, world, login):
        guardian = Guardian.objects.get(school=world.school)
        guardian.user = None
        guardian.save()
        client = login(world.users["head"])
        url = reverse("interop:guardian-accounts")

        page = client.get(url)
        assert page.status_code == 200
        assert str(guardian) in page.content.decode()
        client.post(url)
        guardian.refresh_from_db()
        assert guardian.user is not None
        client.post(url)
        assert Membership.objects.filter(user=guardian.user, role="guardian").count() == 1

    def test_the_list_comes_a_page_at_a_time_and_the_button_counts_them_all(
        self, world, login, monkeypatch
    ):
        from appui.interop import guardian_views

        monkeypatch.setattr(guardian_views, "GUARDIAN_ROWS", 2)
        Guardian.objects.filter(school=world.school).update(user=None)
        for number in range(4):
            guardian = Guardian.objects.create(
                school=world.school, last_name=f"ZZPAGE{number}", first_name="Test"
            )
            StudentGuardian.objects.create(student=world.student, guardian=guardian)
        total = Guardian.objects.filter(school=world.school).count()
        client = login(world.users["head"])
        url = reverse("interop:guardian-accounts")
        first = client.get(url).content.decode()
        last = client.get(url, {"page": (total + 1) // 2}).content.decode()
        assert first.count('<tr><th scope="row">') == 2
        assert "ZZPAGE3" in last and "ZZPAGE3" not in first
        assert 'rel="next"' in first and 'rel="prev"' in last
        assert f"Create {total} guardian accounts" in first or f"Créer {total}" in first

    def test_it_is_for_the_head_only(self, world, login):
        url = reverse("interop:guardian-accounts")
        for name in ("coordinator", "teacher", "guardian", "outsider"):
            assert login(world.users[name]).get(url).status_code == 403

    def test_an_anonymous_user_is_sent_to_log_in(self, client):
        assert client.get(reverse("interop:guardian-accounts")).status_code == 302


def test_the_core_relationship_vocabulary_is_the_models():
    from appui.core.io.siecle_people import Relationship

    assert {r.value for r in Relationship} == set(StudentGuardian.Relationship.values)
