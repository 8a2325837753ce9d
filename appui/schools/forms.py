"""Forms of the school's settings pages. Each carries the version it was opened on, so a
stale save is refused instead of overwriting a colleague's change."""

from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from .models import Level, Parcours, School
from .services import parcours_version
from .widgets import RowHidden, RowSelect


class VersionedForm(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class LevelSettingsForm(VersionedForm):
    has_ap = forms.BooleanField(label=_("This level has AP"), required=False)
    ap_hours = forms.DecimalField(
        label=_("Yearly AP hours"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
        localize=True,
    )
    hours_reference = forms.CharField(label=_("Legal reference"), max_length=300, required=False)
    separate_schemes = forms.BooleanField(
        label=_("Keep special schemes (SEGPA, ULIS, UPE2A) apart in need groups"), required=False
    )
    # The split between the strands (seed 000): optional, all three or none.
    consolidation_hours = forms.DecimalField(
        label=_("Of which consolidation (hours)"),
        max_digits=6,
        decimal_places=1,
        min_value=Decimal("0"),
        required=False,
        localize=True,
    )
    personalised_hours = forms.DecimalField(
        label=_("Of which personalised support (hours)"),
        max_digits=6,
        decimal_places=1,
        min_value=Decimal("0"),
        required=False,
        localize=True,
    )
    orientation_hours = forms.DecimalField(
        label=_("Of which orientation support (hours)"),
        max_digits=6,
        decimal_places=1,
        min_value=Decimal("0"),
        required=False,
        localize=True,
        help_text=_(
            "Optional: how the yearly volume is split between the three strands; the three "
            "add up to the volume."
        ),
    )
    group_by_parcours = forms.BooleanField(
        label=_("Group pupils by their terminale parcours (insertion / further studies)"),
        required=False,
    )

    def __init__(self, *args, level: Level | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if level is not None and not level.has_parcours:
            del self.fields["group_by_parcours"]


class LevelSchemesForm(VersionedForm):
    """A coordinator of the level changes only the grouping rules (the head has the whole
    form); the parcours rule only on a terminale."""

    separate_schemes = LevelSettingsForm.base_fields["separate_schemes"]
    group_by_parcours = LevelSettingsForm.base_fields["group_by_parcours"]

    def __init__(self, *args, level: Level | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if level is not None and not level.has_parcours:
            del self.fields["group_by_parcours"]


class LevelMappingForm(VersionedForm):
    """What a level « à préciser » is; kept for its MEF code for every later import."""

    name = forms.CharField(label=_("Name"), max_length=100)
    short_name = forms.CharField(label=_("Short name"), max_length=20)
    track = forms.ChoiceField(
        label=_("Track"),
        choices=[(value, label) for value, label in Level.Track.choices if value != "other"],
    )
    year_in_cycle = forms.IntegerField(label=_("Year in the cycle"), min_value=1, max_value=5)
    has_ap = forms.BooleanField(label=_("This level has AP"), required=False)
    ap_hours = forms.DecimalField(
        label=_("Yearly AP hours"),
        max_digits=6,
        decimal_places=1,
        min_value=Decimal("0"),
        required=False,
        localize=True,
        help_text=_("Leave empty or 0 when the level has no AP."),
    )

    def clean(self):
        data = super().clean()
        if data.get("has_ap") and not data.get("ap_hours"):
            self.add_error("ap_hours", _("Give the yearly AP hours, or untick « has AP »."))
        return data


class HolidayZoneForm(VersionedForm):
    zone = forms.ChoiceField(label=_("School holiday zone"), choices=School.Zone.choices)


class PeriodForm(forms.Form):
    # One row of a table: each input is named by aria-label (a visually hidden label would
    # be positioned outside the table's scrolling box and widen the page on a phone).
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = forms.IntegerField(
        label=_("Number"),
        min_value=1,
        max_value=20,
        widget=forms.NumberInput(attrs={"aria-label": _("Number")}),
    )
    name = forms.CharField(
        label=_("Name"), max_length=100, widget=forms.TextInput(attrs={"aria-label": _("Name")})
    )
    start_date = forms.DateField(
        label=_("Start"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "aria-label": _("Start")}),
    )
    end_date = forms.DateField(
        label=_("End"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "aria-label": _("End")}),
    )
    delete = forms.BooleanField(
        label=_("Delete"),
        required=False,
        widget=forms.CheckboxInput(attrs={"aria-label": _("Delete")}),
    )


PeriodFormSet = forms.formset_factory(PeriodForm, extra=1)


class ParcoursForm(forms.Form):
    """The terminale parcours of some pupils: one choice and the version it was opened on per
    enrolment (fields ``parcours-<id>`` and ``version-<id>``), for one pupil or a division."""

    def __init__(self, *args, enrolments=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        for enrolment in enrolments:
            # Drawn in Python: a field per pupil of the division (appui.schools.widgets).
            choice = forms.ChoiceField(
                label=str(enrolment.student),
                choices=Parcours.choices,
                required=False,
                initial=enrolment.parcours,
                widget=RowSelect,
            )
            version = forms.CharField(
                widget=RowHidden, required=False, initial=parcours_version(enrolment)
            )
            self.fields[f"parcours-{enrolment.pk}"] = choice
            self.fields[f"version-{enrolment.pk}"] = version
            self.rows.append(
                (enrolment, self[f"parcours-{enrolment.pk}"], self[f"version-{enrolment.pk}"])
            )

    def choices(self) -> dict[int, tuple[str, str]]:
        """What the service takes: enrolment id → (parcours, version)."""
        return {
            enrolment.pk: (
                self.cleaned_data[f"parcours-{enrolment.pk}"],
                self.cleaned_data[f"version-{enrolment.pk}"],
            )
            for enrolment, _choice, _version in self.rows
        }
