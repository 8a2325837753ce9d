"""Which periods each slot runs in: a slot × period matrix of checkboxes, part of the head's
settings of the year (issue 15, item 5). The head writes, coordinators read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from appui.schools.access import school_access
from appui.schools.selectors import selected_year
from appui.schools.services import EditConflict

from . import services
from .models import Slot


@login_required
def slot_periods(request):
    access = school_access(request, lambda a: a.is_head or a.is_coordinator)
    year = selected_year(request)
    if year is None:
        raise Http404
    slots = list(Slot.objects.filter(year=year).select_related("level").prefetch_related("periods"))
    periods = list(year.periods.all())
    if request.method == "POST":
        if not access.is_head:
            raise PermissionDenied
        chosen = {
            slot.pk: {int(v) for v in request.POST.getlist(f"slot-{slot.pk}") if v.isdigit()}
            for slot in slots
        }
        try:
            services.slot_periods_set(
                year=year, version=request.POST.get("version", ""), chosen=chosen
            )
        except EditConflict as conflict:
            messages.error(request, str(conflict))
        else:
            messages.success(request, _("The periods of the slots were saved."))
        return redirect("planning:slot-periods")
    rows = [
        (slot, [(period, period in slot.periods.all()) for period in periods]) for slot in slots
    ]
    return render(
        request,
        "planning/slot_periods.html",
        {
            "access": access,
            "year": year,
            "periods": periods,
            "rows": rows,
            "version": services.slot_periods_version(year),
        },
    )
