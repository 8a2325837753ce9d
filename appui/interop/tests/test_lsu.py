"""The LSU export: what it holds, what it refuses to invent, its page, import and command."""

import csv
import io
import zoneinfo
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from openpyxl import load_workbook

from appui.core.io.lsu import LSU_NAMESPACE, validate_lsu
from appui.followup.models import StageReview
from appui.interop import services
from appui.interop.forms import LsuSettingsForm
from appui.interop.lsu import lsu_preview
from appui.interop.models import LsuAssessment, LsuCouncil, LsuReport, LsuSettings
from appui.planning.models import Assignment, Group, Plan
from appui.schools.models import Level, Staff, Subject, Teaching
from appui.schools.tests.factories import StaffFactory

NS = {"l": LSU_NAMESPACE}


@pytest.fixture
def college(world, planning):
    """Level L of the world turned into a collège 6e with a published plan of one group."""
    level = world.level
    level.track = Level.Track.COLLEGE
    level.name, level.short_name = "6e", "6E"
    level.save()
    world.student.siecle_id, world.classmate.siecle_id = "4100001", "4100002"
    world.student.ine, world.classmate.ine = "", ""
    world.student.save()
    world.classmate.save()
    teacher = planning["teacher"]
    teacher.sts_id, teacher.last_name, teacher.first_name = "7001", "Robert", "Paul"
    teacher.civility = "M."
    teacher.save()
    french = Subject.objects.create(school=world.school, code="020700", label="Français")
    teacher.subjects.add(french)
    Teaching.objects.filter(staff=teacher, division=world.division).update(
        subject=french, is_main_teacher=True
    )
    head = Staff.objects.create(
        school=world.school,
        user=world.users["head"],
        sts_id="7000",
        civility="Mme",
        last_name="Marchand",
        first_name="Sophie",
        function=Staff.Function.DIRECTION,
    )
    period = planning["period"]
    plan = Plan.objects.create(level=level, period=period, status=Plan.Status.PUBLISHED)
    group = Group.objects.create(
        plan=plan, slot=planning["slots"][0], module=planning["modules"][0]
    )
    group.staff.set([teacher])
    for student in (world.student, world.classmate):
        Assignment.objects.create(group=group, student=student)
    return {
        "period": period,
        "group": group,
        "teacher": teacher,
        "head": head,
        "french": french,
        "level": level,
    }


def _complete(world, college):
    period = college["period"]
    LsuSettings.objects.create(period=period, manager=college["head"], locked_on=date(2026, 10, 20))
    LsuCouncil.objects.create(period=period, division=world.division, date=date(2026, 10, 14))
    for student in (world.student, world.classmate):
        report = LsuReport.objects.create(
            student=student,
            period=period,
            advice="Bon début d'année.",
            late=1,
            justified_absences=2,
            unjustified_absences=0,
        )
        LsuAssessment.objects.create(
            report=report, subject=college["french"], staff=college["teacher"], positioning=3
        )


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


HEADER = [
    "Identifiant SIECLE",
    "Nom",
    "Prénom",
    "Discipline",
    "Enseignant",
    "Positionnement",
    "Appréciation",
    "Acquis et conseils",
    "Retards",
    "Absences justifiées",
    "Absences injustifiées",
]


def test_gaps_are_listed_and_nothing_is_invented(world, college):
    preview = lsu_preview(world.school, college["period"])
    assert not preview.ready
    texts = [str(gap) for gap in preview.gaps]
    assert "Réglages : choisissez le membre de la direction qui signe les bilans." in texts
    assert "Division 2A : la date du conseil de classe de la période manque." in texts
    assert any(
        text.startswith("Bilan de Martin Léa (2A)") and "acquis et conseils" in text
        for text in texts
    )
    assert any("vie scolaire" in text for text in texts)
    assert preview.counts == {"students": 2, "groups": 1, "aps": 1, "reports_with_data": 0}


