"""The board of a plan: one compact board per slot (and round), groups as columns, pupils as
chips. Moves (drag and drop, or the keyboard through a pupil's panel) and locks post here
through htmx with the plan's revision; each answer swaps only the columns it changed, the
rule-break summary, the revision and a status line (out-of-band swaps, no reload).

Answers: 200 done; 409 the plan changed since the board was shown (nothing applied, the
whole board comes back as it is now); 422 refused (a rule of the move, in French).
"""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from appui.core.text import with_elision
from appui.schools.computed import kept

from . import selectors, services, versions
from .access import get_plan_for
from .models import Assignment, Group, Plan


def board_context(plan: Plan, evaluation: dict | None, group_ids=None) -> dict:
    """What ``_board.html`` shows: the summary, and the boards drawn (``panels``); with
    ``group_ids``, the boards of those groups only (``boards``: the columns an answer swaps)."""
    summary = _summary(plan, evaluation)
    context = {
        **summary,
        "editable": plan.is_editable,
        "lock_url": reverse("planning:plan-board-lock", args=[plan.pk]),
    }
    if group_ids is not None:
        context["boards"] = selectors.plan_board(
            plan, breaks=summary["breaks"], group_ids=group_ids
        )
    else:
        context["panels"] = board_panels(plan, context)
    return context


def board_panels(plan: Plan, board: dict) -> SafeString:
    """The tabs and panels of the plan's boards (``_board_panels.html``: every group's column
    and chips, most of the plan page), drawn once and kept while the plan (its revision and
    status) and the school's records (its data version: pupils, needs, rooms, modules…) stay
    the same, on the same day, in the same language (``appui.schools.computed.kept``).
    Every write to the plan's groups bumps its revision; the rule breaks the columns show come
    from the plan's evaluation, itself kept for the revision and those records."""

    def draw() -> SafeString:
        boards = selectors.plan_board(plan, breaks=board["breaks"])
        context = {"plan": plan, "board": {**board, "boards": boards}}
        return mark_safe(render_to_string("planning/_board_panels.html", context))  # noqa: S308  a template's output

    school_id = plan.level.year.school_id
    parts = [plan.pk, plan.revision, plan.status]
    return kept(school_id, "plan-board", parts, timezone.localdate(), draw)


def _summary(plan: Plan, evaluation: dict | None) -> dict:
    """The rule breaks (each on its group's column, the others listed) and the metrics."""
    from .views import _metric_rows  # views imports this module for the plan page

    violations = evaluation["violations"] if evaluation else []
    breaks = selectors.board_breaks(violations, plan)
    broken = (
        plan.groups.filter(pk__in=breaks["by_group"])
        .select_related("module", "slot", "round")
        .order_by("slot__weekday", "slot__start_time", "module__code", "pk")
        if breaks["by_group"]
        else []
    )
    return {
        "summary": True,
        "breaks": breaks,
        "breaks_total": len(violations),
        "broken_groups": [{"group": g, "breaks": breaks["by_group"][g.pk]} for g in broken],
        "metric_rows": _metric_rows(plan),
        "has_groups": plan.groups.exists(),
    }


def _evaluation(plan: Plan) -> dict | None:
    return services.plan_evaluation(plan) if plan.groups.exists() else None


