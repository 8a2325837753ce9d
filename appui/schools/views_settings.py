"""The year's settings for the head (issue 15, item 5): levels and their AP hours, levels « à
préciser », periods, holiday zone. No superuser and no /admin/ needed. The head writes,
coordinators read, and a coordinator of a level sets its special schemes rule; every save is
audited (``updated_by``/``updated_at``) and refused when the row changed since the form was
opened."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .access import SchoolAccess, school_access
from .forms import (
    HolidayZoneForm,
    LevelMappingForm,
    LevelSchemesForm,
    LevelSettingsForm,
    PeriodFormSet,
)
from .models import Level, SchoolYear
from .selectors import current_year, levels_overview


class YearSwitchForm(forms.Form):
    """The head makes the school year opened by the next SIECLE file current (before its
    first day, when the rentrée is prepared early)."""

    year = forms.ModelChoiceField(queryset=SchoolYear.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, school, current: SchoolYear | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        later = SchoolYear.objects.filter(school=school)
        if current is not None:
            later = later.filter(start_year__gt=current.start_year)
        #: The years after the current one, the nearest first.
        self.later = later.order_by("start_year")
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.ModelChoiceField)
        year_field.queryset = self.later


def _can_read(access: SchoolAccess) -> bool:
    return access.is_head or access.is_coordinator


def _year(access: SchoolAccess) -> SchoolYear:
    year = current_year(access.school)
    if year is None:
        raise Http404
    return year


def _write_access(request, access: SchoolAccess | None = None) -> SchoolAccess:
    """Coordinators read, the head writes."""
    access = access or school_access(request)
    if not _can_read(access) or (request.method == "POST" and not access.is_head):
        raise PermissionDenied
    return access


class EntSettingsForm(forms.Form):
    """ENT sign-on (docs/connexion.md): which released value identifies an account."""

    cas_attribute = forms.CharField(
        label=gettext_lazy("CAS attribute holding the ENT identifier"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("« user » for the CAS login itself (the usual case)."),
    )
    oidc_claim = forms.CharField(
        label=gettext_lazy("OpenID Connect claim holding the ENT identifier"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("« sub » by default; « preferred_username » for the login."),
    )
    national_id_attribute = forms.CharField(
        label=gettext_lazy("Attribute holding the INE, SIECLE or STS-web identifier"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Leave empty when the ENT does not release it."),
    )
    version = forms.CharField(widget=forms.HiddenInput)


def _ent_form(school, data=None) -> EntSettingsForm:
    return EntSettingsForm(
        data,
        initial={
            "cas_attribute": school.ent_cas_attribute,
            "oidc_claim": school.ent_oidc_claim,
            "national_id_attribute": school.ent_national_id_attribute,
            "version": services.row_version(school),
        },
    )


def _ent_save(request, access: SchoolAccess):
    form = _ent_form(access.school, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.school_set_ent_settings(
                school=access.school,
                version=data["version"],
                user=access.logged_in_user,
                cas_attribute=data["cas_attribute"].strip(),
                oidc_claim=data["oidc_claim"].strip(),
                national_id_attribute=data["national_id_attribute"].strip(),
            )
        except services.EditConflict as conflict:
            messages.error(request, str(conflict))
        else:
            messages.success(request, _("The ENT sign-on settings were saved."))
    return redirect("schools:settings-home")


@login_required
def settings_home(request):
    access = _write_access(request)
    school = access.school
    year = current_year(school)
    if request.method == "POST" and "switch_year" in request.POST:
        return _year_switch(request, access, year)
    if request.method == "POST" and "ent_settings" in request.POST:
        return _ent_save(request, access)
    form = HolidayZoneForm(
        request.POST or None,
        initial={"zone": school.holiday_zone, "version": services.row_version(school)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.school_set_holiday_zone(
                school=school,
                version=form.cleaned_data["version"],
                user=access.logged_in_user,
                zone=form.cleaned_data["zone"],
            )
        except services.EditConflict as conflict:
            messages.error(request, str(conflict))
        else:
            messages.success(request, _("The holiday zone was saved."))
        return redirect("schools:settings-home")
    levels = list(levels_overview(year)) if year else []
    upcoming = YearSwitchForm(school=school, current=year).later.first()
    return render(
        request,
        "schools/settings_home.html",
        {
            "upcoming": upcoming,
            "access": access,
            "school": school,
            "year": year,
            "form": form,
            "levels": levels,
            "to_specify": [level for level in levels if level.to_specify],
            "periods": year.periods.all() if year else [],
            "ent_form": _ent_form(school),
            "ent_links": school.ent_identities.count(),
        },
    )


def _year_switch(request, access: SchoolAccess, current: SchoolYear | None):
    form = YearSwitchForm(request.POST, school=access.school, current=current)
    if not form.is_valid():
        messages.error(request, _("This school year cannot be made current."))
        return redirect("schools:settings-home")
    year = services.year_make_current(year=form.cleaned_data["year"], user=access.logged_in_user)
    messages.success(
        request,
        _("%(year)s is now the current school year; the former one stays readable.")
        % {"year": year.label},
    )
    return redirect("schools:settings-home")


@login_required
def settings_levels(request):
    access = school_access(request, _can_read)
    year = _year(access)
    rows = [(level, services.official_hours(level)) for level in levels_overview(year)]
    return render(
        request, "schools/settings_levels.html", {"access": access, "year": year, "rows": rows}
    )


@login_required
def settings_level(request, pk: int):
    access = school_access(request)
    level = _school_level(access, pk)
    if request.method == "POST" and "schemes" in request.POST:
        return _level_schemes_save(request, access, level)
    _write_access(request, access)
    official = services.official_hours(level)
    version = services.row_version(level)
    form = _level_form(request, level, official, version)
    if request.method == "POST" and form.is_valid():
        response = _level_save(request, access, level, form)
        if response is not None:
            return response
    return render(
        request,
        "schools/settings_level.html",
        {
            "access": access,
            "level": level,
            "form": form,
            "schemes_form": _level_schemes_form(access, level, version),
            "official": official,
        },
    )


def _school_level(access: SchoolAccess, pk: int) -> Level:
    """The level of the access's school; another school's level: its existence is not
    revealed."""
    level = (
        Level.objects.select_related("year", "updated_by")
        .filter(pk=pk, year__school=access.school)
        .first()
    )
    if level is None:
        raise Http404
    return level


def _level_form(
    request, level: Level, official: tuple[Decimal, str] | None, version: str
) -> LevelMappingForm | LevelSettingsForm:
    """The mapping form of a level « à préciser », else its settings form."""
    if level.to_specify:
        return LevelMappingForm(
            request.POST or None,
            initial={
                "name": level.name,
                "short_name": level.short_name,
                "year_in_cycle": level.year_in_cycle,
                "has_ap": level.has_ap,
                "ap_hours": level.ap_hours or None,
                "version": version,
            },
        )
    data = request.POST or None
    if data is not None and "official" in data and official is not None:
        # « Apply the official volume »: the seeds' default, the other fields unchanged.
        data = data.copy()
        data["ap_hours"] = str(official[0])
        data["hours_reference"] = official[1]
    return LevelSettingsForm(
        data,
        initial={
            "has_ap": level.has_ap,
            "ap_hours": level.ap_hours,
            "hours_reference": level.hours_reference,
            "separate_schemes": level.separate_schemes,
            "consolidation_hours": level.consolidation_hours,
            "personalised_hours": level.personalised_hours,
            "orientation_hours": level.orientation_hours,
            "group_by_parcours": level.group_by_parcours,
            "version": version,
        },
        level=level,
    )


def _level_save(
    request, access: SchoolAccess, level: Level, form: LevelMappingForm | LevelSettingsForm
):
    """Save a valid form through its service: the redirect, or None to show the form again
    with the service's errors."""
    data = dict(form.cleaned_data)
    try:
        if level.to_specify:
            data["ap_hours"] = data["ap_hours"] or 0
            services.level_map_mef(level=level, user=access.logged_in_user, **data)
            messages.success(
                request,
                _("The level was specified; later imports will apply it to its MEF code."),
            )
        else:
            services.level_settings_save(level=level, user=access.logged_in_user, **data)
            messages.success(request, _("The level's settings were saved."))
    except services.EditConflict as conflict:
        messages.error(request, str(conflict))
        return redirect("schools:settings-level", pk=level.pk)
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return None
    return redirect("schools:settings-levels")


