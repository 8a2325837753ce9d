"""Slots (barrettes) and the module catalogue: coordinators edit, staff read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from appui.core.timetable import SlotRecord, find_conflicts
from appui.schools.access import school_access
from appui.schools.form_saving import save_form
from appui.schools.models import Level
from appui.schools.selectors import selected_year

from .forms import ModuleForm, SlotForm
from .models import Module, Slot
from .services import catalogue_save


def slot_conflicts(slots) -> dict[int, list[str]]:
    records: list[SlotRecord] = []
    names: dict[str, dict[int, str]] = {"staff": {}, "room": {}, "division": {}}
    for slot in slots:
        staff, rooms, divisions = (
            list(slot.staff.all()),
            list(slot.rooms.all()),
            list(slot.divisions.all()),
        )
        names["staff"].update({s.pk: str(s) for s in staff})
        names["room"].update({r.pk: r.name for r in rooms})
        names["division"].update({d.pk: d.code for d in divisions})
        records.append(
            SlotRecord(
                id=slot.pk,
                label=f"{slot.level.short_name} {slot}",
                weekday=slot.weekday,
                start=slot.start_time,
                end=slot.end_time,
                periods=frozenset(p.pk for p in slot.periods.all()),
                staff=frozenset(s.pk for s in staff),
                rooms=frozenset(r.pk for r in rooms),
                divisions=frozenset(d.pk for d in divisions),
            )
        )
    by_slot: dict[int, list[str]] = {}
    for conflict in find_conflicts(records, names):
        by_slot.setdefault(conflict.first, []).append(conflict.message)
        by_slot.setdefault(conflict.second, []).append(conflict.message)
    return by_slot


@login_required
def slot_list(request):
    access = school_access(request, lambda a: a.is_staff_member)
    year = selected_year(request)
    slots = (
        list(
            Slot.objects.filter(year=year)
            .select_related("level")
            .prefetch_related("periods", "divisions", "staff", "rooms")
        )
        if year
        else []
    )
    conflicts = slot_conflicts(slots)
    levels = []
    for level in year.levels.all() if year else []:
        level_slots = [s for s in slots if s.level_id == level.pk]
        weekly = sum(s.minutes for s in level_slots)
        levels.append(
            {
                "level": level,
                "slots": [(s, conflicts.get(s.pk, [])) for s in level_slots],
                "weekly_minutes": weekly,
                "editable": access.can_coordinate_level(level.pk),
            }
        )
    return render(
        request,
        "planning/slot_list.html",
        {"levels": levels, "conflict_count": sum(len(v) for v in conflicts.values()) // 2},
    )


@login_required
def slot_edit(request, level_pk: int, pk: int | None = None):
    access = school_access(request, lambda a: a.is_staff_member)
    school = access.school
    level = get_object_or_404(Level, pk=level_pk, year__school=school)
    if not access.can_coordinate_level(level.pk):
        raise PermissionDenied
    slot = get_object_or_404(Slot, pk=pk, level=level) if pk else Slot(level=level, year=level.year)
    form = SlotForm(request.POST or None, instance=slot, level=level)
    if request.method == "POST":
        if request.POST.get("delete") and slot.pk:
            if slot.groups.exists():
                messages.error(request, _("This slot has groups: it cannot be deleted."))
            else:
                slot.delete()
                messages.success(request, _("Slot deleted."))
            return redirect("planning:slot-list")
        if save_form(
            request,
            form,
            lambda: catalogue_save(form=form, version=form.cleaned_data["version"] if pk else None),
            _("Slot saved."),
        ):
            return redirect("planning:slot-list")
    return render(request, "planning/slot_form.html", {"form": form, "level": level, "slot": slot})


@login_required
def module_list(request):
    access = school_access(request, lambda a: a.is_staff_member)
    school = access.school
    modules = (
        Module.objects.filter(school=school)
        .select_related("competency")
        .prefetch_related("staff")
        .order_by("-active", "code")
    )
    return render(
        request,
        "planning/module_list.html",
        {"modules": modules, "can_edit": access.can_coordinate},
    )


@login_required
def module_edit(request, pk: int | None = None, copy_of: int | None = None):
    access = school_access(request, lambda a: a.is_staff_member)
    school = access.school
    if not access.can_coordinate:
        raise PermissionDenied
    module = get_object_or_404(Module, pk=pk, school=school) if pk else Module(school=school)
    initial = {}
    if copy_of:
        source = get_object_or_404(Module, pk=copy_of, school=school)
        initial = {
            field: getattr(source, field)
            for field in [
                "title",
                "objective",
                "competency",
                "kind",
                "sessions",
                "success_indicators",
                "min_size",
                "max_size",
                "room_needs",
                "active",
            ]
        }
        initial.update(
            code=f"{source.code}-2",
            staff=list(source.staff.all()),
            # A copy works with the same partners and resources; it is not a remarkable action
            # until the coordinator says so.
            partners=list(source.partners.all()),
            resources=list(source.resources.all()),
        )
    form = ModuleForm(request.POST or None, instance=module, school=school, initial=initial)
    if save_form(
        request,
        form,
        lambda: catalogue_save(form=form, version=form.cleaned_data["version"] if pk else None),
        _("Module saved."),
    ):
        if module.sessions_warning:  # the form's instance, just saved
            messages.warning(
                request,
                _("%(n)s sessions: modules are meant to be short sequences of 3 to 5 sessions.")
                % {"n": module.sessions},
            )
        return redirect("planning:module-list")
    return render(request, "planning/module_form.html", {"form": form, "module": module})
