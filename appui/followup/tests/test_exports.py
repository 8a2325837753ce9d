"""Downloads of the follow-up lists: a group's sessions with attendance, the staff member's
week, a level's register for a period, and the hour accounting pages. Each export has the
access of its page, and every format reads back."""

import csv
import datetime
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from appui.core.io.tabular import read_table
from appui.followup import services
from appui.followup.models import Session
from appui.planning.models import Assignment
from appui.schools.tests import factories as f

from .conftest import TODAY
from .test_views import check

pytestmark = pytest.mark.django_db

SESSION_HEADER = [
    "Date",
    "Début",
    "Fin",
    "Niveau",
    "Période",
    "Groupe",
    "Module",
    "Intitulé",
    "Intervenants",
    "Salle",
    "Séance",
    "Déplacée du",
    "Motif d'annulation",
    "Identifiant SIECLE",
    "INE",
    "Nom",
    "Prénom",
    "Classe",
    "Présence",
    "Progrès (professeur)",
    "Commentaire",
    "Auto-évaluation",
]


def body(response) -> bytes:
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    content = body(response)
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(body(response)), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


def get(client, name, *args, **params):
    return client.get(reverse(name, args=args), params)


@pytest.fixture
def register(world, ap):
    """The group's register: the first session held (Léa present, marked 3 with a comment,
    Zoé absent), the second cancelled, the third moved to the Thursday."""
    world.student.siecle_id = "4242"
    world.student.save()
    first, second, third = ap.sessions[:3]
    services.attendance_set(
        session=first, student=world.student, status="present", user=None, today=TODAY
    )
    services.attendance_set(
        session=first, student=world.classmate, status="absent", user=None, today=TODAY
    )
    services.mark_set(
        session=first, student=world.student, level=3, comment="Bien repéré", user=None, today=TODAY
    )
    services.session_cancel(session=second, reason="Sortie scolaire", user=None)
    Session.objects.filter(pk=third.pk).update(
        date=third.date + datetime.timedelta(days=2), rescheduled_from=third.date
    )
    return ap


