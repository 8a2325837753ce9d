"""Pupils' wishes: the window, the pupil's ranking, the coordinator's entry table, access,
conflicts, and what the solver makes of them."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from appui.planning import grouping, services, wishes
from appui.planning.models import Assignment, Module, Plan, Wish, WishWindow

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TODAY = datetime.date(2026, 9, 10)  # a Thursday of period 1


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(datetime.datetime.combine(TODAY, datetime.time(10), PARIS), tick=True)
    return time_machine


@pytest.fixture
def modules(world, planning):
    """The fixture's two modules, a third one the slots' staff can run, and an inactive one."""
    lec, cal = planning["modules"]
    geo = Module.objects.create(
        school=world.school,
        code="GEO-S",
        title="Mesurer et tracer",
        objective="Lire un plan",
        competency=cal.competency,
        kind="soutien",
        min_size=1,
        max_size=10,
    )
    geo.staff.set([planning["teacher"]])
    retired = Module.objects.create(
        school=world.school,
        code="OLD",
        title="Ancien module",
        objective="Plus proposé",
        competency=cal.competency,
        kind="soutien",
        active=False,
    )
    retired.staff.set([planning["teacher"]])
    return {"LEC-S": lec, "CAL-S": cal, "GEO-S": geo, "OLD": retired}


@pytest.fixture
def window(world, planning, modules):
    window = WishWindow.objects.create(
        level=world.level,
        period=planning["period"],
        opens_on=datetime.date(2026, 9, 7),
        closes_on=datetime.date(2026, 9, 18),
        max_wishes=3,
    )
    window.modules.set([modules["LEC-S"], modules["CAL-S"], modules["GEO-S"]])
    return window


def window_url(name, world, planning, *extra):
    return reverse(f"planning:{name}", args=[world.level.pk, planning["period"].pk, *extra])


def ranking(window, *codes):
    """POST data of the pupil's form for a window."""
    data = {"window": window.pk, "version": ""}
    for rank, module in enumerate(codes, start=1):
        data[f"wish_{rank}"] = module.pk if module else ""
    return data


