"""The board of a plan: one board per slot (and round), moves and locks through htmx with the
plan's revision, a pupil's panel on demand, and who may use it."""

import datetime
import re

import pytest
from django.urls import reverse

from appui.planning import grouping, services
from appui.planning.models import Assignment, Group, Plan, Round
from appui.schools.models import Staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(world, planning):
    """A proposed plan made by hand. Slot 1: LEC-S holds the student, CAL-S the classmate.
    Slot 2: LEC-S holds both, CAL-S is empty (a broken size rule)."""
    plan = Plan.objects.create(
        level=world.level, period=planning["period"], status=Plan.Status.PROPOSED, revision=3
    )
    lec, cal = planning["modules"]
    other = Staff.objects.get(user=world.users["coordinator"])
    room_a, room_b = planning["rooms"]
    groups = {}
    for index, slot in enumerate(planning["slots"], start=1):
        for module, room in ((lec, room_a), (cal, room_b)):
            group = Group.objects.create(plan=plan, slot=slot, module=module, room=room)
            group.staff.set([planning["teacher"] if module == lec else other])
            groups[index, module.code] = group
    for student, key in (
        (world.student, (1, "LEC-S")),
        (world.classmate, (1, "CAL-S")),
        (world.student, (2, "LEC-S")),
        (world.classmate, (2, "LEC-S")),
    ):
        Assignment.objects.create(group=groups[key], student=student, explanation="Ancienne.")
    return plan, groups


def move_url(plan):
    return reverse("planning:plan-board-move", args=[plan.pk])


def lock_url(plan):
    return reverse("planning:plan-board-lock", args=[plan.pk])


def status_of(response) -> str:
    found = re.search(r'id="board-status"[^>]*>(.*?)</p>', response.content.decode(), re.S)
    return re.sub(r"<[^>]+>", "", found[1]) if found else ""


class TestPage:
    def test_the_plan_page_shows_a_board_of_chips_not_a_form_per_pupil(self, world, board, login):
        plan, groups = board
        Assignment.objects.filter(group__plan=plan).update(explanation="Parce que TEXTE-LONG.")
        client = login(world.users["coordinator"])
        html = client.get(reverse("planning:plan-detail", args=[plan.pk])).content.decode()
        assert "<select" not in html
        assert html.count('<li class="chip') == 4
        assert html.count('draggable="true"') == 4
        # Explanations are fetched on demand, not shipped with the page.
        assert "TEXTE-LONG" not in html
        # One board per slot, as tabs; the columns name their module.
        assert html.count('role="tab"') == 2
        assert html.count('role="tabpanel"') == 2
        assert f'id="col-{groups[1, "LEC-S"].pk}"' in html
        assert f'id="board-revision" name="revision" value="{plan.revision}"' in html

    def test_the_page_weighs_little_per_pupil(self, world, board, login):
        plan, _groups = board
        client = login(world.users["coordinator"])
        empty = client.get(reverse("planning:plan-detail", args=[plan.pk])).content
        Assignment.objects.filter(group__plan=plan).delete()
        bare = client.get(reverse("planning:plan-detail", args=[plan.pk])).content
        # Four chips: the whole page grows by well under a kilobyte a chip.
        assert (len(empty) - len(bare)) / 4 < 700

    def test_a_broken_rule_is_shown_on_its_column(self, world, board, login):
        plan, groups = board
        client = login(world.users["coordinator"])
        html = client.get(reverse("planning:plan-detail", args=[plan.pk])).content.decode()
        column = _column(html, groups[2, "CAL-S"].pk)
        assert "moins que le minimum" in column
        assert "moins que le minimum" not in _column(html, groups[1, "CAL-S"].pk)

    def test_a_published_plan_shows_a_board_without_moves(self, world, board, login):
        plan, _groups = board
        plan.status = Plan.Status.PUBLISHED
        plan.save()
        client = login(world.users["coordinator"])
        html = client.get(reverse("planning:plan-detail", args=[plan.pk])).content.decode()
        assert html.count('<li class="chip') == 4
        assert "draggable" not in html and 'id="board-move"' not in html


