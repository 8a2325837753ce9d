"""Import of results from CSV, XLSX and ODS: matching, preview, refusal, apply, pages.

Reading and writing are :mod:`appui.diagnostics.imports`; the upload, preview and apply are
the one import flow of :mod:`appui.interop` (kind ``results``), used here as the pages do.
"""

import csv
import datetime
import io
from decimal import Decimal
from typing import NamedTuple

import pytest
from django.urls import reverse

from appui.diagnostics import imports, services
from appui.diagnostics.models import Campaign, NeedProfile, Result
from appui.interop import services as import_services
from appui.interop.models import ImportBatch
from appui.interop.results_import import ResultsImport
from appui.schools.tests import factories as f

ImportRefused = import_services.ImportRefused

pytestmark = pytest.mark.django_db


# Files, built here: small and fictitious ---------------------------------------------------


def csv_file(rows, *, delimiter=";", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_file(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods_file(rows) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Résultats")
    for row in rows:
        table_row = TableRow()
        for value in row:
            if isinstance(value, int):
                cell = TableCell(valuetype="float", value=value)
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(value)))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def analyse(campaign, content, name="resultats.csv"):
    return imports.results_import_analyse(campaign=campaign, content=content, file_name=name)


def upload(campaign, content, name="resultats.csv", user=None):
    return import_services.import_preview(
        kind="results",
        school=campaign.year.school,
        user=user,
        content=content,
        file_name=name,
        options={"campaign": campaign.pk},
    )


class Outcome(NamedTuple):
    created: int
    changed: int
    unchanged: int
    skipped_rows: int


def apply(batch, user, skip_invalid=False) -> Outcome:
    """Confirm a preview as the page does; what it recorded, as its stored summary says."""
    import_services.import_apply(batch=batch, user=user, skip_invalid=skip_invalid)
    batch.refresh_from_db()
    counts = batch.summary["counts"].get("results", {})
    return Outcome(
        counts.get("new", 0),
        counts.get("changed", 0),
        counts.get("unchanged", 0),
        batch.summary["skipped_rows"],
    )


def named(content, name):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def stored(campaign):
    """The campaign's results as {(student pk, code): (display, version)}."""
    return {
        (r.student_id, r.competency.code): (r.display, r.version)
        for r in Result.objects.filter(campaign=campaign).select_related("competency")
    }


def messages_of(plan, line):
    return [issue.message for issue in plan.issues if issue.line == line]


@pytest.fixture
def coordinator(world):
    return world.users["coordinator"]


# Matching -----------------------------------------------------------------------------