class TestWindow:
    def test_a_new_window_offers_the_active_modules_the_slots_staff_can_run(
        self, world, planning, modules
    ):
        unstaffed = Module.objects.create(
            school=world.school,
            code="NOBODY",
            title="Sans intervenant",
            objective="x",
            competency=modules["CAL-S"].competency,
            kind="soutien",
        )
        offered = set(wishes.default_modules(world.level, planning["period"]))
        assert offered == {modules["LEC-S"], modules["CAL-S"], modules["GEO-S"]}
        assert unstaffed not in offered and modules["OLD"] not in offered

    def test_the_coordinator_opens_a_window(self, world, planning, modules, login):
        client = login(world.users["coordinator"])
        url = window_url("wish-window", world, planning)
        page = client.get(url).content.decode()
        assert "Ouvrir la fenêtre" in page
        response = client.post(
            url,
            {
                "opens_on": "2026-09-10",
                "closes_on": "2026-09-20",
                "max_wishes": 2,
                "modules": [modules["LEC-S"].pk, modules["GEO-S"].pk],
                "version": "",
            },
        )
        assert response.status_code == 302
        window = WishWindow.objects.get(level=world.level, period=planning["period"])
        assert window.max_wishes == 2
        assert set(window.modules.all()) == {modules["LEC-S"], modules["GEO-S"]}
        assert wishes.window_state(window) == wishes.OPEN

    def test_a_window_closing_before_it_opens_is_refused_in_french(
        self, world, planning, modules, login
    ):
        response = login(world.users["coordinator"]).post(
            window_url("wish-window", world, planning),
            {
                "opens_on": "2026-09-20",
                "closes_on": "2026-09-10",
                "max_wishes": 1,
                "modules": [modules["LEC-S"].pk],
            },
        )
        assert response.status_code == 200
        assert "La fenêtre doit se fermer le jour de son ouverture ou après." in (
            response.content.decode()
        )
        assert not WishWindow.objects.exists()

    def test_fewer_modules_than_wishes_asked_is_refused(self, world, planning, modules, login):
        response = login(world.users["coordinator"]).post(
            window_url("wish-window", world, planning),
            {
                "opens_on": "2026-09-10",
                "closes_on": "2026-09-20",
                "max_wishes": 3,
                "modules": [modules["LEC-S"].pk, modules["CAL-S"].pk],
            },
        )
        assert response.status_code == 200
        assert "Proposez au moins autant de modules que de vœux demandés" in (
            response.content.decode()
        )
        assert not WishWindow.objects.exists()

    def test_a_stale_window_form_changes_nothing(self, world, planning, modules, window, login):
        stale = wishes.window_version(window)
        wishes.window_save(
            level=world.level,
            period=planning["period"],
            opens_on=window.opens_on,
            closes_on=datetime.date(2026, 9, 25),
            modules=window.modules.all(),
            max_wishes=3,
            user=world.users["head"],
            version=stale,
        )
        client = login(world.users["coordinator"])
        response = client.post(
            window_url("wish-window", world, planning),
            {
                "opens_on": "2026-09-07",
                "closes_on": "2026-09-12",
                "max_wishes": 3,
                "modules": [m.pk for m in window.modules.all()],
                "version": stale,
            },
            follow=True,
        )
        assert "a modifié ceci après" in response.content.decode()
        window.refresh_from_db()
        assert window.closes_on == datetime.date(2026, 9, 25)

    def test_withdrawing_a_module_drops_its_wishes_and_moves_the_others_up(
        self, world, planning, modules, window
    ):
        wishes.wishes_save(
            window=window,
            student=world.student,
            modules=[modules["CAL-S"], modules["LEC-S"], modules["GEO-S"]],
            user=world.users["student"],
            version="",
            by_coordinator=False,
        )
        _window, removed = wishes.window_save(
            level=world.level,
            period=planning["period"],
            opens_on=window.opens_on,
            closes_on=window.closes_on,
            modules=[modules["LEC-S"], modules["GEO-S"]],
            max_wishes=2,
            user=world.users["coordinator"],
            version=wishes.window_version(window),
        )
        assert removed == 1
        kept = Wish.objects.filter(student=world.student).order_by("rank")
        assert [(w.rank, w.module.code) for w in kept] == [(1, "LEC-S"), (2, "GEO-S")]
        assert kept[0].entered_by == world.users["student"]

    def test_closing_early_turns_the_pupils_page_read_only(
        self, world, planning, modules, window, login
    ):
        response = login(world.users["coordinator"]).post(window_url("wish-close", world, planning))
        assert response.status_code == 302
        window.refresh_from_db()
        assert window.closes_on == TODAY - datetime.timedelta(days=1)
        assert wishes.window_state(window) == wishes.CLOSED
        client = login(world.users["student"])
        page = client.get(reverse("planning:wish-mine")).content.decode()
        assert "Enregistrer mes vœux" not in page
        assert "Aucun vœu enregistré." in page
        client.post(reverse("planning:wish-mine"), ranking(window, modules["LEC-S"]))
        assert not Wish.objects.exists()

    def test_the_window_is_open_on_its_first_and_last_day_in_paris(self, window, clock):
        clock.move_to(datetime.datetime(2026, 9, 6, 23, 30, tzinfo=PARIS))
        assert wishes.window_state(window) == wishes.UPCOMING
        # 23:30 in Paris on the last day is already the next day in UTC.
        clock.move_to(datetime.datetime(2026, 9, 18, 23, 30, tzinfo=PARIS))
        assert wishes.window_state(window) == wishes.OPEN
        clock.move_to(datetime.datetime(2026, 9, 19, 0, 30, tzinfo=PARIS))
        assert wishes.window_state(window) == wishes.CLOSED


