"""The pilotage (seed 001): the staff training plan with its indicator, the organigram with a
coordinator per level taken from the accounts' roles, and the meetings counted per instance."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext

from appui.core.indicators import Share
from appui.schools.models import Membership, Staff
from appui.schools.services import ChangedMeanwhile, row_version
from appui.schools.tests import factories as f
from appui.steering import dashboard, selectors, services
from appui.steering.models import Meeting, PilotageRole, TrainingAction

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)


def body(response):
    return response.content.decode()


@pytest.fixture
def teacher(world):
    return Staff.objects.get(user=world.users["teacher"])


@pytest.fixture
def training(world, teacher):
    return services.training_save(
        year=world.year,
        title="Évaluer par compétences",
        organiser=TrainingAction.Organiser.ACADEMY,
        date=datetime.date(2026, 12, 3),
        participants=[teacher],
    )


def scope(world):
    return selectors.Scope(school=world.school, year=world.year, today=TODAY)


class TestTrainingPlan:
    def test_a_planned_action_is_recorded_done_with_who_took_part(self, world, training, groups):
        other = f.StaffFactory(school=world.school)
        version = row_version(training)
        with pytest.raises(ValidationError):  # 3 December is still to come
            services.training_record_done(
                training=training, participants=[other], date=training.date, version=version
            )
        services.training_record_done(
            training=training,
            participants=[groups["teacher"], other],
            date=datetime.date(2026, 11, 20),
            hours=Decimal("6"),
            version=version,
        )
        training.refresh_from_db()
        assert training.status == TrainingAction.Status.DONE
        assert training.date == datetime.date(2026, 11, 20) and training.hours == 6
        assert set(training.participants.all()) == {groups["teacher"], other}

    def test_a_stale_form_changes_nothing(self, world, training):
        version = row_version(training)
        services.training_save(
            year=world.year,
            title="Renamed",
            date=training.date,
            training=training,
            version=version,
        )
        with pytest.raises(ChangedMeanwhile):
            services.training_save(
                year=world.year,
                title="Stale",
                date=training.date,
                training=TrainingAction.objects.get(pk=training.pk),
                version=version,
            )
        assert TrainingAction.objects.get(pk=training.pk).title == "Renamed"

    def test_participants_are_staff_of_the_school(self, world, training):
        foreign = f.StaffFactory(school=world.other_school)
        with pytest.raises(ValidationError):
            services.training_save(year=world.year, title="X", date=TODAY, participants=[foreign])

    def test_the_indicator_counts_ap_teachers_trained_in_a_done_action(
        self, world, training, groups
    ):
        # The AP teacher of the groups is registered, not trained yet.
        results = dashboard.compute(scope(world))
        assert dashboard.headline_shares(results)["training"] == Share(0, 1)
        services.training_record_done(
            training=training, participants=[groups["teacher"]], date=TODAY
        )
        results = dashboard.compute(scope(world))
        assert dashboard.headline_shares(results)["training"] == Share(1, 1)
        section = next(s for s in dashboard.school_sections(results) if s.key == "training")
        assert section.headline == "100,0 %"
        assert {row["what"]: row["count"] for row in section.rows}[gettext("Actions done")] == 1


class TestInstances:
    def test_meetings_are_counted_per_instance_on_the_dashboard(self, world, meeting):
        for kind, day in [("board", TODAY), ("council", TODAY), ("board", TODAY.replace(day=30))]:
            services.meeting_save(year=world.year, kind=kind, date=day, title=kind, agenda="-")
        results = dashboard.compute(scope(world))
        # The regulation meeting of the fixture, a board and a council held; a board to come.
        assert results.meetings == {"regulation": 1, "board": 1, "council": 1}
        assert dashboard.headline_shares(results)["instances"] == 3
        section = next(s for s in dashboard.school_sections(results) if s.key == "instances")
        rows = {row["instance"]: (row["held"], row["upcoming"]) for row in section.rows}
        assert rows[gettext("board of governors").capitalize()] == (1, 1)
        assert section.headline == "3"

    def test_the_meetings_page_groups_them_by_instance(self, world, meeting, login):
        services.meeting_save(
            year=world.year, kind=Meeting.Kind.BOARD, date=TODAY, title="CA", agenda="-"
        )
        page = body(login(world.users["teacher"]).get(reverse("steering:meetings")))
        assert page.index('data-instance="board"') < page.index('data-instance="regulation"')
        assert "Régulation P1" in page and "CA" in page

    def test_existing_kinds_keep_their_stored_values(self):
        values = Meeting.Kind.values
        assert {"council", "regulation", "team", "other"} <= set(values)


class TestLevelCoordinators:
    def test_the_organigram_shows_the_coordinators_from_the_accounts_roles(self, world, teacher):
        world.level.ap_hours = Decimal("90")
        world.level.save()
        chart = selectors.organigram(world.year, TODAY)
        # « coordinator » coordinates the whole school, « level_coordinator » level M only.
        coordinator = world.users["coordinator"].get_full_name()
        assert [c.name for c in chart.school_coordinators] == [coordinator]
        assert chart.levels_without_coordinator == [world.level]
        services.level_coordinator_add(level=world.level, staff=teacher)
        chart = selectors.organigram(world.year, TODAY)
        assert chart.levels_without_coordinator == []
        line = next(item for item in chart.levels if item.level == world.level)
        assert [c.staff_id for c in line.coordinators] == [teacher.pk]
        membership = Membership.objects.get(user=teacher.user, role=Membership.Role.COORDINATOR)
        assert list(membership.levels.all()) == [world.level]

    def test_removing_the_last_level_removes_the_role_rather_than_widening_it(self, world, teacher):
        services.level_coordinator_add(level=world.level, staff=teacher)
        services.level_coordinator_add(level=world.other_level, staff=teacher)
        services.level_coordinator_remove(level=world.level, staff=teacher)
        membership = Membership.objects.get(user=teacher.user, role=Membership.Role.COORDINATOR)
        assert list(membership.levels.all()) == [world.other_level]
        services.level_coordinator_remove(level=world.other_level, staff=teacher)
        assert not Membership.objects.filter(
            user=teacher.user, role=Membership.Role.COORDINATOR
        ).exists()

    def test_a_whole_school_coordinator_is_not_narrowed_to_one_level(self, world, planning):
        anne = Staff.objects.get(user=world.users["coordinator"])
        with pytest.raises(ValidationError):
            services.level_coordinator_add(level=world.level, staff=anne)
        membership = Membership.objects.get(user=anne.user, role=Membership.Role.COORDINATOR)
        assert not membership.levels.exists()


class TestOrganigram:
    def test_roles_name_staff_or_outsiders(self, world, teacher):
        services.pilotage_role_save(year=world.year, kind=PilotageRole.Kind.DDFPT, staff=teacher)
        services.pilotage_role_save(
            year=world.year, kind=PilotageRole.Kind.ORIENTATION, name="Mme Psy", title="CIO"
        )
        with pytest.raises(ValidationError):
            services.pilotage_role_save(year=world.year, kind=PilotageRole.Kind.DIGITAL)
        with pytest.raises(ValidationError):
            services.pilotage_role_save(
                year=world.year, kind=PilotageRole.Kind.DIGITAL, staff=teacher, name="Both"
            )
        chart = selectors.organigram(world.year, TODAY)
        assert [r.kind for r in chart.management] == ["ddfpt"]
        assert [(label, [r.name for r in roles]) for label, roles in chart.referents] == [
            (gettext("orientation referent (Psy-EN)"), ["Mme Psy"])
        ]

    def test_a_role_edited_meanwhile_is_not_overwritten(self, world, teacher):
        role = services.pilotage_role_save(year=world.year, kind="head", name="M. Chef")
        version = row_version(role)
        services.pilotage_role_save(
            year=world.year, kind="head", name="Mme Cheffe", role=role, version=version
        )
        with pytest.raises(ChangedMeanwhile):
            services.pilotage_role_save(
                year=world.year,
                kind="head",
                name="Stale",
                role=PilotageRole.objects.get(pk=role.pk),
                version=version,
            )

    def test_the_page_lists_roles_levels_and_instances(self, world, meeting, teacher, login):
        services.pilotage_role_save(year=world.year, kind="inclusion", staff=teacher)
        page = body(login(world.users["teacher"]).get(reverse("steering:organigram")))
        assert str(teacher) in page and world.other_level.name in page
        # The coordinator of level M, named by their account (they have no staff record).
        assert world.users["level_coordinator"].get_full_name() in page
        assert "edit-organigram" not in page  # teachers read only


SCHOOL_VIEWS = [
    # (url name, method, allowed, refused)
    ("steering:trainings", "get", "teacher", "student"),
    ("steering:training-create", "get", "level_coordinator", "teacher"),
    ("steering:organigram", "get", "teacher", "guardian"),
    ("steering:organigram-edit", "get", "coordinator", "level_coordinator"),
    ("steering:level-coordinator-add", "post", "head", "coordinator"),
    ("steering:level-coordinator-remove", "post", "head", "coordinator"),
]
# Without a level and a person, removing a coordinator finds nobody to remove.
NEEDS_DATA = {"steering:level-coordinator-remove"}


class TestAccess:
    @pytest.mark.parametrize("name, method, _allowed, _refused", SCHOOL_VIEWS)
    def test_anonymous_users_go_to_the_login_page(
        self, client, world, name, method, _allowed, _refused
    ):
        response = getattr(client, method)(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    @pytest.mark.parametrize("name, method, allowed, refused", SCHOOL_VIEWS)
    def test_wrong_roles_are_refused(self, world, login, name, method, allowed, refused):
        assert getattr(login(world.users[refused]), method)(reverse(name)).status_code == 403

    @pytest.mark.parametrize("name, method, allowed, refused", SCHOOL_VIEWS)
    def test_the_right_roles_get_in(self, world, login, name, method, allowed, refused):
        expected = (404,) if name in NEEDS_DATA else (200, 302)
        response = getattr(login(world.users[allowed]), method)(reverse(name))
        assert response.status_code in expected

    def test_the_head_removes_a_level_coordinator(self, world, teacher, login):
        services.level_coordinator_add(level=world.level, staff=teacher)
        data = {"level": world.level.pk, "staff": teacher.pk}
        url = reverse("steering:level-coordinator-remove")
        assert login(world.users["coordinator"]).post(url, data).status_code == 403
        assert login(world.users["head"]).post(url, data).status_code == 302
        assert not Membership.objects.filter(user=teacher.user, role="coordinator").exists()

    @pytest.mark.parametrize(
        "name, method",
        [
            ("steering:training-edit", "get"),
            ("steering:training-done", "get"),
            ("steering:training-delete", "post"),
        ],
    )
    def test_training_pages_answer_404_to_outsiders_and_403_to_teachers(
        self, world, training, outsider_head, login, name, method
    ):
        url = reverse(name, args=[training.pk])
        assert getattr(login(outsider_head), method)(url).status_code == 404
        assert getattr(login(world.users["teacher"]), method)(url).status_code == 403
        assert TrainingAction.objects.filter(pk=training.pk).exists()

    def test_role_pages_answer_404_to_outsiders_and_403_to_level_coordinators(
        self, world, outsider_head, login
    ):
        role = services.pilotage_role_save(year=world.year, kind="head", name="M. Chef")
        for name, method in [
            ("steering:pilotage-role-edit", "get"),
            ("steering:pilotage-role-delete", "post"),
        ]:
            url = reverse(name, args=[role.pk])
            assert getattr(login(outsider_head), method)(url).status_code == 404
            client = login(world.users["level_coordinator"])
            assert getattr(client, method)(url).status_code == 403
        assert PilotageRole.objects.filter(pk=role.pk).exists()

    def test_the_head_cannot_name_staff_of_another_school(self, world, login):
        foreign = f.StaffFactory(school=world.other_school)
        response = login(world.users["head"]).post(
            reverse("steering:level-coordinator-add"),
            {"level": world.level.pk, "staff": foreign.pk},
        )
        assert response.status_code == 302
        assert not Membership.objects.filter(user=foreign.user).exists()


class TestForms:
    def test_a_coordinator_plans_edits_and_records_a_training(self, world, teacher, login):
        client = login(world.users["coordinator"])
        response = client.post(
            reverse("steering:training-create"),
            {
                "title": "Différenciation",
                "organiser": "school",
                "date": "2026-11-10",
                "status": "planned",
                "participants": [teacher.pk],
            },
        )
        assert response.status_code == 302
        training = TrainingAction.objects.get()
        form = client.get(reverse("steering:training-done", args=[training.pk]))
        assert 'name="version"' in body(form)
        response = client.post(
            reverse("steering:training-done", args=[training.pk]),
            {"date": "2026-11-10", "participants": [teacher.pk], "version": row_version(training)},
        )
        assert response.status_code == 302
        assert TrainingAction.objects.get().status == "done"
        page = body(client.get(reverse("steering:trainings")))
        planned, done = page.split('id="trainings-done"')
        assert "Différenciation" in done and "Différenciation" not in planned

    def test_a_stale_edit_shows_the_conflict_and_keeps_the_text(self, world, training, login):
        client = login(world.users["coordinator"])
        stale = row_version(training)
        services.training_save(
            year=world.year, title="Changed", date=training.date, training=training, version=stale
        )
        response = client.post(
            reverse("steering:training-edit", args=[training.pk]),
            {
                "title": "Mine",
                "organiser": "school",
                "date": "2026-12-03",
                "status": "planned",
                "version": stale,
            },
        )
        assert response.status_code == 200
        assert "Mine" in body(response)
        assert TrainingAction.objects.get(pk=training.pk).title == "Changed"


class TestDemo:
    def test_the_demo_has_trainings_an_organigram_and_every_instance(self, world, groups):
        import random

        from appui.steering.demo import extend_demo

        teachers = [f.StaffFactory(school=world.school) for _n in range(6)]
        for teacher in teachers:
            teacher.user.set_unusable_password()
            teacher.user.save()
        extend_demo(world.school, random.Random(5))
        trainings = TrainingAction.objects.filter(year=world.year)
        done = trainings.filter(status="done")
        assert done.count() == 2 and trainings.filter(status="planned").count() == 1
        assert all(t.participants.exists() for t in trainings)
        assert set(Meeting.Kind.values) - {"other"} <= set(
            Meeting.objects.filter(year=world.year).values_list("kind", flat=True)
        )
        chart = selectors.organigram(world.year, TODAY)
        assert all(item.coordinators for item in chart.levels)
        assert chart.referents
        # The AP teacher of the groups took part in the trainings done: the indicator shows it.
        results = dashboard.compute(scope(world))
        assert dashboard.headline_shares(results)["training"] == Share(1, 1)
