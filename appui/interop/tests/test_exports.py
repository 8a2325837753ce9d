"""List exports: formats, streaming, and only what the user may see."""

import datetime
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.html import strip_tags
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def url(name, *args, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse(name, args=args) + (f"?{query}" if query else "")


def body(response) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def csv_lines(response) -> list[str]:
    content = body(response)
    assert content.startswith(b"\xef\xbb\xbf")
    return content.decode("utf-8-sig").splitlines()


@pytest.fixture
def campaign(world):
    from appui.diagnostics import services
    from appui.diagnostics.models import Campaign
    from appui.schools.models import Period

    framework = services.framework_install_default(school=world.school)
    period = Period.objects.create(
        year=world.year,
        number=1,
        name="Période 1",
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 10, 16),
    )
    campaign = services.campaign_create(
        level=world.level,
        period=period,
        kind=Campaign.Kind.SEPTEMBER_REVIEW,
        name="Bilan de rentrée",
        date=datetime.date(2026, 9, 15),
        framework=framework,
        competencies=list(framework.competencies.filter(code__in=["FR.LEC", "MA.CAL"])),
    )
    campaign = services.campaign_set_state(campaign=campaign, state=Campaign.State.OPEN)
    competency = campaign.competencies.get(code="FR.LEC")
    services.result_set(
        campaign=campaign,
        student=world.student,
        competency=competency,
        text="3",
        user=world.users["head"],
    )
    services.result_set(
        campaign=campaign,
        student=world.classmate,
        competency=competency,
        text="abs",
        user=world.users["head"],
    )
    return campaign


class TestStudentExport:
    def test_it_redirects_anonymous_users_to_login(self, client, world):
        assert client.get(url("interop:student-export")).status_code == 302

    def test_it_writes_a_csv_for_french_excel(self, world, login):
        response = login(world.users["head"]).get(url("interop:student-export", format="csv"))
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert 'filename="eleves.csv"' in response["Content-Disposition"]
        lines = csv_lines(response)
        assert lines[0].startswith("Identifiant SIECLE;INE;Nom;Prénom;Date de naissance;Sexe")
        assert len(lines) == 4
        assert any(";Martin;Léa;14/03/2011;" in line for line in lines)
        assert not any("Secret" in line for line in lines)

    def test_a_teacher_gets_only_the_students_they_teach(self, world, login):
        lines = csv_lines(
            login(world.users["teacher"]).get(url("interop:student-export", format="csv"))
        )
        names = {line.split(";")[2] for line in lines[1:]}
        assert names == {"Martin", "Hélène"}

    def test_it_keeps_the_filters_of_the_student_list(self, world, login):
        response = login(world.users["head"]).get(
            url("interop:student-export", format="csv", q="martin")
        )
        assert [line.split(";")[2] for line in csv_lines(response)[1:]] == ["Martin"]

    def test_a_division_s_list_is_named_after_it(self, world, login):
        response = login(world.users["head"]).get(
            url("interop:student-export", division=world.division.pk, format="xlsx")
        )
        assert 'filename="eleves-2a.xlsx"' in response["Content-Disposition"]
        sheet = load_workbook(io.BytesIO(body(response))).active
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == 3 and rows[1][6] == "2A"

    def test_the_academie_never_gets_names(self, world, login):
        client = login(world.users["academy"])
        assert client.get(url("interop:student-export", format="csv")).status_code == 403
        assert (
            client.get(url("interop:student-export", division=world.division.pk)).status_code == 403
        )

    def test_a_student_is_refused(self, world, login):
        client = login(world.users["student"])
        assert client.get(url("interop:student-export", format="csv")).status_code == 403

    def test_another_school_s_division_is_not_found(self, world, login):
        client = login(world.users["outsider"])
        assert (
            client.get(url("interop:student-export", division=world.division.pk)).status_code == 404
        )

    def test_a_teacher_cannot_export_a_division_they_do_not_teach(self, world, login):
        client = login(world.users["teacher"])
        response = client.get(url("interop:student-export", division=world.other_division.pk))
        assert response.status_code == 403

    def test_an_unknown_format_is_not_found(self, world, login):
        client = login(world.users["head"])
        assert client.get(url("interop:student-export", format="pdf")).status_code == 404

    def test_it_writes_ods(self, world, login):
        response = login(world.users["head"]).get(url("interop:student-export", format="ods"))
        assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
        assert body(response)[:2] == b"PK"