class TestAccess:
    def test_anonymous_users_are_sent_to_log_in(self, client, world, planning):
        response = client.get(window_url("wish-window", world, planning))
        assert response.status_code == 302 and "connexion" in response["Location"]

    def test_teachers_students_and_guardians_cannot_open_windows(
        self, world, planning, modules, login
    ):
        for name in ("teacher", "student", "guardian", "academy"):
            client = login(world.users[name])
            assert client.get(reverse("planning:wish-index")).status_code == 403
            assert client.get(window_url("wish-window", world, planning)).status_code == 403
            data = {"opens_on": "2026-09-10", "closes_on": "2026-09-20", "max_wishes": 1}
            client.post(window_url("wish-window", world, planning), data)
        assert not WishWindow.objects.exists()

    def test_a_coordinator_of_another_level_is_refused(self, world, planning, window, login):
        client = login(world.users["level_coordinator"])
        assert client.get(window_url("wish-window", world, planning)).status_code == 403
        assert client.get(window_url("wish-entry", world, planning)).status_code == 403

    def test_an_outsider_does_not_learn_the_level_exists(self, world, planning, window, login):
        client = login(world.users["outsider"])
        assert client.get(window_url("wish-window", world, planning)).status_code == 404

    def test_a_pupil_cannot_enter_another_pupils_wishes(
        self, world, planning, modules, window, login
    ):
        client = login(world.users["student"])
        url = window_url("wish-entry-row", world, planning, world.classmate.pk)
        response = client.post(url, {"wish_1": modules["LEC-S"].pk, "version": ""})
        assert response.status_code == 403
        # The pupil's own page saves the logged-in pupil's wishes only.
        client.post(reverse("planning:wish-mine"), ranking(window, modules["GEO-S"]))
        assert list(Wish.objects.values_list("student_id", flat=True)) == [world.student.pk]

    def test_a_guardian_reads_the_childs_wishes_but_has_no_wish_page(
        self, world, planning, modules, window, login
    ):
        wishes.wishes_save(
            window=window,
            student=world.student,
            modules=[modules["GEO-S"]],
            user=world.users["student"],
            version="",
            by_coordinator=False,
        )
        client = login(world.users["guardian"])
        assert client.get(reverse("planning:wish-mine")).status_code == 403
        page = client.get(reverse("schools:student-detail", args=[world.student.pk]))
        assert "Vœux d'AP" in page.content.decode()
        assert "Mesurer et tracer" in page.content.decode()