class TestKeptBoard:
    """The board is drawn once and kept while the plan and the school's records stay the same
    (``views_board.board_panels``); whatever changes either is seen at the next view."""

    @pytest.fixture(autouse=True)
    def noon(self, time_machine):
        """The panels are kept for a day: the clock is held at today's noon (Paris), so that
        no view of a test falls on another day."""
        import zoneinfo

        from django.utils import timezone

        time_machine.move_to(
            datetime.datetime.combine(
                timezone.localdate(), datetime.time(12), zoneinfo.ZoneInfo("Europe/Paris")
            ),
            tick=True,
        )

    @pytest.fixture
    def drawn(self, monkeypatch):
        from appui.planning import selectors

        calls = []
        plan_board = selectors.plan_board

        def counted(plan, **kwargs):
            calls.append(plan.revision)
            return plan_board(plan, **kwargs)

        monkeypatch.setattr(selectors, "plan_board", counted)
        return calls

    def test_a_second_view_reads_the_board_kept(self, world, board, login, drawn):
        plan, _groups = board
        client = login(world.users["coordinator"])
        url = reverse("planning:plan-detail", args=[plan.pk])
        first = client.get(url).content.decode()
        second = client.get(url).content.decode()
        assert drawn == [plan.revision]
        assert _chips(second) == _chips(first)
        assert len(_chips(second)) == 4

    def test_a_move_is_seen_on_the_whole_page(self, world, board, login, drawn):
        plan, groups = board
        client = login(world.users["coordinator"])
        url = reverse("planning:plan-detail", args=[plan.pk])
        client.get(url)
        assignment = Assignment.objects.get(group=groups[1, "LEC-S"])
        target = groups[1, "CAL-S"]
        client.post(
            move_url(plan), {"assignment": assignment.pk, "group": target.pk, "revision": 3}
        )
        html = client.get(url).content.decode()
        assert f'id="a-{assignment.pk}"' in _column(html, target.pk)
        assert f'id="a-{assignment.pk}"' not in _column(html, groups[1, "LEC-S"].pk)

    def test_changes_outside_the_plan_are_seen_at_the_next_view(
        self, world, board, login, drawn, planning
    ):
        plan, groups = board
        client = login(world.users["coordinator"])
        url = reverse("planning:plan-detail", args=[plan.pk])
        client.get(url)
        # A pupil renamed.
        world.student.last_name = "Renommé"
        world.student.save()
        assert "RENOMMÉ" in client.get(url).content.decode()
        # A room's capacity.
        room = groups[1, "LEC-S"].room
        room.capacity = 57
        room.save()
        assert "57" in _column(client.get(url).content.decode(), groups[1, "LEC-S"].pk)
        # A teacher who joins a group.
        groups[1, "CAL-S"].staff.add(planning["teacher"])
        column = _column(client.get(url).content.decode(), groups[1, "CAL-S"].pk)
        assert str(planning["teacher"]) in column
        # Read back once nothing changed.
        count = len(drawn)
        client.get(url)
        assert len(drawn) == count

    def test_a_new_need_level_is_seen_at_the_next_view(self, world, board, login):
        from appui.diagnostics.models import NeedProfile

        plan, groups = board
        client = login(world.users["coordinator"])
        url = reverse("planning:plan-detail", args=[plan.pk])
        assignment = Assignment.objects.get(group=groups[1, "LEC-S"])
        before = _chip(client.get(url).content.decode(), assignment.pk)
        profile, _created = NeedProfile.objects.get_or_create(student=world.student)
        code = groups[1, "LEC-S"].module.competency.code
        profile.needs = {**profile.needs, code: {"level": 3, "kind": "remediation"}}
        profile.save()
        after = _chip(client.get(url).content.decode(), assignment.pk)
        assert 'class="need n3' in after
        assert after != before


def _chips(html: str) -> list[str]:
    return re.findall(r'<li class="chip.*?</li>', html, re.S)


def _chip(html: str, pk: int) -> str:
    found = re.search(rf'<li class="chip[^>]*id="a-{pk}".*?</li>', html, re.S)
    assert found, f"no chip {pk}"
    return found[0]