class TestMatching:
    def test_it_matches_students_by_ine(self, world, campaign, coordinator):
        content = csv_file(
            [
                ["INE", "Nom", "FR.LEC", "MA.CAL"],
                [world.student.ine, "Martin", "2", "MS"],
                [world.classmate.ine.lower(), "Hélène", "abs", "4"],
            ]
        )
        plan = analyse(campaign, content)
        assert plan.issues == []
        assert [row.student for row in plan.rows] == [world.student, world.classmate]
        assert plan.count("created") == 4

        apply(upload(campaign, content), user=coordinator)
        assert stored(campaign) == {
            (world.student.pk, "FR.LEC"): ("2", 1),
            (world.student.pk, "MA.CAL"): ("3", 1),
            (world.classmate.pk, "FR.LEC"): ("abs", 1),
            (world.classmate.pk, "MA.CAL"): ("4", 1),
        }
        assert set(Result.objects.values_list("updated_by", flat=True)) == {coordinator.pk}

    def test_it_matches_by_name_and_birth_date_whatever_the_case_and_accents(self, world, campaign):
        # Windows-1252 and commas, as French Excel saves « CSV (séparateur : virgule) ».
        content = csv_file(
            [
                ["Nom", "Prénom", "Date de naissance", "Division", "FR.LEC"],
                ["HELENE", "zoé", "14/03/2011", "2A", "TBM"],
                ["martin", "Lea", "2011-03-14", "", "1"],
            ],
            delimiter=",",
            encoding="cp1252",
        )
        plan = analyse(campaign, content)
        assert plan.table.encoding == "windows-1252"
        assert plan.table.delimiter == ","
        assert plan.issues == []
        assert [row.student for row in plan.rows] == [world.classmate, world.student]

    def test_a_birth_date_that_does_not_match_is_an_error_on_its_column(self, world, campaign):
        content = csv_file(
            [
                ["Nom", "Prénom", "Date de naissance", "FR.LEC"],
                ["Martin", "Léa", "15/03/2011", "2"],
            ]
        )
        plan = analyse(campaign, content)
        [issue] = plan.issues
        assert (issue.line, issue.column, issue.value) == (2, "C", "15/03/2011")
        assert "n'est né le 15/03/2011" in issue.message

    def test_namesakes_need_the_birth_date_or_the_ine(self, world, campaign):
        twin = f.StudentFactory(
            division=world.division,
            last_name="Martin",
            first_name="Léa",
            birth_date=datetime.date(2010, 5, 2),
        )
        without_date = analyse(
            campaign, csv_file([["Nom", "Prénom", "FR.LEC"], ["Martin", "Léa", "2"]])
        )
        [issue] = without_date.issues
        assert issue.line == 2 and issue.column == "A"
        assert "plusieurs élèves s'appellent MARTIN Léa" in issue.message

        with_date = analyse(
            campaign,
            csv_file(
                [
                    ["Nom", "Prénom", "Date de naissance", "FR.LEC"],
                    ["Martin", "Léa", "02/05/2010", "2"],
                ]
            ),
        )
        assert with_date.issues == []
        assert with_date.rows[0].student == twin

    def test_headers_may_be_competency_labels_in_any_case(self, world, campaign):
        content = csv_file(
            [
                ["INE", "comprendre un texte ECRIT", "FR.LEC"],
                [world.student.ine, "3", ""],
            ]
        )
        plan = analyse(campaign, content)
        # The label and the code name the same competency: the file is ambiguous.
        assert plan.blocked
        assert "figure déjà en colonne B" in plan.file_issues[-1].message

        plan = analyse(
            campaign,
            csv_file(
                [
                    ["INE", "Comprendre un texte écrit", "ma.cal – Nombres et calcul"],
                    [world.student.ine, "3", "1"],
                ]
            ),
        )
        assert [column.competency.code for column in plan.columns] == ["FR.LEC", "MA.CAL"]
        assert plan.count("created") == 2

    def test_unknown_columns_are_listed_as_ignored(self, world, campaign):
        content = csv_file(
            [
                ["INE", "Remarques", "FR.LEC", "ES.MOT"],
                [world.student.ine, "RAS", "2", "4"],
            ]
        )
        plan = analyse(campaign, content)
        assert plan.issues == []
        assert [(h.text, h.letter, reason) for h, reason in plan.ignored] == [
            ("Remarques", "B", "colonne inconnue"),
            ("ES.MOT", "D", "compétence ES.MOT non évaluée dans cette campagne"),
        ]


# Errors -------------------------------------------------------------------------------