class TestGroupSessionsExport:
    def test_it_follows_the_access_of_the_group_sessions_page(self, client, world, ap):
        check(
            client,
            world,
            reverse("interop:group-sessions-export", args=[ap.group.pk]) + "?format=csv",
            {
                "anonymous": 302,
                "outsider": 404,
                "student": 403,
                "guardian": 403,
                "academy": 403,
                "level_coordinator": 403,
                "teacher": 200,
                "coordinator": 200,
                "head": 200,
            },
        )

    def test_anonymous_users_are_sent_to_the_login_page(self, client, ap):
        response = get(client, "interop:group-sessions-export", ap.group.pk, format="csv")
        assert response.status_code == 302 and "/connexion/" in response["Location"]

    def test_it_writes_one_row_per_session_and_student(self, login, world, register):
        response = get(
            login(world.users["teacher"]),
            "interop:group-sessions-export",
            register.group.pk,
            format="csv",
        )
        assert 'filename="seances-lec-s-2pro-periode-1.csv"' in response["Content-Disposition"]
        rows = csv_rows(response)
        assert rows[0] == SESSION_HEADER
        assert len(rows) == 1 + 7 * 2
        first = register.sessions[0].date.strftime("%d/%m/%Y")
        held = {row[15]: row for row in rows[1:] if row[0] == first}
        assert held["Martin"] == [
            first,
            "10:00",
            "11:30",
            "2nde pro",
            "Période 1",
            str(register.group),
            "LEC-S",
            "Lire pour comprendre",
            str(register.teacher),
            "B101",
            "Faite",
            "",
            "",
            "4242",
            world.student.ine,
            "Martin",
            "Léa",
            "2A",
            "Présent",
            "3",
            "Bien repéré",
            "",
        ]
        assert held["Hélène"][18:] == ["Absent", "", "", ""]

    def test_cancelled_and_moved_sessions_say_so(self, login, world, register):
        rows = csv_rows(
            get(
                login(world.users["coordinator"]),
                "interop:group-sessions-export",
                register.group.pk,
                format="csv",
            )
        )
        by_status = {}
        for row in rows[1:]:
            by_status.setdefault(row[10], []).append(row)
        cancelled = by_status["Annulée"]
        assert len(cancelled) == 2 and cancelled[0][12] == "Sortie scolaire"
        moved = [row for row in rows[1:] if row[11]]
        assert len(moved) == 2
        assert moved[0][11] == register.sessions[2].date.strftime("%d/%m/%Y")
        assert moved[0][0] == (register.sessions[2].date + datetime.timedelta(days=2)).strftime(
            "%d/%m/%Y"
        )
        assert all(row[18] == "" for row in by_status["À venir"])
        # Rows follow the dates, the moved session included.
        dates = [datetime.datetime.strptime(row[0], "%d/%m/%Y") for row in rows[1:]]
        assert dates == sorted(dates)

    def test_it_reads_back_as_xlsx_with_real_dates(self, login, world, register):
        rows = xlsx_rows(
            get(
                login(world.users["teacher"]),
                "interop:group-sessions-export",
                register.group.pk,
                format="xlsx",
            )
        )
        assert list(rows[0]) == SESSION_HEADER
        assert len(rows) == 15
        martin = next(row for row in rows[1:] if row[15] == "Martin" and row[10] == "Faite")
        assert martin[0].date() == register.sessions[0].date
        assert martin[18:21] == ("Présent", 3, "Bien repéré")

    def test_it_reads_back_as_ods(self, login, world, register):
        response = get(
            login(world.users["teacher"]),
            "interop:group-sessions-export",
            register.group.pk,
            format="ods",
        )
        assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
        table = read_table(body(response), "seances.ods")
        assert [header.text for header in table.headers] == SESSION_HEADER
        assert len(table.rows) == 14
        held = [row for row in table.rows if row.get("seance") == "Faite"]
        assert {row.get("nom"): row.get("presence") for row in held} == {
            "Martin": "Présent",
            "Hélène": "Absent",
        }
        assert (
            next(row for row in held if row.get("nom") == "Martin").get("progres_professeur") == 3
        )

    def test_queries_do_not_grow_with_the_rows(
        self, login, world, register, django_assert_max_num_queries
    ):
        client = login(world.users["teacher"])
        url = reverse("interop:group-sessions-export", args=[register.group.pk]) + "?format=csv"
        with django_assert_max_num_queries(30) as small:
            body(client.get(url))
        for _ in range(10):
            Assignment.objects.create(
                group=register.group, student=f.StudentFactory(division=world.division)
            )
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert len(csv_rows(client.get(url))) == 1 + 7 * 12

    def test_the_group_sessions_page_links_to_the_downloads(self, login, world, ap):
        page = get(login(world.users["teacher"]), "followup:group-sessions", ap.group.pk)
        html = page.content.decode()
        assert 'data-export="group-sessions"' in html
        url = reverse("interop:group-sessions-export", args=[ap.group.pk])
        for export_format in ("csv", "xlsx", "ods"):
            assert f"{url}?format={export_format}" in html


class TestWeekExport:
    def test_it_follows_the_access_of_the_week_page(self, client, world, ap):
        check(
            client,
            world,
            reverse("interop:week-export") + "?format=csv",
            {
                "anonymous": 302,
                "student": 403,
                "guardian": 403,
                "academy": 403,
                "outsider": 403,
                "teacher": 200,
            },
        )

    def test_it_keeps_the_week_of_the_page(self, login, world, register):
        monday = register.sessions[0].date - datetime.timedelta(
            days=register.sessions[0].date.weekday()
        )
        client = login(world.users["teacher"])
        rows = csv_rows(
            get(client, "interop:week-export", semaine=monday.isoformat(), format="csv")
        )
        assert rows[0] == SESSION_HEADER
        assert [(row[15], row[18]) for row in rows[1:]] == [
            ("Hélène", "Absent"),
            ("Martin", "Présent"),
        ]
        page = get(client, "followup:staff-week", semaine=monday.isoformat()).content.decode()
        assert (
            f"{reverse('interop:week-export')}?semaine={monday.isoformat()}&amp;format=csv" in page
        )

    def test_a_coordinator_who_runs_no_group_gets_an_empty_week(self, login, world, register):
        from appui.schools.models import Staff

        Staff.objects.create(school=world.school, user=world.users["coordinator"], last_name="C")
        monday = register.sessions[0].date - datetime.timedelta(days=1)
        rows = csv_rows(
            get(
                login(world.users["coordinator"]),
                "interop:week-export",
                semaine=monday.isoformat(),
                format="csv",
            )
        )
        assert rows == [SESSION_HEADER]