class TestStaffExport:
    def test_it_redirects_anonymous_users_to_login(self, client, world):
        assert client.get(url("interop:staff-export")).status_code == 302

    def test_the_head_gets_the_staff(self, world, login):
        lines = csv_lines(login(world.users["head"]).get(url("interop:staff-export", format="csv")))
        assert lines[0].startswith("Identifiant STS;Civilité;Nom;Prénom;Fonction")
        assert len(lines) == 2 and ";Enseignant;" in lines[1] and lines[1].endswith(";2A")

    @pytest.mark.parametrize("role", ["teacher", "academy", "student"])
    def test_other_roles_are_refused(self, world, login, role):
        assert login(world.users[role]).get(url("interop:staff-export")).status_code == 403

    def test_outsiders_are_refused(self, world, login):
        assert login(world.users["outsider"]).get(url("interop:staff-export")).status_code == 403


class TestResultExport:
    def test_it_redirects_anonymous_users_to_login(self, client, campaign):
        assert client.get(url("interop:result-export", campaign.pk)).status_code == 302

    def test_it_has_one_column_per_competency(self, world, login, campaign):
        response = login(world.users["coordinator"]).get(
            url("interop:result-export", campaign.pk, format="csv")
        )
        lines = csv_lines(response)
        assert lines[0] == "INE;Nom;Prénom;Date de naissance;Division;FR.LEC;MA.CAL"
        rows = {line.split(";")[1]: line.split(";")[5:] for line in lines[1:]}
        assert rows == {"Martin": ["3", ""], "Hélène": ["abs", ""]}

    def test_outsiders_do_not_see_that_it_exists(self, world, login, campaign):
        client = login(world.users["outsider"])
        assert client.get(url("interop:result-export", campaign.pk)).status_code == 404

    @pytest.mark.parametrize("role", ["academy", "student", "level_coordinator"])
    def test_other_roles_are_refused(self, world, login, campaign, role):
        client = login(world.users[role])
        assert client.get(url("interop:result-export", campaign.pk)).status_code == 403


class TestExportPages:
    def test_the_export_page_requires_login(self, client, world):
        assert client.get(url("interop:export-home")).status_code == 302

    def test_the_export_page_shows_an_outsider_only_their_own_school(self, world, login):
        body = login(world.users["outsider"]).get(url("interop:export-home")).content.decode()
        # Only the text counts: a token or a nonce in an attribute may hold « 2A » by chance.
        body_text = strip_tags(body)
        assert "2A" not in body_text and "Martin" not in body_text

    def test_the_export_page_lists_what_the_user_may_download(self, world, login, campaign):
        body_text = login(world.users["head"]).get(url("interop:export-home")).content.decode()
        assert 'data-export="staff"' in body_text and 'data-export="results"' in body_text
        teacher = login(world.users["teacher"]).get(url("interop:export-home")).content.decode()
        # Division 1B (not taught by them) as a row header: a bare "1B" may occur by chance
        # in the page's random CSRF token.
        assert 'data-export="staff"' not in teacher and '<th scope="row">1B</th>' not in teacher
        assert '<th scope="row">2A</th>' in teacher

    @pytest.mark.parametrize("role", ["academy", "student", "guardian"])
    def test_the_export_page_refuses_those_who_see_no_names(self, world, login, role):
        assert login(world.users[role]).get(url("interop:export-home")).status_code == 403

    def test_the_student_list_and_division_page_offer_the_downloads(self, world, login):
        client = login(world.users["head"])
        listing = client.get(reverse("schools:student-list") + "?q=martin").content.decode()
        assert "/exports/eleves/?q=martin&amp;format=xlsx" in listing
        division = client.get(reverse("schools:division-detail", args=[world.division.pk]))
        assert f"/exports/eleves/?division={world.division.pk}&amp;format=csv" in (
            division.content.decode()
        )