class TestErrors:
    def test_every_kind_of_row_error_names_its_line_and_column(self, world, campaign):
        content = csv_file(
            [
                ["INE", "Nom", "Prénom", "FR.LEC", "MA.CAL"],
                [world.student.ine, "Martin", "Léa", "2", "7"],  # 2: bad value in E
                [world.student_elsewhere.ine, "", "", "2", ""],  # 3: another level
                ["9999999999Z", "", "", "2", ""],  # 4: unknown INE
                [world.foreign_student.ine, "", "", "2", ""],  # 5: another school
                [world.classmate.ine, "", "", "1", ""],  # 6 and 7: twice
                [world.classmate.ine, "", "", "2", ""],
                ["", "Inconnu", "Personne", "3", ""],  # 8: nobody of that name
                ["", "", "", "3", ""],  # 9: no identification
            ]
        )
        plan = analyse(campaign, content)
        assert [row.line for row in plan.error_rows] == [2, 3, 4, 5, 6, 7, 8, 9]
        bad_value = next(issue for issue in plan.issues if issue.line == 2)
        assert (bad_value.column, bad_value.field, bad_value.value) == ("E", "MA.CAL", "7")
        assert "non reconnue" in bad_value.message
        assert "pas dans le niveau « 2nde pro »" in messages_of(plan, 3)[0]
        assert "aucun élève de l'établissement n'a l'INE « 9999999999Z »" in messages_of(plan, 4)[0]
        assert "n'a l'INE" in messages_of(plan, 5)[0]
        assert "figure aussi ligne 7" in messages_of(plan, 6)[0]
        assert "figure déjà ligne 6" in messages_of(plan, 7)[0]
        assert "aucun élève nommé INCONNU Personne" in messages_of(plan, 8)[0]
        assert "élève non identifié" in messages_of(plan, 9)[0]
        assert all(issue.file == "resultats.csv" for issue in plan.issues)

    def test_a_bad_row_is_refused_naming_its_line_and_nothing_changes(
        self, world, campaign, coordinator
    ):
        competency = campaign.competencies.get(code="FR.LEC")
        services.result_set(
            campaign=campaign, student=world.student, competency=competency, text="1", user=None
        )
        before = stored(campaign)
        content = csv_file(
            [
                ["INE", "FR.LEC", "MA.CAL"],
                [world.student.ine, "4", "3"],
                [world.classmate.ine, "douze", "2"],
            ]
        )
        batch = upload(campaign, content, user=coordinator)
        assert batch.summary["skippable_rows"] == 1
        assert batch.summary["issues"][0]["line"] == 3

        with pytest.raises(ImportRefused) as refused:
            apply(batch, user=coordinator)
        assert "1 ligne en erreur (ligne 3)" in str(refused.value)
        assert "rien n'a été enregistré" in str(refused.value)
        assert stored(campaign) == before
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.PREVIEWED

    def test_skip_invalid_applies_only_the_good_rows(self, world, campaign, coordinator):
        content = csv_file(
            [
                ["INE", "FR.LEC", "MA.CAL"],
                [world.student.ine, "4", "3"],
                [world.classmate.ine, "douze", "2"],
            ]
        )
        outcome = apply(batch=upload(campaign, content), user=coordinator, skip_invalid=True)
        assert (outcome.created, outcome.changed, outcome.skipped_rows) == (2, 0, 1)
        assert stored(campaign) == {
            (world.student.pk, "FR.LEC"): ("4", 1),
            (world.student.pk, "MA.CAL"): ("3", 1),
        }

    def test_a_file_without_identification_columns_is_refused_as_a_whole(self, world, campaign):
        plan = analyse(campaign, csv_file([["Élève", "FR.LEC"], ["Martin Léa", "2"]]))
        assert plan.blocked
        assert "colonnes d'identification des élèves introuvables" in plan.file_issues[0].message
        content = csv_file([["Élève", "FR.LEC"], ["Martin Léa", "2"]])
        refusal = ResultsImport(campaign, content, "r.csv").refusal(skip_invalid=True)
        assert "Rien n'a été enregistré." in refusal

    def test_a_file_without_competency_columns_is_refused(self, world, campaign):
        plan = analyse(campaign, csv_file([["INE", "Note"], [world.student.ine, "2"]]))
        assert plan.blocked
        assert "aucune colonne de compétence reconnue" in plan.file_issues[-1].message
        assert "FR.LEC" in plan.file_issues[-1].message

    def test_an_unreadable_file_is_refused_in_french(self, world, campaign):
        plan = analyse(campaign, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "vieux.xls")
        assert plan.blocked
        assert "Excel 97-2003" in plan.file_issues[0].message

    def test_only_an_open_campaign_accepts_an_import(self, world, campaign, coordinator):
        content = csv_file([["INE", "FR.LEC"], [world.student.ine, "2"]])
        batch = upload(campaign, content)
        services.campaign_set_state(campaign=campaign, state=Campaign.State.CLOSED)
        with pytest.raises(ImportRefused) as refused:
            upload(campaign, content)
        assert "n'est pas ouverte à la saisie" in str(refused.value)
        with pytest.raises(ImportRefused):
            apply(batch, user=coordinator)
        assert Result.objects.count() == 0