class TestLevelAttendanceExport:
    def test_it_is_for_those_who_read_the_level_s_hours(self, client, world, ap):
        url = reverse("interop:level-attendance-export", args=[world.level.pk])
        check(
            client,
            world,
            f"{url}?periode={ap.period.pk}&format=csv",
            {
                "anonymous": 302,
                "outsider": 404,
                "student": 403,
                "teacher": 403,
                "level_coordinator": 403,
                "coordinator": 200,
                "head": 200,
            },
        )

    def test_it_gives_the_register_of_the_period(self, login, world, register):
        client = login(world.users["coordinator"])
        rows = csv_rows(
            get(
                client,
                "interop:level-attendance-export",
                world.level.pk,
                periode=register.period.pk,
                format="csv",
            )
        )
        assert rows[0] == SESSION_HEADER and len(rows) == 1 + 7 * 2
        assert {row[4] for row in rows[1:]} == {"Période 1"}
        empty = csv_rows(
            get(
                client,
                "interop:level-attendance-export",
                world.level.pk,
                periode=register.period2.pk,
                format="csv",
            )
        )
        assert empty == [SESSION_HEADER]

    def test_a_period_of_another_year_is_not_found(self, login, world, ap):
        from appui.schools.models import Period, SchoolYear

        foreign = Period.objects.create(
            year=SchoolYear.objects.get(school=world.other_school),
            number=1,
            name="P1",
            start_date=datetime.date(2025, 9, 1),
            end_date=datetime.date(2025, 10, 17),
        )
        response = get(
            login(world.users["coordinator"]),
            "interop:level-attendance-export",
            world.level.pk,
            periode=foreign.pk,
        )
        assert response.status_code == 404

    def test_the_level_hours_page_links_each_period(self, login, world, ap):
        html = get(
            login(world.users["coordinator"]), "followup:hours-level", world.level.pk
        ).content.decode()
        url = reverse("interop:level-attendance-export", args=[world.level.pk])
        for period in (ap.period, ap.period2):
            assert f"{url}?periode={period.pk}&amp;format=xlsx" in html


