"""Progress graphs: the selectors' values on a small world, and the pages showing the SVG
with its data table, to the same people as before."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from appui.diagnostics.models import Campaign, Result
from appui.followup.models import ProgressMark
from appui.followup.selectors.progress import group_distribution, student_progress
from appui.planning.models import Plan

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def measured(world, ap):
    """A September diagnosis before the module (Léa MI, Zoé MF on FR.LEC, plus an unrelated
    competency), two teacher marks for Léa and one self-assessment, and a re-diagnosis of Zoé
    in October."""
    competency = ap.module.competency
    other = competency.framework.competencies.exclude(pk=competency.pk).first()

    def campaign(name, day, period):
        return Campaign.objects.create(
            year=world.year,
            level=world.level,
            period=period,
            kind=Campaign.Kind.POSITIONING_TEST,
            name=name,
            date=day,
            framework=competency.framework,
        )

    september = campaign("Test de septembre", D(2026, 8, 31), ap.period)
    october = campaign("Re-diagnostic", D(2026, 10, 16), ap.period)
    Result.objects.create(campaign=september, student=world.student, competency=competency, value=1)
    Result.objects.create(campaign=september, student=world.student, competency=other, value=2)
    Result.objects.create(
        campaign=september, student=world.classmate, competency=competency, value=2
    )
    Result.objects.create(campaign=october, student=world.classmate, competency=competency, value=4)
    first, second = ap.sessions[0], ap.sessions[1]
    for session, level in ((first, 2), (second, 3)):
        ProgressMark.objects.create(
            session=session, student=world.student, author_kind="teacher", level=level
        )
    ProgressMark.objects.create(session=second, student=world.student, author_kind="self", level=4)
    return ap


class TestStudentProgress:
    def test_it_follows_the_worked_competency_through_diagnoses_and_teacher_marks(
        self, world, measured
    ):
        progress = student_progress(world.student)
        (series,) = progress.series  # only the module's competency, not the other one
        assert series.label == measured.module.competency.label
        assert [(p.day, p.value, p.hollow) for p in series.points] == [
            (D(2026, 8, 31), 1, False),
            (measured.sessions[0].date, 2, True),
            (measured.sessions[1].date, 3, True),
        ]
        (band,) = progress.bands
        assert (band.start, band.end, band.label) == (
            measured.period.start_date,
            measured.period.end_date,
            "Lire pour comprendre",
        )
        assert [r.source for r in progress.rows] == ["diagnosis", "mark", "mark"]
        assert (progress.start, progress.end) == (world.year.start_date, world.year.end_date)

    def test_two_groups_of_one_module_in_one_span_make_one_band(self, world, measured):
        from appui.planning.models import Assignment, Group

        twin = Group.objects.create(
            plan=measured.plan, slot=measured.slot, module=measured.module, room=measured.room
        )
        Assignment.objects.create(group=twin, student=world.student)
        assert len(student_progress(world.student).bands) == 1

    def test_a_pupil_without_a_group_has_no_graph_data(self, world, measured):
        assert not student_progress(world.student_elsewhere).has_data

    def test_a_draft_plan_does_not_count(self, world, measured):
        Plan.objects.filter(pk=measured.plan.pk).update(status=Plan.Status.DRAFT)
        assert student_progress(world.student) == student_progress(world.student_elsewhere)


class TestGroupDistribution:
    def test_before_is_the_last_diagnosis_and_after_the_latest_mark_or_re_diagnosis(
        self, world, measured
    ):
        distribution = group_distribution(measured.group)
        assert distribution.before == [1, 1, 0, 0]  # Léa MI, Zoé MF
        assert distribution.after == [0, 0, 1, 1]  # Léa's last mark MS, Zoé re-diagnosed TBM
        assert (distribution.unknown_before, distribution.unknown_after) == (0, 0)

    def test_a_first_diagnosis_taken_once_the_module_began_counts_as_before(self, world, measured):
        Campaign.objects.filter(name="Test de septembre").update(date=D(2026, 9, 15))
        distribution = group_distribution(measured.group)
        assert distribution.before == [1, 1, 0, 0]
        assert distribution.after == [0, 0, 1, 1]

    def test_an_end_of_period_re_diagnosis_is_never_before(self, world, measured):
        Campaign.objects.filter(name="Test de septembre").delete()
        Campaign.objects.filter(name="Re-diagnostic").update(kind=Campaign.Kind.PERIOD_REVIEW)
        distribution = group_distribution(measured.group)
        assert distribution.before == [0, 0, 0, 0]
        assert distribution.after == [0, 0, 1, 1]  # Léa's last mark MS, Zoé re-diagnosed TBM

    def test_members_without_a_measure_are_counted_apart(self, world, ap):
        distribution = group_distribution(ap.group)
        assert not distribution.has_data
        assert (distribution.unknown_before, distribution.unknown_after) == (2, 2)


def svg_of(body: str) -> ET.Element:
    start = body.index("<svg")
    return ET.fromstring(body[start : body.index("</svg>", start) + len("</svg>")])


class TestPages:
    def test_the_student_page_shows_the_graph_and_its_table(self, login, world, measured):
        body = (
            login(world.users["teacher"])
            .get(reverse("schools:student-detail", args=[world.student.pk]))
            .content.decode()
        )
        assert 'id="progres"' in body
        root = svg_of(body[body.index('id="progres"') :])
        assert root.get("role") == "img"
        assert "<details>" in body and "Test de septembre" in body

    def test_the_student_and_guardian_see_it_too_the_outsider_nothing(
        self, client, world, measured
    ):
        url = reverse("schools:student-detail", args=[world.student.pk])
        for name in ("student", "guardian"):
            client.force_login(world.users[name])
            assert 'id="progres"' in client.get(url).content.decode()
        client.force_login(world.users["outsider"])
        assert client.get(url).status_code == 404

    def test_the_graph_title_elides_before_a_vowel(self, login, world, measured):
        world.student.first_name = "Alexis"
        world.student.save()
        client = login(world.users["teacher"])
        client.cookies["django_language"] = "fr"
        body = client.get(
            reverse("schools:student-detail", args=[world.student.pk]), HTTP_ACCEPT_LANGUAGE="fr"
        ).content.decode()
        title = svg_of(body[body.index('id="progres"') :]).find("{http://www.w3.org/2000/svg}title")
        assert title.text == "Progrès d'Alexis au fil de l'année"

    def test_a_pupil_who_followed_no_module_has_no_graph(self, login, world, measured):
        body = (
            login(world.users["head"])
            .get(reverse("schools:student-detail", args=[world.student_elsewhere.pk]))
            .content.decode()
        )
        assert 'id="progres"' not in body

    def test_the_group_page_shows_before_and_after(self, client, world, measured):
        url = reverse("followup:group-sessions", args=[measured.group.pk])
        client.force_login(world.users["teacher"])
        body = client.get(url).content.decode()
        root = svg_of(body[body.index('id="progres"') :])
        assert root.find("{http://www.w3.org/2000/svg}title") is not None
        assert "<details>" in body
        client.force_login(world.users["outsider"])
        assert client.get(url).status_code == 404
        client.force_login(world.users["student"])
        assert client.get(url).status_code == 403


class TestQueryCounts:
    def test_the_selectors_queries_do_not_grow_with_members_and_marks(self, world, measured):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from appui.planning.models import Assignment
        from appui.schools.tests import factories as f

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                student_progress(world.student)
                group_distribution(measured.group)
            return len(queries)

        before = count()
        for session in measured.sessions[2:5]:
            ProgressMark.objects.create(
                session=session, student=world.student, author_kind="teacher", level=2
            )
        for _ in range(5):
            student = f.StudentFactory(division=world.division)
            Assignment.objects.create(group=measured.group, student=student)
            ProgressMark.objects.create(
                session=measured.sessions[0], student=student, author_kind="teacher", level=1
            )
        assert count() == before
