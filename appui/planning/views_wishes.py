"""Pupils' wishes: the coordinator's window page and entry table, and the pupil's page.

Coordinators of the level (and the head) open a window for a level and a period, follow who
answered, enter or correct a pupil's wishes, and close it early. A pupil ranks the modules
offered while the window is open and reads what was recorded afterwards. Rules and writes
are in ``wishes.py``.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appui.schools.access import SchoolAccess, school_access
from appui.schools.models import Level, Membership, Period
from appui.schools.selectors import selected_year

from . import wishes
from .forms_wishes import RankingForm, WishWindowForm
from .models import WishWindow


def _level_period(request, level_pk: int, period_pk: int) -> tuple[SchoolAccess, Level, Period]:
    """The level and period of the URL, for a coordinator of that level (or the head)."""
    access = school_access(request)
    level = get_object_or_404(Level, pk=level_pk, year__school=access.school)
    period = get_object_or_404(Period, pk=period_pk, year=level.year)
    if not access.can_coordinate_level(level.pk):
        raise PermissionDenied
    return access, level, period


@login_required
def wish_index(request):
    access = school_access(request, lambda a: a.can_coordinate)
    year = selected_year(request)
    levels = [lv for lv in year.levels.all() if access.can_coordinate_level(lv.pk)] if year else []
    periods = list(year.periods.all()) if year else []
    windows = {(w.level_id, w.period_id): w for w in WishWindow.objects.filter(level__in=levels)}
    today = wishes.today()
    rows = []
    for level in levels:
        cells = []
        for period in periods:
            window = windows.get((level.pk, period.pk))
            cells.append((period, window, wishes.window_state(window, today) if window else ""))
        rows.append((level, cells))
    return render(request, "planning/wish_index.html", {"rows": rows, "periods": periods})


@login_required
def wish_window(request, level_pk: int, period_pk: int):
    _access, level, period = _level_period(request, level_pk, period_pk)
    window = wishes.window_for(level, period)
    modules = wishes.offerable_modules(level, window)
    if request.method == "POST":
        form = WishWindowForm(request.POST, modules=modules)
        if form.is_valid():
            data = form.cleaned_data
            try:
                window, removed = wishes.window_save(
                    level=level,
                    period=period,
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                    modules=data["modules"],
                    max_wishes=data["max_wishes"],
                    user=request.user,
                    version=data["version"],
                )
            except wishes.WishConflict as conflict:
                messages.error(request, str(conflict))
                return redirect("planning:wish-window", level.pk, period.pk)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Wishes window saved."))
                if removed:
                    messages.warning(
                        request,
                        _(
                            "%(n)s wish(es) on modules no longer offered (or beyond the number "
                            "of wishes asked) were removed; the pupils' other wishes moved up."
                        )
                        % {"n": removed},
                    )
                return redirect("planning:wish-window", level.pk, period.pk)
    else:
        form = WishWindowForm(initial=_window_initial(level, period, window), modules=modules)
    context: dict[str, object] = {
        "level": level,
        "period": period,
        "window": window,
        "form": form,
        "state": wishes.window_state(window) if window else "",
    }
    if window is not None:
        context["answers"] = wishes.window_answers(window)
        context["served"] = wishes.wishes_served(window)
    return render(request, "planning/wish_window.html", context)


def _window_initial(level: Level, period: Period, window: WishWindow | None) -> dict:
    if window is not None:
        return {
            "opens_on": window.opens_on,
            "closes_on": window.closes_on,
            "max_wishes": window.max_wishes,
            "modules": list(window.modules.all()),
            "version": wishes.window_version(window),
        }
    today = wishes.today()
    return {
        "opens_on": today,
        "closes_on": today + datetime.timedelta(days=14),
        "max_wishes": 3,
        "modules": list(wishes.default_modules(level, period)),
        "version": "",
    }


@login_required
@require_POST
def wish_close(request, level_pk: int, period_pk: int):
    _access, level, period = _level_period(request, level_pk, period_pk)
    window = wishes.window_for(level, period)
    if window is None:
        raise Http404
    try:
        wishes.window_close(window=window, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Wishes closed: pupils now read what was recorded."))
    return redirect("planning:wish-window", level.pk, period.pk)


def _row_form(window: WishWindow, pupil, data=None, current=None) -> RankingForm:
    current = current if current is not None else []
    return RankingForm(
        data,
        window=window,
        required=False,
        prefix_label=f" — {pupil.first_name} {pupil.last_name}",
        initial=RankingForm.initial_for(current, wishes.wishes_version(current)),
        auto_id=f"id_p{pupil.pk}_%s",
        form_id=f"voeux-form-{pupil.pk}",
    )


#: Pupils' rows per page of the entry table.
ENTRY_ROWS = 40


@login_required
def wish_entry(request, level_pk: int, period_pk: int):
    """One row per pupil with their wishes, each row saved on its own."""
    _access, level, period = _level_period(request, level_pk, period_pk)
    window = wishes.window_for(level, period)
    if window is None:
        raise Http404
    divisions = list(level.divisions.order_by("code"))
    division_id = _int(request.GET.get("division"))
    if division_id is not None and division_id not in {d.pk for d in divisions}:
        division_id = None
    # A page of rows at a time (three selects per pupil, a level has hundreds of pupils), and
    # the wishes of that page's pupils only.
    page = Paginator(wishes.window_roster(window, division_id), ENTRY_ROWS).get_page(
        request.GET.get("page")
    )
    current = wishes.wishes_of_pupils(window, [pupil.pk for pupil in page])
    rows = [
        {"pupil": pupil, "form": _row_form(window, pupil, current=current.get(pupil.pk))}
        for pupil in page
    ]
    return render(
        request,
        "planning/wish_entry.html",
        {
            "level": level,
            "period": period,
            "window": window,
            "rows": rows,
            "page": page,
            "divisions": divisions,
            "division_id": division_id,
        },
    )


@login_required
@require_POST
def wish_entry_row(request, level_pk: int, period_pk: int, student_pk: int):
    """Save one pupil's wishes: the row again (htmx), or back to the table."""
    _access, level, period = _level_period(request, level_pk, period_pk)
    window = wishes.window_for(level, period)
    if window is None:
        raise Http404
    pupil = wishes.window_pupil(window, student_pk)
    if pupil is None:
        raise Http404
    form = _row_form(window, pupil, data=request.POST)
    # htmx swaps 2xx answers only (and the CSP allows no inline handler to change that): a
    # conflict or a refused choice comes back as a 200 row that says what happened.
    note = error = ""
    if form.is_valid():
        try:
            saved = wishes.wishes_save(
                window=window,
                student=pupil,
                modules=form.cleaned_data["modules"],
                user=request.user,
                version=form.cleaned_data["version"],
                by_coordinator=True,
            )
        except wishes.WishConflict as conflict:
            error = str(conflict)
            form = _row_form(window, pupil, current=conflict.current)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            note = _("Saved.")
            form = _row_form(window, pupil, current=saved)
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if not request.headers.get("HX-Request"):
        name = f"{pupil.first_name} {pupil.last_name}"
        if error:
            messages.error(request, f"{name} : {error}")
        else:
            messages.success(request, f"{name} : {note}")
        # Back to the page of the table that shows the pupil's row.
        pupils = list(wishes.window_roster(window).values_list("pk", flat=True))
        number = pupils.index(pupil.pk) // ENTRY_ROWS + 1 if pupil.pk in pupils else 1
        url = reverse("planning:wish-entry", args=[level.pk, period.pk])
        query = f"?page={number}" if number > 1 else ""
        return redirect(f"{url}{query}#voeux-{pupil.pk}")
    return render(
        request,
        "planning/_wish_row.html",
        {
            "window": window,
            "level": level,
            "period": period,
            "row": {"pupil": pupil, "form": form, "note": note, "error": error},
        },
    )