class TestMove:
    def test_it_moves_a_pupil_and_answers_the_two_columns(self, world, board, login):
        plan, groups = board
        assignment = Assignment.objects.get(group=groups[1, "LEC-S"])
        target = groups[1, "CAL-S"]
        client = login(world.users["coordinator"])
        response = client.post(
            move_url(plan), {"assignment": assignment.pk, "group": target.pk, "revision": 3}
        )
        assert response.status_code == 200
        assignment.refresh_from_db()
        plan.refresh_from_db()
        assert assignment.group_id == target.pk and assignment.locked
        assert plan.revision == 4
        html = response.content.decode()
        assert set(re.findall(r'id="col-(\d+)"', html)) == {
            str(groups[1, "LEC-S"].pk),
            str(target.pk),
        }
        assert html.count('hx-swap-oob="true"') >= 4  # two columns, the summary, the revision
        assert 'id="board-revision" name="revision" value="4"' in html
        assert "déplacé" in status_of(response) or "moved" in status_of(response)
        assert f"a-{assignment.pk}" in response["HX-Trigger-After-Settle"]

    def test_it_refreshes_the_explanation_of_the_moved_pupil_only(self, world, board, login):
        plan, groups = board
        assignment = Assignment.objects.get(group=groups[1, "LEC-S"])
        client = login(world.users["coordinator"])
        client.post(
            move_url(plan),
            {"assignment": assignment.pk, "group": groups[1, "CAL-S"].pk, "revision": 3},
        )
        assignment.refresh_from_db()
        assert "Module CAL-S" in assignment.explanation
        assert "coordination t'y a placé" in assignment.explanation
        others = Assignment.objects.filter(group__plan=plan).exclude(student=world.student)
        assert set(others.values_list("explanation", flat=True)) == {"Ancienne."}

    def test_a_move_evaluates_the_plan_as_grouping_evaluate_does(self, world, board):
        # A move builds one instance for the check and the explanations instead of calling
        # grouping.evaluate (which builds its own): both must judge the plan alike.
        plan, groups = board
        plan.bound = 50
        plan.save()
        assignment = Assignment.objects.get(group=groups[1, "CAL-S"])
        evaluation = services.assignment_move(
            assignment=assignment, group=groups[1, "LEC-S"], revision=3
        )
        assert evaluation == grouping.evaluate(plan)
        assert evaluation["violations"] and "gap" in evaluation["metrics"]

    def test_the_summary_shows_the_rule_a_move_breaks(self, world, board, login):
        plan, groups = board
        assignment = Assignment.objects.get(group=groups[1, "CAL-S"])
        client = login(world.users["coordinator"])
        response = client.post(
            move_url(plan),
            {"assignment": assignment.pk, "group": groups[1, "LEC-S"].pk, "revision": 3},
        )
        html = response.content.decode()
        assert "moins que le minimum" in _column(html, groups[1, "CAL-S"].pk)
        assert 'id="board-summary"' in html
        assert "2 règles" in html or "2 broken rules" in html

    def test_a_stale_revision_is_a_conflict_and_changes_nothing(self, world, board, login):
        plan, groups = board
        assignment = Assignment.objects.get(group=groups[1, "LEC-S"])
        client = login(world.users["coordinator"])
        response = client.post(
            move_url(plan),
            {"assignment": assignment.pk, "group": groups[1, "CAL-S"].pk, "revision": 2},
        )
        assert response.status_code == 409
        assignment.refresh_from_db()
        plan.refresh_from_db()
        assert assignment.group_id == groups[1, "LEC-S"].pk and not assignment.locked
        assert plan.revision == 3
        # The whole board comes back as it is now, with a French message.
        html = response.content.decode()
        assert '<section id="board"' in html and 'hx-swap-oob="true"' in html
        assert 'value="3"' in html
        assert "nothing was changed" in status_of(response) or "rien" in status_of(response)

    def test_the_second_of_two_tabs_gets_the_conflict(self, world, board, login):
        plan, groups = board
        first, second = (
            Assignment.objects.get(group=groups[1, "LEC-S"]),
            Assignment.objects.get(group=groups[1, "CAL-S"]),
        )
        client = login(world.users["coordinator"])
        ok = client.post(
            move_url(plan), {"assignment": first.pk, "group": groups[1, "CAL-S"].pk, "revision": 3}
        )
        late = client.post(
            move_url(plan), {"assignment": second.pk, "group": groups[1, "LEC-S"].pk, "revision": 3}
        )
        assert (ok.status_code, late.status_code) == (200, 409)
        second.refresh_from_db()
        assert second.group_id == groups[1, "CAL-S"].pk
        assert Assignment.objects.get(pk=first.pk).group_id == groups[1, "CAL-S"].pk

    def test_a_missing_revision_is_a_conflict(self, world, board, login):
        plan, groups = board
        assignment = Assignment.objects.get(group=groups[1, "LEC-S"])
        client = login(world.users["coordinator"])
        response = client.post(
            move_url(plan), {"assignment": assignment.pk, "group": groups[1, "CAL-S"].pk}
        )
        assert response.status_code == 409

    def test_a_move_to_another_slot_is_refused(self, world, board, login):
        plan, groups = board
        assignment = Assignment.objects.get(group=groups[1, "LEC-S"])
        client = login(world.users["coordinator"])
        response = client.post(
            move_url(plan),
            {"assignment": assignment.pk, "group": groups[2, "CAL-S"].pk, "revision": 3},
        )
        assert response.status_code == 422
        assert "même barrette" in status_of(response) or "same slot" in status_of(response)
        assignment.refresh_from_db()
        plan.refresh_from_db()
        assert assignment.group_id == groups[1, "LEC-S"].pk and plan.revision == 3

    def test_a_move_into_a_locked_group_is_refused(self, world, board, login):
        plan, groups = board
        groups[1, "CAL-S"].locked = True
        groups[1, "CAL-S"].save()
        assignment = Assignment.objects.get(group=groups[1, "LEC-S"])
        client = login(world.users["coordinator"])
        response = client.post(
            move_url(plan),
            {"assignment": assignment.pk, "group": groups[1, "CAL-S"].pk, "revision": 3},
        )
        assert response.status_code == 422
        assert Assignment.objects.get(pk=assignment.pk).group_id == groups[1, "LEC-S"].pk

    def test_a_published_plan_refuses_moves(self, world, board, login):
        plan, groups = board
        plan.status = Plan.Status.PUBLISHED
        plan.save()
        assignment = Assignment.objects.get(group=groups[1, "LEC-S"])
        client = login(world.users["coordinator"])
        response = client.post(
            move_url(plan),
            {"assignment": assignment.pk, "group": groups[1, "CAL-S"].pk, "revision": 3},
        )
        assert response.status_code == 422
        assert Assignment.objects.get(pk=assignment.pk).group_id == groups[1, "LEC-S"].pk

    def test_a_move_across_rounds_is_refused(self, world, board, planning):
        plan, groups = board
        first, second = _rounds(world, planning)
        Group.objects.filter(pk=groups[1, "LEC-S"].pk).update(round=first)
        Group.objects.filter(pk=groups[1, "CAL-S"].pk).update(round=second)
        assignment = Assignment.objects.get(group=groups[1, "LEC-S"])
        with pytest.raises(services.ValidationError):
            services.assignment_move(
                assignment=assignment, group=Group.objects.get(pk=groups[1, "CAL-S"].pk)
            )


