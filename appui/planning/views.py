from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appui.core.grouping.instance import Weights
from appui.core.grouping.metrics import LABELS, format_value
from appui.schools.access import school_access
from appui.schools.models import Level, Period
from appui.schools.selectors import selected_year

from . import selectors, services, versions
from .access import get_group_for, get_plan_for
from .models import Assignment, Group, Plan
from .views_board import board_context

WEIGHT_FIELDS = [
    ("need", "Servir les besoins des élèves (priorité aux plus forts)"),
    ("homogeneity", "Homogénéité des niveaux dans un groupe"),
    ("wish", "Respecter les vœux des élèves"),
    ("mix", "Mélanger les divisions"),
    ("change", "Changer de groupe par rapport à la période précédente"),
    ("load", "Équilibrer la charge des intervenants"),
    ("stay", "Garder chaque élève à sa place (« Ajuster en changeant le moins possible »)"),
]


@login_required
def plan_index(request):
    access = school_access(request, lambda a: a.can_coordinate)
    year = selected_year(request)
    levels = [lv for lv in year.levels.all() if access.can_coordinate_level(lv.pk)] if year else []
    periods = list(year.periods.all()) if year else []
    overview = selectors.plans_overview(levels, periods)
    rows = [
        (level, [(period, overview.get((level.pk, period.pk), {})) for period in periods])
        for level in levels
    ]
    return render(request, "planning/plan_index.html", {"rows": rows, "periods": periods})


@login_required
def plan_workspace(request, level_pk: int, period_pk: int):
    access = school_access(request, lambda a: a.can_coordinate)
    school = access.school
    level = get_object_or_404(Level, pk=level_pk, year__school=school)
    period = get_object_or_404(Period, pk=period_pk, year=level.year)
    if not access.can_coordinate_level(level.pk):
        raise PermissionDenied
    if request.method == "POST":
        plan = services.plan_for_editing(level=level, period=period, user=request.user)
        if request.POST.get("action") == "solve" and plan.is_editable:
            services.plan_solve(plan=plan)
        return redirect("planning:plan-detail", plan.pk)
    plans = list(Plan.objects.filter(level=level, period=period).order_by("-version"))
    for plan in plans:
        plan.kind = versions.plan_kind(plan)  # type: ignore[attr-defined]
    return render(
        request,
        "planning/plan_workspace.html",
        {
            "level": level,
            "period": period,
            "inputs": selectors.plan_inputs(level, period),
            "plans": plans,
        },
    )


def _metric_rows(plan: Plan) -> list[dict]:
    previous = (plan.progress or {}).get("previous_metrics") or {}
    rows = []
    metrics = plan.metrics or {}
    for key, label in LABELS.items():
        if key not in metrics:
            continue
        value = metrics[key]
        rows.append(
            {
                "key": label,
                "value": format_value(key, value),
                "before": format_value(key, previous[key])
                if key in previous and previous[key] != value
                else None,
            }
        )
    return rows


def _last_change(plan: Plan, snapshots: list) -> dict | None:
    """Before/after of the last solve or restore, while nothing else happened since: the
    version it started from and the one it made, or the plain fact that it changed nothing."""
    progress = plan.progress or {}
    if plan.status == Plan.Status.SOLVING or not snapshots:
        return None
    by_pk = {s.pk: s for s in snapshots}
    before, after = by_pk.get(progress.get("before")), by_pk.get(progress.get("after"))
    newest = snapshots[0]
    if progress.get("unchanged") and (before is None or before == newest):
        return {"unchanged": True, "mode": progress.get("mode")}
    if after is None or after != newest or before is None:
        return None
    comparison = versions.compare(before, after)
    shown = {"objective", "need_coverage", "top_need_served"}
    return {
        "mode": progress.get("mode"),
        "comparison": comparison,
        "rows": [row for row in comparison["metrics"] if row["key"] in shown],
    }


