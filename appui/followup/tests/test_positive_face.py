"""The positive face of the student page (issue 18, item 3): pupils and families see strengths,
progress and the current module's goal first, then what the pupil works on in plain words;
staff keep the detailed need profile."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from appui.diagnostics import services as diagnostics
from appui.diagnostics.models import Campaign, Competency, Result
from appui.followup.models import ProgressMark
from appui.followup.selectors.positive import current_goals, family_summary
from appui.planning.models import Assignment, Group, Module, Plan

SEPT = datetime.date(2026, 9, 10)
NOV = datetime.date(2026, 11, 9)


@pytest.fixture
def record(world, ap):
    """Léa: MI in reading in September, MS in November (progress); TBM in writing; MF in
    calculation (a need); a teacher's mark MS in the reading module; a published group of
    period 2 running today on calculation."""
    framework = ap.module.competency.framework
    codes = {c.code: c for c in Competency.objects.filter(framework=framework)}

    def campaign(day, name, kind):
        found = Campaign.objects.create(
            year=world.year,
            level=world.level,
            period=ap.period if day < ap.period2.start_date else ap.period2,
            kind=kind,
            name=name,
            date=day,
            framework=framework,
        )
        found.competencies.set([codes["FR.LEC"], codes["FR.ECR"], codes["MA.CAL"]])
        return found

    september = campaign(SEPT, "Bilan de rentrée", Campaign.Kind.SEPTEMBER_REVIEW)
    november = campaign(NOV, "Re-diagnostic", Campaign.Kind.PERIOD_REVIEW)
    for found, code, value in [
        (september, "FR.LEC", 1),
        (september, "FR.ECR", 4),
        (september, "MA.CAL", 1),
        (november, "FR.LEC", 3),
        (november, "MA.CAL", 1),
    ]:
        Result.objects.create(
            campaign=found, student=world.student, competency=codes[code], value=value
        )
    ProgressMark.objects.create(
        session=ap.sessions[2],
        student=world.student,
        author_kind=ProgressMark.AuthorKind.TEACHER,
        level=3,
    )
    module = Module.objects.create(
        school=world.school,
        code="CAL-S",
        title="Calculer sans peur",
        objective="Poser et vérifier une proportionnalité",
        competency=codes["MA.CAL"],
        kind=Module.Kind.SUPPORT,
        sessions=4,
        min_size=1,
        max_size=12,
    )
    plan = Plan.objects.create(
        level=world.level,
        period=ap.period2,
        status=Plan.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    group = Group.objects.create(plan=plan, slot=ap.slot, module=module, room=ap.room)
    Assignment.objects.create(
        group=group,
        student=world.student,
        explanation="Le mardi, parce que ton besoin le plus fort porte sur le calcul (niveau 3).",
    )
    diagnostics.profile_recompute(student=world.student)
    return world.student


def page(client, student):
    return client.get(reverse("schools:student-detail", args=[student.pk])).content.decode()


class TestSelector:
    def test_it_leads_with_strengths_progress_and_the_running_module(self, record):
        summary = family_summary(record)
        assert [s.competency for s in summary.strengths] == ["FR.ECR", "FR.LEC"]
        assert [(p.competency, p.steps) for p in summary.progress] == [("FR.LEC", 2)]
        assert [g.title for g in summary.goals] == ["Calculer sans peur"]
        assert [(w.competency, w.in_module) for w in summary.working_on][0] == ("MA.CAL", True)

    def test_what_the_pupil_works_on_keeps_the_profile_order_without_levels(self, record):
        items = family_summary(record).working_on
        # MA.CAL stays MI (need 3); FR.LEC went MI → MS, consolidated once (rule R2); FR.ECR
        # is TBM, to deepen.
        assert [(w.competency, w.aim) for w in items] == [
            ("MA.CAL", "consolider les bases"),
            ("FR.LEC", "consolider ses acquis"),
            ("FR.ECR", "aller plus loin"),
        ]
        assert not any(ch.isdigit() for w in items for ch in w.text)

    def test_the_next_then_the_last_module_is_the_goal_when_none_runs_today(self, record, ap):
        def goals(day):
            return [(g.title, g.timing.value) for g in current_goals(record, day)]

        assert goals(ap.period2.start_date) == [("Calculer sans peur", "current")]
        assert goals(datetime.date(2026, 8, 20)) == [("Lire pour comprendre", "next")]
        assert goals(datetime.date(2026, 10, 25)) == [("Calculer sans peur", "next")]
        assert goals(datetime.date(2027, 1, 10)) == [("Calculer sans peur", "last")]


class TestStudentPage:
    def test_the_pupil_sees_strengths_before_identity_and_no_need_level(self, record, login):
        html = page(login(record.user), record)
        assert 'id="points-forts"' in html
        assert html.index('id="points-forts"') < html.index('id="identity-title"')
        assert html.index('data-part="strengths"') < html.index('data-part="working-on"')
        assert "Poser et vérifier une proportionnalité" in html
        assert "consolider les bases" in html
        assert "besoin fort" not in html
        assert "niveau 3" not in html  # the grouping explanation stays with the staff
        assert "need-pill" not in html

    def test_a_guardian_sees_the_same_summary(self, record, world, login):
        html = page(login(world.users["guardian"]), record)
        assert html.index('id="points-forts"') < html.index('id="identity-title"')
        assert "besoin fort" not in html
        assert "niveau 3" not in html

    def test_staff_keep_the_detailed_view(self, record, world, login):
        client = login(world.users["teacher"])
        html = page(client, record)
        assert 'id="points-forts"' not in html
        assert "niveau 3" in html
        profile = client.get(reverse("diagnostics:student-profile", args=[record.pk]))
        assert "need-pill need-3" in profile.content.decode()

    def test_the_pupil_diagnosis_page_shows_strengths_not_ranked_needs(self, record, login):
        response = login(record.user).get(reverse("diagnostics:student-profile", args=[record.pk]))
        html = response.content.decode()
        assert response.status_code == 200
        assert 'data-part="strengths"' in html
        assert "need-pill" not in html
        assert "besoin fort" not in html

    def test_home_shows_the_summary_to_the_pupil_and_the_guardian(self, record, world, login):
        for user in (record.user, world.users["guardian"]):
            html = login(user).get(reverse("home")).content.decode()
            assert 'data-part="strengths"' in html
        html = login(world.users["teacher"]).get(reverse("home")).content.decode()
        assert 'data-part="strengths"' not in html