class TestLocks:
    def test_it_locks_and_unlocks_a_pupil(self, world, board, login):
        plan, groups = board
        assignment = Assignment.objects.get(group=groups[1, "LEC-S"])
        client = login(world.users["coordinator"])
        response = client.post(
            lock_url(plan),
            {"assignment": assignment.pk, "locked": "1", "revision": 3, "panel": "1"},
        )
        assert response.status_code == 200
        assignment.refresh_from_db()
        assert assignment.locked and assignment.lock_reason
        assert "coordination t'y a placé" in assignment.explanation
        html = response.content.decode()
        assert f'id="col-{groups[1, "LEC-S"].pk}"' in html
        assert 'id="board-pupil-body" hx-swap-oob="innerHTML"' in html  # the panel, refreshed
        response = client.post(
            lock_url(plan), {"assignment": assignment.pk, "locked": "0", "revision": 4}
        )
        assert response.status_code == 200
        assignment.refresh_from_db()
        assert not assignment.locked and assignment.lock_reason == ""
        plan.refresh_from_db()
        assert plan.revision == 5

    def test_it_locks_a_group(self, world, board, login):
        plan, groups = board
        client = login(world.users["coordinator"])
        response = client.post(
            lock_url(plan), {"group": groups[2, "LEC-S"].pk, "locked": "1", "revision": 3}
        )
        assert response.status_code == 200
        assert Group.objects.get(pk=groups[2, "LEC-S"].pk).locked
        html = response.content.decode()
        assert "board-col locked" in html

    def test_a_stale_lock_is_a_conflict(self, world, board, login):
        plan, groups = board
        client = login(world.users["coordinator"])
        response = client.post(
            lock_url(plan), {"group": groups[2, "LEC-S"].pk, "locked": "1", "revision": 1}
        )
        assert response.status_code == 409
        assert not Group.objects.get(pk=groups[2, "LEC-S"].pk).locked


class TestPupilPanel:
    def test_it_explains_and_lists_the_groups_of_the_same_slot(self, world, board, login):
        plan, groups = board
        assignment = Assignment.objects.get(group=groups[1, "LEC-S"])
        assignment.explanation = "Parce que ton besoin le plus fort."
        assignment.save()
        client = login(world.users["coordinator"])
        response = client.get(reverse("planning:plan-board-pupil", args=[plan.pk, assignment.pk]))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Parce que ton besoin le plus fort." in html
        assert re.findall(r'data-move-to="(\d+)"', html) == [str(groups[1, "CAL-S"].pk)]

    def test_an_assignment_of_another_plan_is_not_found(self, world, board, login):
        plan, _groups = board
        other = Plan.objects.create(level=world.level, period=plan.period, version=2)
        client = login(world.users["coordinator"])
        assignment = Assignment.objects.filter(group__plan=plan).first()
        response = client.get(reverse("planning:plan-board-pupil", args=[other.pk, assignment.pk]))
        assert response.status_code == 404


