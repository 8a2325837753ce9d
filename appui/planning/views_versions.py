"""Versions of a plan's groups: list and compare two, restore one, confirm a publication.

Every page is for the coordinators of the plan's level (and the head), like the plan page
(``get_plan_for``): others get 403, other schools 404. Writes carry the plan's revision: a
plan changed since the page was shown is refused with the conflict message, nothing lost.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from . import grouping, services, versions
from .access import get_plan_for
from .models import Plan, PlanSnapshot


def _snapshot(plan: Plan, number) -> PlanSnapshot:
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise Http404 from None
    snapshot = (
        PlanSnapshot.objects.select_related("created_by", "plan")
        .filter(level_id=plan.level_id, period_id=plan.period_id, number=number)
        .first()
    )
    if snapshot is None:
        raise Http404
    snapshot.origin_label = versions.origin_label(snapshot.origin)  # type: ignore[attr-defined]
    return snapshot


@login_required
def plan_versions(request, pk: int):
    """The versions of the plan's level and period; with ``?a=&b=``, two of them compared."""
    plan, _access = get_plan_for(request, pk)
    snapshots = versions.listing(plan)
    context = {
        "plan": plan,
        "snapshots": snapshots,
        "workspace": versions.workspace(plan),
    }
    if "a" not in request.GET and "b" not in request.GET:
        return render(request, "planning/plan_versions.html", context)
    a = _snapshot(plan, request.GET.get("a"))
    b = _snapshot(plan, request.GET.get("b"))
    context["comparison"] = versions.compare(a, b)
    return render(request, "planning/plan_compare.html", context)


@login_required
def plan_restore(request, pk: int, number: int):
    """Restore a version into the plan (an editable one): a confirmation page showing what
    changes from the plan as it stands, then a POST carrying the revision it showed."""
    plan, _access = get_plan_for(request, pk)
    snapshot = _snapshot(plan, number)
    back = reverse("planning:plan-versions", args=[plan.pk])
    if not plan.is_editable:
        messages.error(
            request,
            _(
                "This plan is published or being solved: make a new draft of it "
                "(“Adjust the published plan”) before restoring a version."
            ),
        )
        return redirect(back)
    if request.method == "POST":
        try:
            restored = versions.restore(
                snapshot,
                request.user,
                versions.parse_revision(request.POST.get("revision")),
                plan=plan,
            )
        except versions.PlanChanged as conflict:
            messages.error(request, str(conflict))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Version %(old)s restored: it is now version %(new)s.")
                % {"old": snapshot.number, "new": restored.number},
            )
            return redirect("planning:plan-detail", plan.pk)
        return redirect(request.path)
    current = versions.current_version(plan)
    return render(
        request,
        "planning/plan_compare.html",
        {
            "plan": plan,
            "snapshots": versions.listing(plan),
            "workspace": plan,
            "comparison": versions.compare(current, snapshot),
            "restoring": snapshot,
        },
    )


@login_required
def plan_publish_confirm(request, pk: int):
    """Publishing, in two steps: this page shows the comparison with the plan published
    until now (or says it is the first publication) and the rule check; the confirmation
    carries the revision shown, so a plan changed meanwhile is not published unseen."""
    plan, _access = get_plan_for(request, pk)
    if request.method == "POST":
        try:
            services.plan_publish(
                plan=plan,
                user=request.user,
                revision=versions.parse_revision(request.POST.get("revision")),
            )
        except versions.PlanChanged as conflict:
            messages.error(request, str(conflict))
            return redirect(request.path)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        messages.success(
            request, _("Plan published: teachers, students and families see the groups.")
        )
        return redirect("planning:plan-detail", plan.pk)
    if plan.status != Plan.Status.PROPOSED:
        messages.error(request, _("Only a proposed plan can be published."))
        return redirect("planning:plan-detail", plan.pk)
    published = (
        Plan.objects.filter(level=plan.level, period=plan.period, status=Plan.Status.PUBLISHED)
        .exclude(pk=plan.pk)
        .first()
    )
    comparison = None
    if published is not None:
        comparison = versions.compare(
            versions.published_version(published), versions.current_version(plan)
        )
    return render(
        request,
        "planning/plan_publish_confirm.html",
        {
            "plan": plan,
            "published": published,
            "published_kind": versions.plan_kind(published) if published else "",
            "comparison": comparison,
            "evaluation": grouping.evaluate(plan),
        },
    )