@login_required
def plan_detail(request, pk: int):
    plan, access = get_plan_for(request, pk)
    evaluation = services.plan_evaluation(plan) if plan.status == Plan.Status.PROPOSED else None
    weights = Weights.from_dict(plan.weights or {})
    snapshots = versions.listing(plan)
    return render(
        request,
        "planning/plan_detail.html",
        {
            "plan": plan,
            "board": board_context(plan, evaluation),
            "evaluation": evaluation,
            "metric_rows": _metric_rows(plan),
            "weight_fields": [
                (name, label, getattr(weights, name)) for name, label in WEIGHT_FIELDS
            ],
            "plan_kind": versions.plan_kind(plan),
            "snapshots": snapshots,
            "workspace": versions.workspace(plan),
            "last_change": _last_change(plan, snapshots),
            "has_groups": plan.groups.exists(),
        },
    )


@login_required
def plan_status(request, pk: int):
    """Polled while the solver runs; asks the page to reload once it is done."""
    plan, _access = get_plan_for(request, pk)
    if plan.status != Plan.Status.SOLVING:
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    return render(request, "planning/_plan_status.html", {"plan": plan})


@login_required
@require_POST
def plan_action(request, pk: int):
    plan, _access = get_plan_for(request, pk)
    action = request.POST.get("action", "")
    try:
        if action in ("solve", "minimal"):
            services.plan_solve(
                plan=plan,
                minimal_change=action == "minimal",
                revision=versions.parse_revision(request.POST.get("revision")),
                user=request.user,
            )
        elif action == "weights":
            weights = {}
            for name, _label in WEIGHT_FIELDS:
                raw = request.POST.get(name, "").strip()
                if raw:
                    try:
                        weights[name] = int(raw)
                    except ValueError as error:
                        raise ValidationError(_("Weights are whole numbers.")) from error
            services.plan_set_weights(plan=plan, weights=weights)
            messages.success(request, _("Weights saved. Solve again to apply them."))
        elif action == "move":
            assignment = get_object_or_404(
                Assignment, pk=request.POST.get("assignment"), group__plan=plan
            )
            target = get_object_or_404(Group, pk=request.POST.get("group"), plan=plan)
            result = services.assignment_move(
                assignment=assignment, group=target, user=request.user
            )
            if result["violations"]:
                messages.warning(
                    request,
                    _("Moved, but the plan now breaks a rule: %(rules)s")
                    % {"rules": " ; ".join(result["violations"])},
                )
            else:
                messages.success(
                    request,
                    _("%(name)s moved and locked in this group.")
                    % {"name": assignment.student.first_name},
                )
        elif action in ("lock", "unlock"):
            assignment = get_object_or_404(
                Assignment, pk=request.POST.get("assignment"), group__plan=plan
            )
            services.assignment_set_lock(
                assignment=assignment,
                locked=action == "lock",
                reason=request.POST.get("reason", ""),
            )
        elif action in ("lock-group", "unlock-group"):
            group = get_object_or_404(Group, pk=_int(request.POST.get("group")), plan=plan)
            services.group_set_lock(group=group, locked=action == "lock-group")
        elif action == "publish":
            # Publishing is confirmed on its own page, which shows what changes.
            return redirect("planning:plan-publish", plan.pk)
        elif action == "new-version":
            new = services.plan_for_editing(level=plan.level, period=plan.period, user=request.user)
            return redirect("planning:plan-detail", new.pk)
        else:
            messages.error(request, _("Unknown action."))
    except versions.PlanChanged as conflict:
        messages.error(request, str(conflict))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("planning:plan-detail", plan.pk)


@login_required
def group_detail(request, pk: int):
    group, access = get_group_for(request, pk)
    members = group.assignments.select_related("student__division").order_by(
        "student__last_name", "student__first_name"
    )
    return render(
        request,
        "planning/group_detail.html",
        {"group": group, "members": members, "access": access},
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