class TestRounds:
    def test_groups_with_rounds_get_one_board_per_slot_and_round(
        self, world, board, planning, login
    ):
        plan, groups = board
        first, second = _rounds(world, planning)
        Group.objects.filter(pk__in=[groups[1, "LEC-S"].pk, groups[2, "LEC-S"].pk]).update(
            round=first
        )
        Group.objects.filter(pk__in=[groups[1, "CAL-S"].pk, groups[2, "CAL-S"].pk]).update(
            round=second
        )
        client = login(world.users["coordinator"])
        html = client.get(reverse("planning:plan-detail", args=[plan.pk])).content.decode()
        tabs = re.findall(r'role="tab"[^>]*>(.*?)<small', html, re.S)
        assert len(tabs) == 4
        assert sum("Séquence A" in tab for tab in tabs) == 2


class TestAccess:
    @pytest.mark.parametrize("role", ["teacher", "student", "guardian", "level_coordinator"])
    def test_other_roles_are_refused(self, world, board, login, role):
        plan, groups = board
        assignment = Assignment.objects.get(group=groups[1, "LEC-S"])
        client = login(world.users[role])
        data = {"assignment": assignment.pk, "group": groups[1, "CAL-S"].pk, "revision": 3}
        assert client.post(move_url(plan), data).status_code == 403
        assert client.post(lock_url(plan), {**data, "locked": "1"}).status_code == 403
        pupil = reverse("planning:plan-board-pupil", args=[plan.pk, assignment.pk])
        assert client.get(pupil).status_code == 403
        assert Assignment.objects.get(pk=assignment.pk).group_id == groups[1, "LEC-S"].pk

    def test_an_outsider_sees_nothing(self, world, board, login):
        plan, groups = board
        assignment = Assignment.objects.get(group=groups[1, "LEC-S"])
        client = login(world.users["outsider"])
        data = {"assignment": assignment.pk, "group": groups[1, "CAL-S"].pk, "revision": 3}
        assert client.post(move_url(plan), data).status_code == 404
        pupil = reverse("planning:plan-board-pupil", args=[plan.pk, assignment.pk])
        assert client.get(pupil).status_code == 404

    def test_anonymous_users_are_sent_to_log_in(self, board, client):
        plan, _groups = board
        response = client.post(move_url(plan), {})
        assert response.status_code == 302 and "connexion" in response["Location"]

    def test_the_moves_are_post_only(self, world, board, login):
        plan, _groups = board
        client = login(world.users["coordinator"])
        assert client.get(move_url(plan)).status_code == 405


def _column(html: str, pk: int) -> str:
    found = re.search(rf'<article[^>]*id="col-{pk}".*?</article>', html, re.S)
    assert found, f"no column {pk}"
    return found[0]


def _rounds(world, planning):
    period = planning["period"]
    first = Round.objects.create(
        level=world.level,
        period=period,
        number=1,
        starts_on=period.start_date,
        ends_on=datetime.date(2026, 9, 25),
        label="Séquence A",
    )
    second = Round.objects.create(
        level=world.level,
        period=period,
        number=2,
        starts_on=datetime.date(2026, 9, 28),
        ends_on=period.end_date,
        label="Séquence B",
    )
    return first, second


class TestSaveExplanations:
    def test_only_the_changed_explanations_are_written_in_one_statement(
        self, board, django_assert_num_queries
    ):
        plan, groups = board
        assignments = list(Assignment.objects.filter(group__plan=plan).order_by("pk"))
        first, second, *rest = assignments
        texts = {first.pk: "Nouvelle.", second.pk: "Ancienne."}  # the others: none now
        with django_assert_num_queries(1):
            grouping.save_explanations(assignments, texts)
        stored = dict(Assignment.objects.filter(group__plan=plan).values_list("pk", "explanation"))
        assert stored[first.pk] == "Nouvelle."
        assert stored[second.pk] == "Ancienne."
        assert all(stored[a.pk] == "" for a in rest)
        assert first.explanation == "Nouvelle."  # the objects follow what was stored
        with django_assert_num_queries(0):  # nothing changed: nothing written
            grouping.save_explanations(assignments, texts)