@login_required
def wish_mine(request):
    """The pupil's own wishes: rank the modules while a window is open, read them after."""
    access = school_access(request, lambda a: Membership.Role.STUDENT in a.roles)
    pupil = wishes.pupil_of_user(request.user, access.school)
    if pupil is None:
        raise Http404
    windows = wishes.student_windows(pupil)
    recorded = wishes.wishes_of(pupil, windows)
    posted = _int(request.POST.get("window")) if request.method == "POST" else None
    entries = []
    for window in windows:
        state = wishes.window_state(window)
        current = recorded.get(window.pk, [])
        form = None
        if state == wishes.OPEN:
            data = request.POST if posted == window.pk else None
            form = RankingForm(
                data,
                window=window,
                required=True,
                initial=RankingForm.initial_for(current, wishes.wishes_version(current)),
                auto_id=f"id_w{window.pk}_%s",
            )
            if data is not None and form.is_valid():
                try:
                    wishes.wishes_save(
                        window=window,
                        student=pupil,
                        modules=form.cleaned_data["modules"],
                        user=request.user,
                        version=form.cleaned_data["version"],
                        by_coordinator=False,
                    )
                except wishes.WishConflict as conflict:
                    messages.error(request, str(conflict))
                    return redirect("planning:wish-mine")
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, _("Your wishes are recorded. Thank you!"))
                    return redirect("planning:wish-mine")
        entries.append({"window": window, "state": state, "wishes": current, "form": form})
    if posted is not None and not any(e["form"] and e["window"].pk == posted for e in entries):
        messages.error(request, _("Wishes are closed for this period: they can no longer change."))
        return redirect("planning:wish-mine")
    return render(request, "planning/wish_mine.html", {"pupil": pupil, "entries": entries})


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
