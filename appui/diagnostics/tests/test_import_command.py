"""``manage.py import_results FILE --campaign ID [--dry-run] [--skip-invalid]``."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from appui.diagnostics.models import Result
from appui.interop.models import ImportBatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def results_file(tmp_path, world):
    def write(rows, name="resultats.csv"):
        path = tmp_path / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, delimiter=";").writerows(rows)
        return path

    return write


def run(*args):
    out = io.StringIO()
    call_command("import_results", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def run_refused(*args):
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_results", *[str(a) for a in args], stdout=out)
    return out.getvalue(), str(refused.value)


def good_and_bad(world):
    return [
        ["INE", "FR.LEC", "MA.CAL"],
        [world.student.ine, "2", "MS"],
        [world.classmate.ine, "3", "onze"],
    ]


class TestImportResultsCommand:
    def test_dry_run_prints_the_preview_and_writes_nothing(self, world, campaign, results_file):
        path = results_file([["INE", "FR.LEC", "MA.CAL"], [world.student.ine, "2", "MS"]])
        output = run(path, "--campaign", campaign.pk, "--dry-run")
        assert "Compétences : FR.LEC (B), MA.CAL (C)" in output
        assert "Résultats créés : 2 ; modifiés : 0 ; inchangés : 0 ; lignes en erreur : 0" in output
        assert "rien n'a été enregistré" in output
        assert Result.objects.count() == 0
        assert ImportBatch.objects.count() == 0

    def test_it_records_the_results(self, world, campaign, results_file):
        path = results_file([["INE", "FR.LEC", "MA.CAL"], [world.student.ine, "2", "MS"]])
        output = run(path, "--campaign", campaign.pk)
        assert "Import enregistré : 2 résultats créés" in output
        assert Result.objects.filter(student=world.student).count() == 2
        assert ImportBatch.objects.get().status == ImportBatch.Status.APPLIED

    def test_a_bad_row_fails_with_file_line_and_column_and_writes_nothing(
        self, world, campaign, results_file
    ):
        path = results_file(good_and_bad(world))
        output, error = run_refused(path, "--campaign", campaign.pk)
        assert "resultats.csv:3:C: Valeur « onze » non reconnue" in output
        assert "lignes en erreur : 1" in output
        assert "1 ligne en erreur (ligne 3)" in error
        assert Result.objects.count() == 0
        assert ImportBatch.objects.count() == 0

    def test_a_dry_run_with_errors_fails_too(self, world, campaign, results_file):
        path = results_file(good_and_bad(world))
        _output, error = run_refused(path, "--campaign", campaign.pk, "--dry-run")
        assert "ligne 3" in error

    def test_skip_invalid_records_the_good_rows(self, world, campaign, results_file):
        path = results_file(good_and_bad(world))
        output = run(path, "--campaign", campaign.pk, "--skip-invalid")
        assert "1 lignes en erreur ignorées" in output
        assert set(Result.objects.values_list("student", flat=True)) == {world.student.pk}

    def test_the_same_file_twice_changes_nothing(self, world, campaign, results_file):
        path = results_file([["INE", "FR.LEC", "MA.CAL"], [world.student.ine, "2", "MS"]])
        run(path, "--campaign", campaign.pk)
        versions = list(Result.objects.order_by("pk").values_list("version", flat=True))
        output = run(path, "--campaign", campaign.pk)
        assert "0 résultats créés, 0 modifiés, 2 inchangés" in output
        assert list(Result.objects.order_by("pk").values_list("version", flat=True)) == versions

    def test_an_unknown_campaign_or_file_is_refused(self, world, campaign, results_file, tmp_path):
        path = results_file([["INE", "FR.LEC"], [world.student.ine, "2"]])
        _output, error = run_refused(path, "--campaign", 999999)
        assert "Campagne 999999 introuvable" in error
        _output, error = run_refused(tmp_path / "absent.csv", "--campaign", campaign.pk)
        assert "le fichier ne peut pas être lu" in error

    def test_an_unreadable_file_is_refused_naming_it(self, world, campaign, tmp_path):
        path = tmp_path / "vide.csv"
        path.write_bytes(b"   \n")
        output, error = run_refused(path, "--campaign", campaign.pk)
        assert "vide.csv: le fichier est vide." in output
        assert "Le fichier est vide." in error