# Apply --------------------------------------------------------------------------------


class TestApply:
    def test_the_same_import_twice_changes_nothing(self, world, campaign, coordinator):
        content = csv_file(
            [
                ["INE", "FR.LEC", "MA.CAL", "ME.ORG"],
                [world.student.ine, "2", "MS", "disp"],
                [world.classmate.ine, "1", "", "4"],
            ]
        )
        first = upload(campaign, content)
        apply(first, user=coordinator)
        after_first = stored(campaign)

        second = upload(campaign, content)
        assert second.summary["counts"]["results"] == {
            **second.summary["counts"]["results"],
            "new": 0,
            "changed": 0,
            "unchanged": 5,
        }
        outcome = apply(second, user=coordinator)
        assert (outcome.created, outcome.changed, outcome.unchanged) == (0, 0, 5)
        with pytest.raises(ImportRefused, match="déjà été appliqué"):
            apply(first, user=coordinator)
        assert stored(campaign) == after_first

    def test_a_change_shows_old_and_new_values_and_bumps_the_version(
        self, world, campaign, coordinator
    ):
        competency = campaign.competencies.get(code="FR.LEC")
        services.result_set(
            campaign=campaign, student=world.student, competency=competency, text="2", user=None
        )
        content = csv_file([["INE", "FR.LEC"], [world.student.ine, "TBM"]])
        batch = upload(campaign, content)
        [entry] = batch.summary["sections"][0]["entries"]
        assert entry["status"] == "changed" and entry["line"] == 2
        assert entry["changes"] == [{"field": "FR.LEC", "old": "2", "new": "4"}]
        apply(batch, user=coordinator)
        result = Result.objects.get(student=world.student, competency=competency)
        assert (result.value, result.version, result.updated_by) == (4, 2, coordinator)

    def test_a_blank_cell_never_deletes_a_result(self, world, campaign, coordinator):
        competency = campaign.competencies.get(code="FR.LEC")
        services.result_set(
            campaign=campaign, student=world.student, competency=competency, text="3", user=None
        )
        content = csv_file([["INE", "FR.LEC", "MA.CAL"], [world.student.ine, "", "2"]])
        apply(upload(campaign, content), user=coordinator)
        assert stored(campaign)[(world.student.pk, "FR.LEC")] == ("3", 1)

    def test_the_need_profiles_of_touched_students_are_recomputed(
        self, world, campaign, coordinator
    ):
        content = csv_file([["INE", "FR.LEC"], [world.student.ine, "1"]])
        apply(upload(campaign, content), user=coordinator)
        profile = NeedProfile.objects.get(student=world.student)
        assert profile.level("FR.LEC") > 0
        assert not NeedProfile.objects.filter(student=world.classmate).exists()

    def test_a_score_campaign_reads_scores_and_reimports_them_unchanged(
        self, world, campaign, coordinator
    ):
        Campaign.objects.filter(pk=campaign.pk).update(scale=Campaign.Scale.SCORE)
        campaign.refresh_from_db()
        content = csv_file([["INE", "FR.LEC", "MA.CAL"], [world.student.ine, "72,5", "abs"]])
        apply(upload(campaign, content), user=coordinator)
        result = Result.objects.get(student=world.student, competency__code="FR.LEC")
        assert (result.score, result.value) == (Decimal("72.50"), 3)
        again = upload(campaign, content)
        assert again.summary["counts"]["results"]["unchanged"] == 2

    @pytest.mark.parametrize("build, name", [(xlsx_file, "notes.xlsx"), (ods_file, "notes.ods")])
    def test_spreadsheets_are_read_like_csv(self, world, campaign, coordinator, build, name):
        content = build(
            [
                ["INE", "Nom", "FR.LEC", "MA.CAL"],
                [world.student.ine, "Martin", 3, "MF"],
                [world.classmate.ine, "Hélène", "quatre", 1],
            ]
        )
        batch = upload(campaign, content, name=name)
        [issue] = batch.summary["issues"]
        assert (issue["file"], issue["line"], issue["column"], issue["value"]) == (
            name,
            3,
            "C",
            "quatre",
        )
        apply(batch, user=coordinator, skip_invalid=True)
        assert stored(campaign) == {
            (world.student.pk, "FR.LEC"): ("3", 1),
            (world.student.pk, "MA.CAL"): ("2", 1),
        }

    def test_a_cancelled_import_cannot_be_applied(self, world, campaign, coordinator):
        batch = upload(campaign, csv_file([["INE", "FR.LEC"], [world.student.ine, "2"]]))
        import_services.import_cancel(batch=batch)
        with pytest.raises(ImportRefused):
            apply(batch, user=coordinator)
        assert Result.objects.count() == 0