def test_complete_export_validates_and_holds_the_ap(world, college):
    _complete(world, college)
    StageReview.objects.create(
        student=world.student,
        period=college["period"],
        status=StageReview.Status.VALIDATED,
        comment="Sait reformuler une consigne.",
    )
    preview = lsu_preview(world.school, college["period"])
    assert preview.gaps == []
    xml = preview.build()
    assert validate_lsu(xml) == []
    root = etree.fromstring(xml)
    ap = root.find(".//l:acc-perso", NS)
    assert ap.get("intitule") == "Module LEC-S"
    group = root.find(".//l:acc-perso-groupe", NS)
    teaching = group.find(".//l:enseignant-discipline", NS)
    teacher = root.xpath(f"//l:enseignant[@id='{teaching.get('enseignant-ref')}']", namespaces=NS)[
        0
    ]
    assert (teacher.get("id-sts"), teacher.get("nom"), teacher.get("civilite")) == (
        "7001",
        "Robert",
        "M",
    )
    discipline = root.xpath(
        f"//l:discipline[@id='{teaching.get('discipline-ref')}']", namespaces=NS
    )[0]
    assert discipline.get("code") == "020700"
    eleve = root.xpath("//l:eleve[@id-be='4100001']", namespaces=NS)[0]
    report = root.xpath(f"//l:bilan-periodique[@eleve-ref='{eleve.get('id')}']", namespaces=NS)[0]
    assert report.get("date-conseil-classe") == "2026-10-14"
    assert report.get("date-verrou") == "2026-10-20"
    comment = report.find(".//l:acc-perso-eleve/l:commentaire", NS)
    assert comment.text == "Sait reformuler une consigne."
    # A draft review is not the teacher's final word: no comment for the classmate.
    other = root.xpath("//l:eleve[@id-be='4100002']", namespaces=NS)[0]
    other_report = root.xpath(
        f"//l:bilan-periodique[@eleve-ref='{other.get('id')}']", namespaces=NS
    )[0]
    assert other_report.find(".//l:acc-perso-eleve", NS) is not None
    assert other_report.find(".//l:acc-perso-eleve/l:commentaire", NS) is None
    assert any("sans bilan d'étape validé" in warning for warning in preview.warnings)


def test_a_teacher_without_subject_or_sts_id_is_a_gap(world, college):
    _complete(world, college)
    teacher = college["teacher"]
    teacher.subjects.clear()
    Staff.objects.filter(pk=teacher.pk).update(sts_id="")
    texts = [str(gap) for gap in lsu_preview(world.school, college["period"]).gaps]
    assert any("Robert" in text and "aucune discipline" in text for text in texts)
    assert (
        "Enseignant Robert : l'identifiant STS-web manque : importez les personnels depuis STS-web."
        in texts
    )