class TestPupil:
    def test_the_pupil_sees_the_offered_modules_and_ranks_them(
        self, world, planning, modules, window, login
    ):
        client = login(world.users["student"])
        home = client.get(reverse("home")).content.decode()
        assert "choisis tes modules avant le vendredi 18 septembre au soir" in home
        page = client.get(reverse("planning:wish-mine")).content.decode()
        assert "Mesurer et tracer" in page and "Lire un plan" in page
        assert "Ancien module" not in page
        response = client.post(
            reverse("planning:wish-mine"),
            ranking(window, modules["GEO-S"], modules["LEC-S"]),
        )
        assert response.status_code == 302
        recorded = Wish.objects.filter(student=world.student).order_by("rank")
        assert [w.module.code for w in recorded] == ["GEO-S", "LEC-S"]
        assert recorded[0].entered_by == world.users["student"]
        home = client.get(reverse("home")).content.decode()
        assert "tes vœux sont enregistrés" in home

    @pytest.mark.parametrize(
        ("choice", "message"),
        [
            (("GEO-S", "GEO-S"), "Le même module est choisi deux fois"),
            ((None, "GEO-S"), "Le vœu 1 doit être choisi avant le vœu 2."),
            ((None,), "Choisis au moins un module."),
            (("OLD",), "Sélectionnez un choix valide."),
        ],
    )
    def test_a_ranking_is_checked_in_french(
        self, world, planning, modules, window, login, choice, message
    ):
        chosen = [modules[c] if c else None for c in choice]
        response = login(world.users["student"]).post(
            reverse("planning:wish-mine"), ranking(window, *chosen)
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Wish.objects.exists()

    def test_a_window_not_yet_open_is_not_shown(self, world, planning, modules, window, login):
        window.opens_on = datetime.date(2026, 9, 14)
        window.save()
        client = login(world.users["student"])
        assert "Mesurer et tracer" not in client.get(reverse("planning:wish-mine")).content.decode()
        client.post(reverse("planning:wish-mine"), ranking(window, modules["LEC-S"]))
        assert not Wish.objects.exists()

    def test_a_pupil_of_another_level_sees_no_window(self, world, planning, window):
        assert wishes.student_windows(world.student_elsewhere) == []
        with pytest.raises(ValidationError):
            wishes.wishes_save(
                window=window,
                student=world.student_elsewhere,
                modules=[],
                user=None,
                version="",
                by_coordinator=True,
            )


class TestEntry:
    def test_the_coordinator_follows_answers_by_division(
        self, world, planning, modules, window, login
    ):
        wishes.wishes_save(
            window=window,
            student=world.student,
            modules=[modules["LEC-S"]],
            user=None,
            version="",
            by_coordinator=True,
        )
        page = (
            login(world.users["coordinator"])
            .get(window_url("wish-window", world, planning))
            .content.decode()
        )
        assert "1 / 2" in page
        assert "HÉLÈNE Zoé" in page  # the classmate, without wishes
        assert "MARTIN Léa" not in page

    def test_the_coordinator_enters_a_pupils_wishes_row_by_row(
        self, world, planning, modules, window, login
    ):
        client = login(world.users["coordinator"])
        table = client.get(window_url("wish-entry", world, planning)).content.decode()
        assert f'id="voeux-{world.classmate.pk}"' in table
        url = window_url("wish-entry-row", world, planning, world.classmate.pk)
        response = client.post(
            url,
            {"wish_1": modules["CAL-S"].pk, "wish_2": modules["LEC-S"].pk, "version": ""},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert "Enregistré." in response.content.decode()
        assert [w.module.code for w in Wish.objects.filter(student=world.classmate)] == [
            "CAL-S",
            "LEC-S",
        ]
        assert Wish.objects.get(rank=1).entered_by == world.users["coordinator"]

    def test_the_entry_table_shows_a_page_of_pupils_at_a_time(
        self, world, planning, modules, window, login, monkeypatch
    ):
        from appui.planning import views_wishes
        from appui.schools.tests import factories as f

        monkeypatch.setattr(views_wishes, "ENTRY_ROWS", 2)
        extra = [f.StudentFactory(division=world.division, last_name=f"Zz{n}") for n in range(3)]
        wishes.wishes_save(
            window=window,
            student=extra[-1],
            modules=[modules["GEO-S"]],
            user=None,
            version="",
            by_coordinator=True,
        )
        client = login(world.users["coordinator"])
        url = window_url("wish-entry", world, planning)
        pupils = [p.pk for p in wishes.window_pupils(window)]
        first = client.get(url).content.decode()
        assert first.count('<tr id="voeux-') == 2
        assert "page=2" in first
        last_page = (len(pupils) + 1) // 2
        last = client.get(f"{url}?page={last_page}").content.decode()
        assert f'id="voeux-{pupils[-1]}"' in last
        assert f'id="voeux-{pupils[0]}"' not in last
        # The last pupil's recorded wish is the selected option of their first select.
        assert f'<option value="{modules["GEO-S"].pk}" selected>' in last
        # Saved without htmx: back to the page that shows the pupil's row.
        response = client.post(
            window_url("wish-entry-row", world, planning, pupils[-1]),
            {"wish_1": modules["CAL-S"].pk, "version": ""},
        )
        assert response.status_code == 302
        assert response["Location"].endswith(f"?page={last_page}#voeux-{pupils[-1]}")

    def test_two_coordinators_do_not_overwrite_each_other(
        self, world, planning, modules, window, login
    ):
        url = window_url("wish-entry-row", world, planning, world.classmate.pk)
        first = login(world.users["head"])
        first.post(url, {"wish_1": modules["CAL-S"].pk, "version": ""}, HTTP_HX_REQUEST="true")
        second = login(world.users["coordinator"])
        response = second.post(
            url, {"wish_1": modules["GEO-S"].pk, "version": ""}, HTTP_HX_REQUEST="true"
        )
        body = response.content.decode()
        assert "a modifié ceci après" in body
        # The row now shows what the other coordinator recorded, with its version.
        assert f'value="{modules["CAL-S"].pk}" selected' in body
        assert [w.module.code for w in Wish.objects.filter(student=world.classmate)] == ["CAL-S"]

    def test_the_coordinator_corrects_wishes_after_the_window_closed(
        self, world, planning, modules, window
    ):
        window.closes_on = datetime.date(2026, 9, 8)
        window.save()
        with pytest.raises(ValidationError):
            wishes.wishes_save(
                window=window,
                student=world.student,
                modules=[modules["LEC-S"]],
                user=world.users["student"],
                version="",
                by_coordinator=False,
            )
        wishes.wishes_save(
            window=window,
            student=world.student,
            modules=[modules["LEC-S"]],
            user=world.users["coordinator"],
            version="",
            by_coordinator=True,
        )
        assert Wish.objects.filter(student=world.student).count() == 1

    def test_a_pupil_of_another_level_has_no_row(self, world, planning, window, login):
        url = window_url("wish-entry-row", world, planning, world.student_elsewhere.pk)
        assert login(world.users["coordinator"]).post(url, {"version": ""}).status_code == 404


class TestSolver:
    def test_build_instance_carries_the_wishes_of_active_modules_in_rank_order(
        self, world, planning, modules, window
    ):
        wishes.wishes_save(
            window=window,
            student=world.student,
            modules=[modules["GEO-S"], modules["LEC-S"]],
            user=None,
            version="",
            by_coordinator=True,
        )
        # A module withdrawn from the catalogue after the pupil chose it is not wished.
        Wish.objects.create(window=window, student=world.classmate, module=modules["OLD"], rank=1)
        plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
        students = {s.id: s for s in grouping.build_instance(plan).students}
        assert students[str(world.student.pk)].wishes == ("GEO-S", "LEC-S")
        assert students[str(world.classmate.pk)].wishes == ()

    def test_a_solve_honours_the_wishes(self, world, planning, modules, window, login):
        from appui.core.grouping.solver import solve

        # One slot: each pupil follows one module of three; with no need profile, only the
        # wishes tell them apart.
        planning["slots"][1].delete()
        for student, module in ((world.student, "GEO-S"), (world.classmate, "CAL-S")):
            wishes.wishes_save(
                window=window,
                student=student,
                modules=[modules[module]],
                user=None,
                version="",
                by_coordinator=True,
            )
        plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
        grouping.store_solution(plan, solve(grouping.build_instance(plan), time_limit=5, seed=1))
        plan.refresh_from_db()
        assert plan.status == Plan.Status.PROPOSED
        attended = {
            (a.student_id, a.group.module.code)
            for a in Assignment.objects.filter(group__plan=plan).select_related("group__module")
        }
        assert attended == {(world.student.pk, "GEO-S"), (world.classmate.pk, "CAL-S")}
        assert plan.metrics["wishes_honoured"] == 1.0
        served = wishes.wishes_served(window)
        assert served is not None and served.wishers == 2
        assert served.counts == [(1, 2), (2, 0), (3, 0), (None, 0)]
        page = (
            login(world.users["coordinator"])
            .get(window_url("wish-window", world, planning))
            .content.decode()
        )
        assert "Ce que les groupes ont fait des vœux" in page and "100 %" in page

    def test_without_wishes_the_plan_reports_no_wish_figure(self, world, planning, modules):
        from appui.core.grouping.solver import solve

        plan = services.plan_for_editing(level=world.level, period=planning["period"], user=None)
        grouping.store_solution(plan, solve(grouping.build_instance(plan), time_limit=5, seed=1))
        plan.refresh_from_db()
        assert plan.metrics.get("wishes_honoured") is None


class TestQueries:
    def test_the_pages_query_count_does_not_grow_with_the_pupils(
        self, world, planning, modules, window, login
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from appui.schools.tests import factories as f

        client = login(world.users["coordinator"])
        urls = [
            window_url("wish-window", world, planning),
            window_url("wish-entry", world, planning),
        ]

        def counts():
            result = []
            for url in urls:
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(url).status_code == 200
                result.append(len(queries))
            return result

        before = counts()
        for n in range(6):
            pupil = f.StudentFactory(division=world.division, last_name=f"Nouveau{n}")
            wishes.wishes_save(
                window=window,
                student=pupil,
                modules=[modules["LEC-S"], modules["GEO-S"]],
                user=None,
                version="",
                by_coordinator=True,
            )
        assert counts() == before