# Pages --------------------------------------------------------------------------------


def upload_url(campaign):
    return reverse("diagnostics:results-import", args=[campaign.pk])


def preview_url(batch):
    return reverse("interop:import-preview", args=[batch.pk])


def old_preview_url(batch):
    """The campaign's former preview address, kept for its links: it leads to the one flow."""
    return reverse("diagnostics:results-import-preview", args=[batch.campaign_id, batch.pk])


def post_file(client, campaign, content, name):
    """Upload a results file on the imports page, as the campaign page's link leads to."""
    return client.post(
        reverse("interop:import-upload", args=["resultats"]),
        {"campaign": campaign.pk, "file": named(content, name)},
    )


BAD_ROW_FILE = [
    ["INE", "Nom", "Prénom", "FR.LEC", "MA.CAL"],
    ["", "Martin", "Léa", "3", "2"],
    ["", "Hélène", "Zoé", "9", "1"],
]


class TestPages:
    def test_anonymous_is_redirected_to_login(self, client, world, campaign):
        batch = upload(campaign, csv_file(BAD_ROW_FILE))
        for url in (upload_url(campaign), preview_url(batch), old_preview_url(batch)):
            response = client.get(url)
            assert response.status_code == 302
            assert "/compte/connexion/" in response["Location"]

    @pytest.mark.parametrize("role", ["teacher", "level_coordinator", "student", "academy"])
    def test_other_roles_are_refused(self, world, login, campaign, role):
        batch = upload(campaign, csv_file(BAD_ROW_FILE))
        client = login(world.users[role])
        assert client.get(upload_url(campaign)).status_code == 403
        assert client.get(preview_url(batch)).status_code == 403
        assert client.get(old_preview_url(batch)).status_code == 403
        assert client.post(preview_url(batch), {"skip_invalid": "on"}).status_code == 403
        assert Result.objects.count() == 0

    def test_an_outsider_gets_404(self, world, login, campaign):
        batch = upload(campaign, csv_file(BAD_ROW_FILE))
        client = login(world.users["outsider"])
        assert client.get(upload_url(campaign)).status_code == 404
        assert client.get(preview_url(batch)).status_code == 404
        assert client.get(old_preview_url(batch)).status_code == 404

    def test_a_batch_of_another_campaign_is_404(self, world, login, campaign):
        batch = upload(campaign, csv_file(BAD_ROW_FILE))
        other = services.campaign_create(
            level=world.level,
            period=campaign.period,
            kind=Campaign.Kind.POSITIONING_TEST,
            name="Test",
            date=datetime.date(2026, 9, 20),
            framework=campaign.framework,
            competencies=list(campaign.competencies.all()),
        )
        response = login(world.users["head"]).get(
            reverse("diagnostics:results-import-preview", args=[other.pk, batch.pk])
        )
        assert response.status_code == 404

    def test_the_campaign_links_lead_to_the_one_import_flow(self, world, login, campaign):
        client = login(world.users["head"])
        response = client.get(upload_url(campaign))
        assert response["Location"] == (
            reverse("interop:import-upload", args=["resultats"]) + f"?campagne={campaign.pk}"
        )
        batch = upload(campaign, csv_file(BAD_ROW_FILE))
        assert client.get(old_preview_url(batch))["Location"] == preview_url(batch)

    def test_the_upload_page_lists_the_competencies(self, world, login, campaign):
        response = login(world.users["head"]).get(upload_url(campaign), follow=True)
        assert response.status_code == 200
        body = response.content.decode()
        assert "FR.LEC" in body and 'enctype="multipart/form-data"' in body
        assert "?modele=1" in body

    def test_coordinator_uploads_sees_the_line_and_must_choose_to_skip(
        self, world, login, campaign, coordinator
    ):
        client = login(coordinator)
        response = post_file(client, campaign, csv_file(BAD_ROW_FILE), "classe.csv")
        batch = ImportBatch.objects.get()
        assert response.status_code == 302 and response["Location"] == preview_url(batch)
        assert batch.uploaded_by == coordinator and batch.file_name == "classe.csv"

        body = client.get(preview_url(batch)).content.decode()
        assert '<tr data-line="3"' in body
        assert "Valeur « 9 » non reconnue" in body
        assert 'data-count="results-new">2<' in body
        assert 'data-count="error_rows">1<' in body
        assert 'name="skip_invalid"' in body

        refused = client.post(preview_url(batch), {"apply": "1"})
        assert refused.status_code == 200
        assert "1 ligne en erreur (ligne 3)" in refused.content.decode()
        assert Result.objects.count() == 0

        applied = client.post(preview_url(batch), {"apply": "1", "skip_invalid": "on"})
        assert applied.status_code == 302
        body = client.get(preview_url(batch)).content.decode()
        assert 'data-status="applied"' in body
        assert 'data-count="results-new">2<' in body
        assert 'data-count="error_rows">1<' in body
        assert stored(campaign) == {
            (world.student.pk, "FR.LEC"): ("3", 1),
            (world.student.pk, "MA.CAL"): ("2", 1),
        }

    def test_a_file_without_errors_is_confirmed_without_the_checkbox(
        self, world, login, campaign, coordinator
    ):
        client = login(coordinator)
        post_file(
            client, campaign, csv_file([["INE", "FR.LEC"], [world.student.ine, "4"]]), "a.csv"
        )
        batch = ImportBatch.objects.get()
        assert 'name="skip_invalid"' not in client.get(preview_url(batch)).content.decode()
        client.post(preview_url(batch), {"apply": "1"})
        assert stored(campaign) == {(world.student.pk, "FR.LEC"): ("4", 1)}

    def test_cancel_records_nothing(self, world, login, campaign, coordinator):
        batch = upload(campaign, csv_file(BAD_ROW_FILE))
        response = login(coordinator).post(preview_url(batch), {"cancel": "1"})
        assert response["Location"] == reverse("interop:import-home")
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.CANCELLED
        assert Result.objects.count() == 0

    def test_a_closed_campaign_refuses_the_upload(self, world, login, campaign, coordinator):
        services.campaign_set_state(campaign=campaign, state=Campaign.State.CLOSED)
        response = post_file(login(coordinator), campaign, csv_file(BAD_ROW_FILE), "a.csv")
        assert response.status_code == 200
        assert ImportBatch.objects.count() == 0

    def test_the_template_lists_the_students_for_french_excel(
        self, world, login, campaign, coordinator
    ):
        f.StudentFactory(division=world.division, exit_date=datetime.date(2026, 9, 30))
        response = login(coordinator).get(upload_url(campaign) + "?modele=1")
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        content = b"".join(response.streaming_content)
        assert content.startswith(b"\xef\xbb\xbf")
        lines = content.decode("utf-8-sig").splitlines()
        assert lines[0] == "INE;Nom;Prénom;Date de naissance;Division;FR.LEC;MA.CAL;ME.ORG"
        assert lines[1:] == [
            f"{world.classmate.ine};Hélène;Zoé;14/03/2011;2A;;;",
            f"{world.student.ine};Martin;Léa;14/03/2011;2A;;;",
        ]

    def test_the_filled_template_imports_back(self, world, login, campaign, coordinator):
        client = login(coordinator)
        template = b"".join(client.get(upload_url(campaign) + "?modele=1").streaming_content)
        filled = template.replace(b";2A;;;", b";2A;2;MS;abs", 1)
        plan = analyse(campaign, filled)
        assert plan.issues == []
        assert plan.count("created") == 3