def test_the_page_is_for_the_head(client, login, world, college):
    url = reverse("interop:lsu")
    assert client.get(url).status_code == 302
    for name in ("coordinator", "teacher", "academy", "outsider"):
        login(world.users[name])
        assert client.get(url).status_code == 403, name
        assert client.get(reverse("interop:lsu-download")).status_code == 403, name
        assert client.get(reverse("interop:lsu-template")).status_code == 403, name
    login(world.users["head"])
    response = client.get(url, {"periode": college["period"].pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="lsu-blocked"' in page
    assert "la date du conseil de classe de la période manque" in page
    pk = college["period"].pk
    assert f'href="/exports/lsu/modele/?periode={pk}&amp;format=xlsx"' in page
    # Downloading while gaps remain gives no file.
    response = client.get(reverse("interop:lsu-download"), {"periode": college["period"].pk})
    assert response.status_code == 302


def test_the_signatory_is_chosen_among_the_present_management_team(world, college):
    StaffFactory(
        school=world.school,
        last_name="Durand",
        first_name="Luc",
        function=Staff.Function.DIRECTION,
        exit_date=date(2026, 9, 30),
    )
    form = LsuSettingsForm(school=world.school)
    labels = [str(label) for value, label in form.fields["manager"].choices if value]
    # Named as on the reports; the teacher and whoever left are not offered.
    assert labels == ["Mme Sophie Marchand"]


def test_settings_and_councils_are_saved_from_the_page(client, login, world, college):
    login(world.users["head"])
    period = college["period"]
    url = reverse("interop:lsu")
    data = {
        "periode": period.pk,
        "reglages-manager": college["head"].pk,
        "reglages-locked_on": "2026-10-20",
        "reglages-lsu_index": "1",
        "reglages-lsu_count": "3",
        f"conseil-{world.division.pk}": "2026-10-14",
        "reglages-version": services.lsu_settings_version(period),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    settings = LsuSettings.objects.get(period=period)
    assert (settings.manager, settings.locked_on, settings.lsu_index) == (
        college["head"],
        date(2026, 10, 20),
        1,
    )
    assert LsuCouncil.objects.get(period=period, division=world.division).date == date(2026, 10, 14)
    # A wrong date and a period number above the count are refused; nothing changes.
    response = client.post(
        url,
        {
            **data,
            "reglages-version": services.lsu_settings_version(period),
            "reglages-lsu_index": "4",
            f"conseil-{world.division.pk}": "14/10",
        },
    )
    assert response.status_code == 200
    assert LsuSettings.objects.get(period=period).lsu_index == 1
    page = response.content.decode()
    assert 'aria-invalid="true"' in page


def test_download_when_complete(client, login, world, college):
    _complete(world, college)
    login(world.users["head"])
    response = client.get(reverse("interop:lsu"), {"periode": college["period"].pk})
    assert 'id="lsu-ready"' in response.content.decode()
    response = client.get(reverse("interop:lsu-download"), {"periode": college["period"].pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert validate_lsu(response.content) == []
    assert f"LSU_AP_{world.school.uai}_" in response["Content-Disposition"]


def test_import_periodic_reports_preview_apply_and_again(world, college):
    content = _csv(
        [
            HEADER,
            [
                "4100001",
                "Martin",
                "Léa",
                "020700",
                "",
                "3",
                "Bien.",
                "Bon trimestre.",
                "1",
                "2",
                "0",
            ],
            [
                "4100002",
                "Hélène",
                "Zoé",
                "Français",
                "7001",
                "2",
                "",
                "À consolider.",
                "0",
                "0",
                "1",
            ],
        ]
    )
    options = {"period": college["period"].pk}
    batch = services.import_preview(
        kind="lsu",
        school=world.school,
        user=world.users["head"],
        content=content,
        file_name="bilans.csv",
        options=options,
    )
    assert not batch.summary["blocked"]
    assert batch.summary["counts"]["reports"]["new"] == 2
    assert batch.summary["counts"]["assessments"]["new"] == 2
    assert LsuReport.objects.count() == 0  # nothing before the confirmation
    services.import_apply(batch=batch, user=world.users["head"])
    report = LsuReport.objects.get(student=world.student)
    assert (report.advice, report.late, report.justified_absences) == ("Bon trimestre.", 1, 2)
    assessment = report.assessments.get()
    # Empty teacher: the teacher of French in the student's division.
    assert (assessment.staff, assessment.positioning, assessment.appreciation) == (
        college["teacher"],
        3,
        "Bien.",
    )
    again = services.import_preview(
        kind="lsu",
        school=world.school,
        user=world.users["head"],
        content=content,
        file_name="bilans.csv",
        options=options,
    )
    assert not again.summary["changes_anything"]


def test_import_refuses_bad_rows_and_changes_nothing(world, college):
    content = _csv(
        [
            HEADER,
            ["4100001", "Martin", "Léa", "020700", "", "5", "", "Bon.", "1", "0", "0"],
            ["4100001", "Martin", "Léa", "", "", "", "", "Autre chose.", "", "", ""],
            ["9999999", "Inconnu", "X", "020700", "", "2", "", "", "", "", ""],
            ["", "Martin", "Léa", "020700", "", "2", "", "", "", "", ""],
            ["4100002", "Hélène", "Zoé", "Latin", "", "2", "", "", "", "", ""],
        ]
    )
    batch = services.import_preview(
        kind="lsu",
        school=world.school,
        user=world.users["head"],
        content=content,
        file_name="bilans.csv",
        options={"period": college["period"].pk},
    )
    assert batch.summary["blocked"]
    issues = [(issue["line"], issue["message"]) for issue in batch.summary["issues"]]
    text = " | ".join(f"{line}: {message}" for line, message in issues)
    assert "2: " in text and "trop grand : le maximum est 4" in text
    assert "ne concorde pas avec « Bon. » donné ligne 2" in text
    assert "aucun élève de l'établissement n'a « 9999999 »" in text
    assert "ni identifiant SIECLE ni INE" in text
    assert "discipline « Latin » inconnue" in text
    with pytest.raises(services.ImportRefused):
        services.import_apply(batch=batch, user=world.users["head"])
    assert LsuReport.objects.count() == 0


def test_import_needs_a_period_of_the_school(world, college):
    with pytest.raises(services.ImportRefused, match="Choisissez la période"):
        services.import_preview(
            kind="lsu",
            school=world.other_school,
            user=world.users["head"],
            content=_csv([HEADER]),
            file_name="bilans.csv",
            options={"period": college["period"].pk},
        )


def test_template_round_trips(client, login, world, college):
    _complete(world, college)
    login(world.users["head"])
    response = client.get(
        reverse("interop:lsu-template"), {"periode": college["period"].pk, "format": "xlsx"}
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("Identifiant SIECLE", "INE", "Nom", "Prénom", "Classe", "Discipline")
    martin = next(row for row in rows if row[2] == "Martin")
    assert martin[5] == "020700" and martin[7] == "7001" and martin[8] == 3
    batch = services.import_preview(
        kind="lsu",
        school=world.school,
        user=world.users["head"],
        content=content,
        file_name="bilans.xlsx",
        options={"period": college["period"].pk},
    )
    assert not batch.summary["blocked"], batch.summary["issues"]
    assert not batch.summary["changes_anything"]


def test_command_writes_the_file_or_lists_the_gaps(world, college, tmp_path):
    target = tmp_path / "lsu.xml"
    out = io.StringIO()
    with pytest.raises(CommandError, match="aucun fichier n'a été écrit"):
        call_command("export_lsu", period=college["period"].pk, output=str(target), stdout=out)
    assert "[manque] Division 2A : la date du conseil de classe" in out.getvalue()
    assert not target.exists()
    _complete(world, college)
    call_command("export_lsu", period=college["period"].pk, output=str(target), stdout=out)
    assert validate_lsu(target.read_bytes()) == []


@pytest.mark.django_db
def test_the_demo_college_levels_export_validates(settings, time_machine):
    from appui.schools.demo import build_demo
    from appui.schools.models import Period

    # In November the demo year (2026-2027, built from today) has a period that has ended.
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    time_machine.move_to(datetime(2026, 11, 24, 10, tzinfo=paris), tick=True)
    settings.DEMO_SOLVE_PLANS = True
    settings.DEMO_SOLVE_SECONDS = 1.0
    result = build_demo(seed=11, students=150)
    period = (
        Period.objects.filter(year__school=result.school, end_date__lt=timezone.localdate())
        .order_by("number")
        .first()
    )
    assert period is not None
    preview = lsu_preview(result.school, period)
    assert [level.short_name for level in preview.levels] == ["6E", "5E", "4E", "3E"]
    assert preview.gaps == []
    assert preview.counts["groups"] > 0
    xml = preview.build()
    assert validate_lsu(xml) == []
    root = etree.fromstring(xml)
    assert len(root.findall(".//l:bilan-periodique", NS)) == preview.counts["students"]
    assert root.findall(".//l:acc-perso-eleve/l:commentaire", NS)
