"""Rounds (séquences) of a level's period: cut the period, edit a round's dates, remove
rounds. Coordinators of the level and the head; the rules live in ``rounds.py``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appui.schools.access import SchoolAccess, require_member
from appui.schools.models import Level, Period

from . import rounds
from .forms_rounds import CutForm, RoundForm
from .models import Round


def _coordinated(request, level: Level) -> SchoolAccess:
    """404 outside the level's school, 403 to those who do not coordinate the level."""
    access = require_member(request, level.year.school)
    if not access.can_coordinate_level(level.pk):
        raise PermissionDenied
    return access


def _get_round(request, pk: int) -> Round:
    round = get_object_or_404(Round.objects.select_related("level__year__school", "period"), pk=pk)
    _coordinated(request, round.level)
    return round


@login_required
def round_plan(request, level_pk: int, period_pk: int):
    level = get_object_or_404(Level.objects.select_related("year__school"), pk=level_pk)
    _coordinated(request, level)
    period = get_object_or_404(Period, pk=period_pk, year=level.year_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "cut":
                form = CutForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Choose a number of rounds."))
                made = rounds.rounds_cut(
                    level=level, period=period, count=form.cleaned_data["count"]
                )
                messages.success(
                    request,
                    _("The period is cut into %(n)d rounds. Form the groups again.")
                    % {"n": len(made)},
                )
            elif action == "clear":
                rounds.rounds_clear(level=level, period=period)
                messages.success(request, _("The period is no longer cut into rounds."))
            else:
                messages.error(request, _("Unknown action."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("planning:round-plan", level.pk, period.pk)
    return render(
        request,
        "planning/round_plan.html",
        {
            "level": level,
            "period": period,
            "overview": rounds.round_overview(level, period),
            "proposals": rounds.proposals(level, period),
            "min_sessions": rounds.MIN_SESSIONS,
            "max_sessions": rounds.MAX_SESSIONS,
        },
    )


@login_required
def round_edit(request, pk: int):
    round = _get_round(request, pk)
    if request.method == "POST":
        form = RoundForm(request.POST)
        if form.is_valid():
            try:
                rounds.round_update(round=round, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(round)s saved.") % {"round": round})
                return redirect("planning:round-plan", round.level_id, round.period_id)
    else:
        form = RoundForm(
            initial={"starts_on": round.starts_on, "ends_on": round.ends_on, "label": round.label}
        )
    return render(request, "planning/round_form.html", {"round": round, "form": form})


@login_required
@require_POST
def round_delete(request, pk: int):
    round = _get_round(request, pk)
    try:
        rounds.round_delete(round=round)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(round)s removed.") % {"round": round})
    return redirect("planning:round-plan", round.level_id, round.period_id)
