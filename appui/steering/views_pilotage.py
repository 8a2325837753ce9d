"""The pilotage pages (seed 001): the staff training plan and the organigram.

- training plan: read by every staff member, written by the head and the coordinators;
- organigram: read by every staff member; its roles written by the head and the coordinators
  of the whole school; the level coordinators (an account's rights) by the head only.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appui.core import indicators as ind
from appui.schools.form_saving import save_form
from appui.schools.models import Level, Staff

from . import selectors, services
from .access import get_or_404, object_access, require_coordination, require_staff
from .dashboard import percent
from .forms_pilotage import (
    LevelCoordinatorForm,
    PilotageRoleForm,
    TrainingDoneForm,
    TrainingForm,
)
from .models import PilotageRole, TrainingAction
from .views import _year

# --------------------------------------------------------------------------- training plan


@login_required
def trainings(request):
    access = require_staff(request)
    year = _year(request, access.school)
    items = list(
        TrainingAction.objects.filter(year=year)
        .prefetch_related("participants")
        .order_by("date", "pk")
    )
    scope = selectors.Scope(school=access.school, year=year, today=timezone.localdate())
    records = selectors.training_records(scope)
    reach = ind.training_reach(
        selectors.teachers(access.school), selectors.published_groups(scope).records, records
    )
    Status = TrainingAction.Status
    return render(
        request,
        "steering/trainings.html",
        {
            "year": year,
            "planned": [t for t in items if t.status == Status.PLANNED],
            "done": [t for t in items if t.status == Status.DONE],
            "cancelled": [t for t in items if t.status == Status.CANCELLED],
            "reach": reach,
            "reach_text": percent(reach),
            "can_write": access.can_coordinate,
        },
    )


def _training_save(request, form, year, training=None):
    data = form.cleaned_data
    return services.training_save(
        year=year,
        title=data["title"],
        theme=data["theme"],
        organiser=data["organiser"],
        date=data["date"],
        end_date=data["end_date"],
        hours=data["hours"],
        status=data["status"],
        participants=list(data["participants"]),
        notes=data["notes"],
        user=request.user,
        training=training,
        version=data.get("version") or "" if training else None,
    )


@login_required
def training_create(request):
    access = require_coordination(request)
    year = _year(request, access.school)
    form = TrainingForm(request.POST or None, school=access.school)
    if save_form(
        request, form, lambda: _training_save(request, form, year), _("Training action saved.")
    ):
        return redirect("steering:trainings")
    return render(request, "steering/training_form.html", {"form": form, "training": None})


def _training_for_writing(request, pk: int) -> TrainingAction:
    training = get_or_404(TrainingAction, pk, select=("year__school",))
    object_access(request, training.year.school, lambda a: a.can_coordinate)
    return training


@login_required
def training_edit(request, pk: int):
    training = _training_for_writing(request, pk)
    form = TrainingForm(request.POST or None, instance=training, school=training.year.school)
    if save_form(
        request,
        form,
        lambda: _training_save(request, form, training.year, training=training),
        _("Training action saved."),
    ):
        return redirect("steering:trainings")
    return render(request, "steering/training_form.html", {"form": form, "training": training})


@login_required
def training_done(request, pk: int):
    training = _training_for_writing(request, pk)
    form = TrainingDoneForm(request.POST or None, training=training)

    def record_done():
        data = form.cleaned_data
        return services.training_record_done(
            training=training,
            participants=list(data["participants"]),
            date=data["date"],
            end_date=data["end_date"],
            hours=data["hours"],
            version=data.get("version") or "",
        )

    if save_form(request, form, record_done, _("Training action recorded as done.")):
        return redirect("steering:trainings")
    return render(request, "steering/training_done.html", {"form": form, "training": training})


@login_required
@require_POST
def training_delete(request, pk: int):
    training = _training_for_writing(request, pk)
    services.training_delete(training=training)
    messages.success(request, _("Training action deleted."))
    return redirect("steering:trainings")


# --------------------------------------------------------------------------- organigram


@login_required
def organigram(request):
    access = require_staff(request)
    year = _year(request, access.school)
    return render(
        request,
        "steering/organigram.html",
        {
            "year": year,
            "chart": selectors.organigram(year, timezone.localdate()),
            "can_write": access.coordinates_whole_school,
        },
    )


def _whole_school(request):
    access = require_coordination(request)
    if not access.coordinates_whole_school:
        raise PermissionDenied
    return access


@login_required
def organigram_edit(request):
    access = _whole_school(request)
    year = _year(request, access.school)
    form = PilotageRoleForm(request.POST or None, year=year)
    if save_form(request, form, lambda: _role_save(form, year), _("Role added to the organigram.")):
        return redirect("steering:organigram-edit")
    return render(request, "steering/organigram_edit.html", _edit_context(access, year, form))


def _role_save(form, year, role=None):
    """Add a role to the organigram, or change ``role`` (its form carries the version)."""
    data = form.cleaned_data
    return services.pilotage_role_save(
        year=year,
        kind=data["kind"],
        staff=data["staff"],
        name=data["name"],
        title=data["title"],
        level=data["level"],
        role=role,
        version=data.get("version") or "" if role else None,
    )


def _edit_context(access, year, form) -> dict:
    chart = selectors.organigram(year, timezone.localdate())
    return {
        "year": year,
        "form": form,
        "chart": chart,
        "roles": chart.management + [role for _label, items in chart.referents for role in items],
        "coordinator_form": LevelCoordinatorForm(year=year) if access.is_head else None,
        "is_head": access.is_head,
    }


@login_required
def pilotage_role_edit(request, pk: int):
    role = get_or_404(PilotageRole, pk, select=("year__school", "staff", "level"))
    object_access(request, role.year.school, lambda a: a.coordinates_whole_school)
    form = PilotageRoleForm(request.POST or None, instance=role, year=role.year)
    if save_form(request, form, lambda: _role_save(form, role.year, role), _("Role saved.")):
        return redirect("steering:organigram-edit")
    return render(request, "steering/pilotage_role_form.html", {"form": form, "role": role})


@login_required
@require_POST
def pilotage_role_delete(request, pk: int):
    role = get_or_404(PilotageRole, pk, select=("year__school",))
    object_access(request, role.year.school, lambda a: a.coordinates_whole_school)
    services.pilotage_role_delete(role=role)
    messages.success(request, _("Role removed from the organigram."))
    return redirect("steering:organigram-edit")


def _head(request):
    access = require_staff(request)
    if not access.is_head:
        raise PermissionDenied
    return access


@login_required
@require_POST
def level_coordinator_add(request):
    access = _head(request)
    year = _year(request, access.school)
    form = LevelCoordinatorForm(request.POST, year=year)
    if form.is_valid():
        try:
            services.level_coordinator_add(
                level=form.cleaned_data["level"], staff=form.cleaned_data["staff"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Level coordinator named."))
    else:
        messages.error(request, _("Choose a level and a staff member."))
    return redirect("steering:organigram-edit")


@login_required
@require_POST
def level_coordinator_remove(request):
    access = _head(request)
    level = get_object_or_404(Level, pk=request.POST.get("level") or 0, year__school=access.school)
    staff = get_object_or_404(Staff, pk=request.POST.get("staff") or 0, school=access.school)
    try:
        services.level_coordinator_remove(level=level, staff=staff)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Level coordinator removed."))
    return redirect("steering:organigram-edit")
