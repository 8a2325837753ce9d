"""``import_siecle``, ``import_sts`` and ``import_students``: the same preview, then the write."""

import io

import pytest
from django.core.management import CommandError, call_command

from appui.core.io.samples import nomenclature_xml
from appui.interop.models import ImportBatch
from appui.schools.models import Division, School, Staff, Student

from .conftest import NEW_UAI, siecle_file, sts_file

pytestmark = pytest.mark.django_db


def run(command, *args):
    out = io.StringIO()
    call_command(command, *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


@pytest.fixture
def files(tmp_path):
    siecle = tmp_path / "ExportXML_ElevesSansAdresses.zip"
    siecle.write_bytes(siecle_file())
    sts = tmp_path / f"sts_emp_{NEW_UAI}_2026.xml"
    sts.write_bytes(sts_file())
    return siecle, sts


class TestImportSiecle:
    def test_dry_run_prints_the_preview_and_writes_nothing(self, files):
        output = run("import_siecle", files[0], "--dry-run", "--school-name", "Lycée Test")
        assert "Élèves : 6 nouveaux, 0 modifié, 0 sortant, 0 inchangé" in output
        assert "+ DUPRÉ Hélène (2PRO-A)" in output
        assert "Lycée Test (0999999F) — nouvel établissement" in output
        assert "rien n'a été enregistré" in output
        assert not School.objects.exists() and not ImportBatch.objects.exists()

    def test_it_creates_the_school_named_by_its_uai_until_it_is_named(self, files):
        output = run("import_siecle", files[0])
        assert "Import enregistré" in output
        school = School.objects.get()
        assert school.name == NEW_UAI
        assert Student.objects.count() == 6
        assert ImportBatch.objects.get().status == ImportBatch.Status.APPLIED
        again = run("import_siecle", files[0])
        assert "Élèves : 0 nouveau, 0 modifié, 0 sortant, 6 inchangés" in again

    def test_the_nomenclature_gives_the_specialty_of_new_divisions(self, files, tmp_path):
        nomenclature = tmp_path / "Nomenclature.xml"
        nomenclature.write_bytes(
            nomenclature_xml({"24731005310": "2NDPRO MÉTIERS DE LA RELATION CLIENT"}, {})
        )
        run("import_siecle", files[0], "--nomenclature", nomenclature)
        assert (
            Division.objects.get(code="2PRO-A").specialty == "2NDPRO MÉTIERS DE LA RELATION CLIENT"
        )

    def test_a_truncated_file_is_refused_and_nothing_is_written(self, tmp_path):
        content = siecle_file(plain=True)
        path = tmp_path / "ElevesSansAdresses.xml"
        path.write_bytes(content[: len(content) // 2])
        with pytest.raises(CommandError) as refused:
            run("import_siecle", path)
        assert "ElevesSansAdresses.xml" in str(refused.value) and "ligne" in str(refused.value)
        assert not School.objects.exists()

    def test_a_missing_file_is_refused(self, tmp_path):
        with pytest.raises(CommandError):
            run("import_siecle", tmp_path / "absent.zip")


class TestImportSts:
    def test_it_prints_the_preview_and_records_the_staff(self, files):
        run("import_siecle", files[0])
        output = run("import_sts", files[1])
        assert "Personnels : 5 nouveaux" in output
        assert Staff.objects.count() == 5

    def test_dry_run_writes_nothing(self, files):
        run("import_siecle", files[0])
        run("import_sts", files[1], "--dry-run")
        assert not Staff.objects.exists()

    def test_a_timetabling_product_file_is_refused(self, files, tmp_path):
        run("import_siecle", files[0])
        path = tmp_path / "export_edt.xml"
        path.write_bytes(sts_file(timetabling_product="EDT"))
        with pytest.raises(CommandError) as refused:
            run("import_sts", path)
        assert "logiciel d'emploi du temps" in str(refused.value)


class TestImportStudents:
    def test_it_imports_a_spreadsheet_into_the_only_school(self, world, tmp_path):
        path = tmp_path / "eleves.csv"
        path.write_text("Nom;Prénom;Classe\nNouvelle;Inès;2A\n", encoding="utf-8")
        output = run("import_students", path, "--school", world.school.uai)
        assert "Élèves : 1 nouveau" in output
        assert Student.objects.filter(first_name="Inès", division=world.division).exists()

    def test_the_school_must_be_named_when_there_are_several(self, world, tmp_path):
        path = tmp_path / "eleves.csv"
        path.write_text("Nom;Prénom;Classe\nNouvelle;Inès;2A\n", encoding="utf-8")
        with pytest.raises(CommandError):
            run("import_students", path)

    def test_it_imports_staff(self, world, tmp_path):
        path = tmp_path / "personnels.csv"
        path.write_text("Nom;Prénom;Fonction\nRoux;Marc;CPE\n", encoding="utf-8")
        run("import_students", path, "--staff", "--school", world.school.uai)
        assert Staff.objects.get(last_name="Roux").function == "cpe"