def _id(value) -> int:
    """A primary key from the form; 0 (no row) when missing or garbled."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _answer(
    request,
    plan: Plan,
    *,
    columns=(),
    board=None,
    message="",
    kind="",
    focus="",
    pupil=None,
    close=False,
    status=200,
):
    """The out-of-band answer of a move or a lock; ``board:done`` (after settle) tells the
    script which chip to focus."""
    context = {
        "plan": plan,
        "board": board or {"editable": plan.is_editable},
        "columns": columns,
        "status_message": message,
        "status_kind": kind,
        "pupil": pupil,
    }
    response = render(request, "planning/_board_answer.html", context, status=status)
    response["HX-Trigger-After-Settle"] = json.dumps(
        {"board:done": {"focus": focus, "close": close}}
    )
    return response


def _conflict(request, plan: Plan) -> HttpResponse:
    """409: the plan changed since the board was shown; the board as it is now."""
    plan.refresh_from_db()
    context = {
        "plan": plan,
        "board": board_context(plan, _evaluation(plan)),
        "oob": True,
        "status_message": str(versions.PlanChanged.message),
        "status_kind": "error",
    }
    response = render(request, "planning/_board.html", context, status=409)
    response["HX-Trigger-After-Settle"] = json.dumps({"board:refreshed": {}})
    return response


def _refused(request, plan: Plan, error: ValidationError) -> HttpResponse:
    return _answer(request, plan, message=" ".join(error.messages), kind="error", status=422)


def _columns(plan: Plan, evaluation: dict | None, group_ids: list[int]) -> tuple[dict, list]:
    board = board_context(plan, evaluation, group_ids)
    return board, [column for b in board["boards"] for column in b["columns"]]


@login_required
@require_POST
def board_move(request, pk: int):
    """Move a pupil to another group of their slot (and round); the move is locked."""
    plan, _access = get_plan_for(request, pk)
    revision = versions.parse_revision(request.POST.get("revision"))
    assignment = (
        Assignment.objects.select_related("student", "group")
        .filter(pk=_id(request.POST.get("assignment")), group__plan=plan)
        .first()
    )
    target = (
        Group.objects.select_related("module")
        .filter(pk=_id(request.POST.get("group")), plan=plan)
        .first()
    )
    if assignment is None or target is None:
        # Groups formed again since the board was shown: its chips are gone.
        if revision != plan.revision:
            return _conflict(request, plan)
        raise Http404
    source_id = assignment.group_id
    try:
        evaluation = services.assignment_move(
            assignment=assignment, group=target, user=request.user, revision=revision
        )
    except versions.PlanChanged:
        return _conflict(request, plan)
    except ValidationError as error:
        return _refused(request, plan, error)
    plan.refresh_from_db()
    board, columns = _columns(plan, evaluation, [source_id, target.pk])
    size = next((c["size"] for c in columns if c["group"].pk == target.pk), 0)
    name = f"{assignment.student.first_name} {assignment.student.last_name}"
    message = ngettext(
        "%(name)s moved to %(code)s (%(size)s pupil now), locked there.",
        "%(name)s moved to %(code)s (%(size)s pupils now), locked there.",
        size,
    ) % {"name": name, "code": target.module.code, "size": size}
    if evaluation["violations"]:
        message += " " + ngettext(
            "The plan breaks %(n)s rule.",
            "The plan breaks %(n)s rules.",
            len(evaluation["violations"]),
        ) % {"n": len(evaluation["violations"])}
    return _answer(
        request,
        plan,
        columns=columns,
        board=board,
        message=message,
        kind="warning" if evaluation["violations"] else "success",
        focus=f"a-{assignment.pk}",
        close=True,
    )


@login_required
@require_POST
def board_lock(request, pk: int):
    """Lock or free a pupil (``assignment``) or a whole group (``group``)."""
    plan, _access = get_plan_for(request, pk)
    revision = versions.parse_revision(request.POST.get("revision"))
    locked = request.POST.get("locked") == "1"
    assignment_pk = _id(request.POST.get("assignment"))
    try:
        if assignment_pk:
            assignment = (
                Assignment.objects.select_related("student", "group__module")
                .filter(pk=assignment_pk, group__plan=plan)
                .first()
            )
            if assignment is None:
                return _conflict(request, plan) if revision != plan.revision else _not_found()
            services.assignment_set_lock(assignment=assignment, locked=locked, revision=revision)
            group_id, focus = assignment.group_id, f"a-{assignment.pk}"
            name = assignment.student.first_name
            code = assignment.group.module.code
            # « La place d'Alexis » : the place, not the pupil, is locked (no « verrouillé(e) »).
            message = with_elision(
                (
                    _("%(name)s's place locked in %(code)s.")
                    if locked
                    else _("%(name)s's place unlocked.")
                )
                % {"name": name, "code": code},
                name,
            )
        else:
            group = (
                Group.objects.select_related("module")
                .filter(pk=_id(request.POST.get("group")), plan=plan)
                .first()
            )
            if group is None:
                return _conflict(request, plan) if revision != plan.revision else _not_found()
            services.group_set_lock(group=group, locked=locked, revision=revision)
            group_id, focus, code = group.pk, f"col-{group.pk}", group.module.code
            message = (_("Group %(code)s locked.") if locked else _("Group %(code)s unlocked.")) % {
                "code": code
            }
    except versions.PlanChanged:
        return _conflict(request, plan)
    except ValidationError as error:
        return _refused(request, plan, error)
    plan.refresh_from_db()
    board, columns = _columns(plan, _evaluation(plan), [group_id])
    panel = bool(assignment_pk) and request.POST.get("panel") == "1"
    return _answer(
        request,
        plan,
        columns=columns,
        board=board,
        message=message,
        kind="success",
        focus=focus,
        pupil=_pupil(plan, assignment_pk) if panel and assignment_pk else None,
    )


def _not_found():
    raise Http404


def _pupil(plan: Plan, assignment_pk: int) -> dict:
    assignment = get_object_or_404(
        Assignment.objects.select_related(
            "student__division",
            "student__need_profile",
            "group__module__competency",
            "group__slot",
            "group__round",
            "group__room",
        ),
        pk=assignment_pk,
        group__plan=plan,
    )
    return {
        "assignment": assignment,
        "student": assignment.student,
        "group": assignment.group,
        "targets": selectors.board_targets(assignment) if plan.is_editable else [],
    }


@login_required
@require_GET
def board_pupil(request, pk: int, assignment_pk: int):
    """A pupil's panel, on demand: why they are there, where they can move, their lock."""
    plan, _access = get_plan_for(request, pk)
    pupil = _pupil(plan, assignment_pk)
    return render(
        request,
        "planning/_board_pupil.html",
        {"plan": plan, "board": {"editable": plan.is_editable}, **pupil},
    )