class TestHoursExports:
    def test_the_levels_export_has_the_access_of_the_hours_page(self, client, world, ap):
        check(
            client,
            world,
            reverse("interop:hours-export") + "?format=csv",
            {
                "anonymous": 302,
                "outsider": 403,
                "teacher": 403,
                "student": 403,
                "academy": 403,
                "coordinator": 200,
                "level_coordinator": 200,
                "head": 200,
            },
        )

    def test_the_levels_export_gives_due_planned_and_delivered(self, login, world, register):
        rows = csv_rows(
            get(login(world.users["coordinator"]), "interop:hours-export", format="csv")
        )
        assert rows[0] == [
            "Niveau",
            "Dues (h)",
            "Prévues min. (h)",
            "Prévues max. (h)",
            "Assurées min. (h)",
            "Assurées max. (h)",
            "Reste à prévoir (h)",
            "Alertes",
            "Détail des alertes",
        ]
        level = next(row for row in rows[1:] if row[0] == "2nde pro")
        # 7 sessions of 1 h 30, one cancelled: 9 h planned; one held.
        assert level[1:7] == ["90,0", "9,0", "9,0", "1,5", "1,5", "81,0"]
        assert int(level[7]) >= 1 and "séance" in level[8]
        assert {row[0] for row in rows[1:]} == {"2nde pro", "1re pro"}

    def test_a_level_coordinator_exports_only_their_levels(self, login, world, ap):
        rows = xlsx_rows(
            get(login(world.users["level_coordinator"]), "interop:hours-export", format="xlsx")
        )
        assert [row[0] for row in rows[1:]] == ["1re pro"]

    def test_the_level_exports_have_the_access_of_the_level_page(self, client, world, ap):
        for name in ("interop:hours-divisions-export", "interop:hours-students-export"):
            check(
                client,
                world,
                reverse(name, args=[world.level.pk]) + "?format=csv",
                {
                    "anonymous": 302,
                    "outsider": 404,
                    "teacher": 403,
                    "student": 403,
                    "level_coordinator": 403,
                    "coordinator": 200,
                    "head": 200,
                },
            )

    def test_the_divisions_export(self, login, world, register):
        rows = csv_rows(
            get(
                login(world.users["coordinator"]),
                "interop:hours-divisions-export",
                world.level.pk,
                format="csv",
            )
        )
        assert rows[0][:3] == ["Classe", "Élèves", "Prévues min. (h)"]
        # Two students, 9 h planned, 1 h 30 delivered; Léa attended it, Zoé did not.
        assert rows[1] == ["2A", "2", "9,0", "9,0", "1,5", "1,5", "0,0", "1,5", "50,0"]

    def test_the_students_export(self, login, world, register):
        world.student.siecle_id = "4242"
        world.student.save()
        f.StudentFactory(division=world.division, last_name="Seul", first_name="Noé")
        table = read_table(
            body(
                get(
                    login(world.users["coordinator"]),
                    "interop:hours-students-export",
                    world.level.pk,
                    format="ods",
                )
            ),
            "heures.ods",
        )
        rows = {row.get("nom"): row for row in table.rows}
        assert set(rows) == {"Martin", "Hélène", "Seul"}
        martin = rows["Martin"]
        assert martin.get("identifiant_siecle") == "4242"
        assert martin.get("classe") == "2A"
        assert (martin.get("prevues_h"), martin.get("assurees_h")) == (9, 1.5)
        assert (martin.get("suivies_h"), martin.get("manquees_h")) == (1.5, 0)
        assert martin.get("annulees_h") == 1.5
        assert martin.get("prevues_consolidation_des_acquis_h") == 9
        assert "moins d'heures que les autres" in rows["Seul"].get("alerte")

    def test_the_staff_export(self, client, world, register):
        check(
            client,
            world,
            reverse("interop:hours-staff-export") + "?format=csv",
            {"anonymous": 302, "outsider": 403, "teacher": 403, "student": 403, "coordinator": 200},
        )
        client.force_login(world.users["coordinator"])
        rows = csv_rows(get(client, "interop:hours-staff-export", format="csv"))
        assert rows[0] == [
            "Identifiant STS",
            "Nom",
            "Prénom",
            "Groupes",
            "Prévues (h)",
            "Consolidation des acquis (h)",
            "Accompagnement personnalisé (h)",
            "Aide à l'orientation (h)",
            "Assurées (h)",
            "Annulées (h)",
            "Par semaine (h)",
        ]
        assert rows[1][1:] == [
            register.teacher.last_name,
            register.teacher.first_name,
            "1",
            "9,0",
            "9,0",
            "0,0",
            "0,0",
            "1,5",
            "1,5",
            "0,25",
        ]

    def test_the_hour_pages_link_to_their_downloads(self, login, world, ap):
        client = login(world.users["coordinator"])
        pages = {
            reverse("followup:hours-index"): reverse("interop:hours-export"),
            reverse("followup:hours-staff"): reverse("interop:hours-staff-export"),
            reverse("followup:hours-level", args=[world.level.pk]): reverse(
                "interop:hours-students-export", args=[world.level.pk]
            ),
        }
        for page, export in pages.items():
            assert f"{export}?format=ods" in client.get(page).content.decode()
        level_page = client.get(reverse("followup:hours-level", args=[world.level.pk]))
        divisions = reverse("interop:hours-divisions-export", args=[world.level.pk])
        assert f"{divisions}?format=csv" in level_page.content.decode()