# One import flow ------------------------------------------------------------------------


class TestOneImportFlow:
    def test_a_results_file_over_the_single_upload_limit_is_refused_in_french(
        self, world, login, campaign, coordinator, settings
    ):
        settings.IMPORT_MAX_UPLOAD_BYTES = 40
        content = csv_file(
            [["INE", "FR.LEC"], [world.student.ine, "2"], [world.classmate.ine, "3"]]
        )
        assert len(content) > 40
        response = post_file(login(coordinator), campaign, content, "gros.csv")
        assert response.status_code == 200
        assert "Le fichier dépasse 40\xa0octets" in response.content.decode()
        assert ImportBatch.objects.count() == 0

    def test_a_results_preview_gone_stale_writes_nothing_and_shows_the_new_preview(
        self, world, login, campaign, coordinator
    ):
        content = csv_file([["INE", "FR.LEC", "MA.CAL"], [world.student.ine, "4", "3"]])
        client = login(coordinator)
        post_file(client, campaign, content, "classe.csv")
        batch = ImportBatch.objects.get()
        assert batch.summary["counts"]["results"]["new"] == 2
        # A teacher enters one of the file's cells in the grid meanwhile.
        services.result_set(
            campaign=campaign,
            student=world.student,
            competency=campaign.competencies.get(code="FR.LEC"),
            text="1",
            user=None,
        )

        response = client.post(preview_url(batch), {"apply": "1"})
        body = response.content.decode()
        assert response.status_code == 200
        assert "Les données d&#x27;appui ont changé depuis" in body
        assert 'data-count="results-new">1<' in body
        assert 'data-count="results-changed">1<' in body
        assert stored(campaign) == {(world.student.pk, "FR.LEC"): ("1", 1)}
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.PREVIEWED

        # Confirming the new preview records it.
        assert client.post(preview_url(batch), {"apply": "1"}).status_code == 302
        assert stored(campaign) == {
            (world.student.pk, "FR.LEC"): ("4", 2),
            (world.student.pk, "MA.CAL"): ("3", 1),
        }

    def test_result_import_is_gone_every_upload_is_an_import_batch(self, world, campaign):
        from django.apps import apps

        from appui.diagnostics import models

        assert not hasattr(models, "ResultImport")
        with pytest.raises(LookupError):
            apps.get_model("diagnostics", "ResultImport")
        batch = upload(campaign, csv_file([["INE", "FR.LEC"], [world.student.ine, "2"]]))
        assert (batch.kind, batch.campaign, batch.school) == ("results", campaign, world.school)
        assert list(campaign.imports.all()) == [batch]