def _level_schemes_form(access: SchoolAccess, level: Level, version: str):
    """A coordinator of the level sets its special schemes rule (the head, in its form)."""
    if not access.is_head and access.can_coordinate_level(level.pk):
        return LevelSchemesForm(
            initial={
                "separate_schemes": level.separate_schemes,
                "group_by_parcours": level.group_by_parcours,
                "version": version,
            },
            level=level,
        )
    return None


def _level_schemes_save(request, access: SchoolAccess, level: Level):
    """A coordinator of the level (or the head) changes whether its need groups keep special
    schemes apart; the rest of the level stays the head's."""
    if not access.can_coordinate_level(level.pk):
        raise PermissionDenied
    form = LevelSchemesForm(request.POST, level=level)
    if form.is_valid():
        try:
            services.level_separate_schemes_set(
                level=level, user=access.logged_in_user, **form.cleaned_data
            )
        except services.EditConflict as conflict:
            messages.error(request, str(conflict))
        else:
            messages.success(request, _("The special schemes rule was saved."))
    return redirect("schools:settings-level", pk=level.pk)


@login_required
def settings_periods(request):
    access = _write_access(request)
    year = _year(access)
    periods = list(year.periods.select_related("updated_by"))
    version = services.periods_version(year)
    initial = [
        {
            "pk": p.pk,
            "number": p.number,
            "name": p.name,
            "start_date": p.start_date,
            "end_date": p.end_date,
        }
        for p in periods
    ]
    formset = PeriodFormSet(request.POST or None, initial=initial, prefix="periodes")
    if request.method == "POST":
        posted_version = request.POST.get("version", "")
        rows = None
        if posted_version != version:
            # The rows posted were read from another set of periods: refuse before
            # validating them against the present one (the service checks again, locked).
            messages.error(request, str(services.EditConflict()))
            return redirect("schools:settings-periods")
        if "calendar" in request.POST:
            rows = services.periods_from_calendar(year)
        elif formset.is_valid():
            rows = [
                services.PeriodRow(
                    pk=data.get("pk"),
                    number=data["number"],
                    name=data["name"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    delete=data.get("delete", False),
                )
                for data in formset.cleaned_data
                if data and (data.get("pk") or not data.get("delete"))
            ]
        if rows is not None:
            try:
                services.periods_save(
                    year=year, version=posted_version, user=access.logged_in_user, rows=rows
                )
            except services.EditConflict as conflict:
                messages.error(request, str(conflict))
                return redirect("schools:settings-periods")
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, _("The periods were saved."))
                return redirect("schools:settings-periods")
        else:
            errors = []
    else:
        errors = []
    return render(
        request,
        "schools/settings_periods.html",
        {
            "access": access,
            "year": year,
            "formset": formset,
            "periods": periods,
            "version": version,
            "errors": errors,
        },
    )
