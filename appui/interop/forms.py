"""The upload forms of the import kinds (one per kind, named in the registry) and the LSU
settings form. Every upload is held to the one ``IMPORT_MAX_UPLOAD_BYTES`` setting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appui.diagnostics.access import can_manage_campaign
from appui.diagnostics.models import Campaign
from appui.schools.models import Academy, Period, School, Staff
from appui.schools.selectors import current_year

from .models import LsuSettings

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _checked_size(upload):
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if upload is not None and upload.size > limit:
        raise forms.ValidationError(
            _("The file is larger than %(size)s: upload only the sheet to import.")
            % {"size": filesizeformat(limit)}
        )
    return upload


class UploadForm(forms.Form):
    """A file to import; subclasses add the kind's choices and return them in ``options``."""

    file_label: StrOrPromise = gettext_lazy("File")
    file_help: StrOrPromise = ""
    accept = ""

    file = forms.FileField()

    def __init__(
        self,
        *args,
        creating: bool = False,
        school=None,
        access=None,
        academies=None,
        academy_required: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.access = access
        self.fields["file"].label = self.file_label
        self.fields["file"].help_text = self.file_help
        self.fields["file"].widget.attrs["accept"] = self.accept

    def clean_file(self):
        return _checked_size(self.cleaned_data["file"])

    def options(self) -> dict:
        return {}


class SiecleForm(UploadForm):
    file_label = gettext_lazy("SIECLE students export")
    file_help = gettext_lazy(
        "ExportXML_ElevesSansAdresses.zip as SIECLE gives it, or ElevesSansAdresses.xml "
        "(ElevesAvecAdresses.xml also works)."
    )
    accept = ".zip,.xml,application/zip,text/xml,application/xml"

    nomenclature = forms.FileField(
        label=gettext_lazy("Nomenclature.xml (optional)"),
        required=False,
        help_text=gettext_lazy("SIECLE's nomenclatures: gives the specialty of new divisions."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,.xml"}),
    )
    school_name = forms.CharField(
        label=gettext_lazy("Name of the school"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("As families know it, e.g. Lycée professionnel Jean Moulin."),
    )
    holiday_zone = forms.ChoiceField(
        label=gettext_lazy("School holiday zone"),
        choices=School.Zone.choices,
        initial=School.Zone.B,
        required=False,
        help_text=gettext_lazy("Sets the dates of the school year and of the AP periods."),
    )

    academy = forms.ModelChoiceField(
        label=gettext_lazy("Académie"),
        queryset=Academy.objects.none(),
        required=False,
        help_text=gettext_lazy("The académie of the school, if the file adds a new one."),
    )

    def __init__(
        self,
        *args,
        creating: bool = False,
        academies=None,
        academy_required: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, creating=creating, **kwargs)
        self.creating = creating
        if not creating:
            del self.fields["school_name"]
            del self.fields["holiday_zone"]
            del self.fields["academy"]
            return
        # Adding a school: the file's UAI decides which; a new one joins one of the académies
        # this user may add schools to (an académie administrator must choose one of theirs).
        field = self.fields["academy"]
        assert isinstance(field, forms.ModelChoiceField)
        choices = academies if academies is not None else Academy.objects.none()
        field.queryset = choices
        options = list(choices[:2])
        if len(options) == 1:
            field.initial = options[0].pk
        field.required = academy_required

    def clean_nomenclature(self):
        return _checked_size(self.cleaned_data.get("nomenclature"))

    def clean_school_name(self):
        name = self.cleaned_data.get("school_name", "").strip()
        if self.creating and not name:
            raise forms.ValidationError(
                _("Give the name of the school: the file only has its UAI.")
            )
        return name

    def options(self) -> dict:
        if not self.creating:
            return {}
        academy = self.cleaned_data.get("academy")
        return {
            "school_name": self.cleaned_data["school_name"],
            "holiday_zone": self.cleaned_data.get("holiday_zone") or School.Zone.B,
            "academy": academy.pk if academy else None,
        }


class StsForm(UploadForm):
    file_label = gettext_lazy("STS-web export")
    file_help = gettext_lazy("sts_emp_UAI_year.xml exported from STS-web (or its zip).")
    accept = ".xml,.zip,text/xml,application/xml,application/zip"


class TableForm(UploadForm):
    file_help = gettext_lazy(
        "CSV (separated by ; or ,), Excel (.xlsx) or LibreOffice (.ods), one row per person, "
        "column headers on the first row."
    )
    accept = ".csv,.txt,.xlsx,.ods,text/csv"

    absent_left = forms.BooleanField(
        label=gettext_lazy("The file lists everyone: mark those absent from it as having left"),
        required=False,
    )

    def options(self) -> dict:
        return {"absent_left": self.cleaned_data.get("absent_left", False)}


class StudentTableForm(TableForm):
    file_label = gettext_lazy("Students file")


class StaffTableForm(TableForm):
    file_label = gettext_lazy("Staff file")


class LsuTableForm(UploadForm):
    file_label = gettext_lazy("Periodic reports file")
    file_help = gettext_lazy(
        "CSV, Excel (.xlsx) or LibreOffice (.ods) exported from your school-life software, "
        "one row per student and subject, column headers on the first row."
    )
    accept = ".csv,.txt,.xlsx,.ods,text/csv"

    period = forms.ModelChoiceField(
        label=gettext_lazy("Period of the reports"), queryset=Period.objects.none()
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        year = current_year(self.school) if self.school else None
        period = self.fields["period"]
        assert isinstance(period, forms.ModelChoiceField)  # declared above
        period.queryset = year.periods.order_by("number") if year else Period.objects.none()

    def options(self) -> dict:
        return {"period": self.cleaned_data["period"].pk}


class ResultsForm(UploadForm):
    file_label = gettext_lazy("Results file")
    file_help = gettext_lazy(
        "CSV (separated by ; or ,), Excel (.xlsx) or LibreOffice (.ods), one row per "
        "student, column headers on the first row."
    )
    accept = ".csv,.txt,.xlsx,.ods,text/csv,application/vnd.ms-excel"

    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"), queryset=Campaign.objects.none()
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Campaigns open for entry that this user manages (head, the level's coordinators).
        year = current_year(self.school) if self.school else None
        campaigns = Campaign.objects.filter(year=year, state=Campaign.State.OPEN).select_related(
            "level"
        )
        managed = [c.pk for c in campaigns if self.access and can_manage_campaign(self.access, c)]
        campaign = self.fields["campaign"]
        assert isinstance(campaign, forms.ModelChoiceField)  # declared above
        campaign.queryset = campaigns.filter(pk__in=managed).order_by("-date")

    def options(self) -> dict:
        return {"campaign": self.cleaned_data["campaign"].pk}


class SignatoryField(forms.ModelChoiceField):
    """A member of staff named as on the reports they sign: civility, first and last name."""

    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.civility} {obj.first_name} {obj.last_name}".strip()


class LsuSettingsForm(forms.ModelForm):
    """Who signs, when the reports were locked, which LSU period this is."""

    # The period's settings and councils when the page was opened
    # (``services.lsu_settings_version``, set by the view): a save over a changed state is
    # refused, the typed values shown again.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = LsuSettings
        fields = ["manager", "locked_on", "lsu_index", "lsu_count"]
        field_classes = {"manager": SignatoryField}
        widgets = {"locked_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "manager": gettext_lazy("The member of the management team who signs the reports."),
            "lsu_index": gettext_lazy(
                "Leave empty to use the number of the period in appui (e.g. 1 for the first "
                "trimester when your LSU periods are trimesters)."
            ),
            "lsu_count": gettext_lazy(
                "Leave empty to use the number of periods of appui's year (3 for trimesters, "
                "2 for semesters)."
            ),
        }

    def __init__(self, *args, school, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        manager = self.fields["manager"]
        assert isinstance(manager, forms.ModelChoiceField)  # a ForeignKey's form field
        manager.queryset = Staff.objects.filter(
            school=school, function=Staff.Function.DIRECTION, exit_date__isnull=True
        ).order_by("last_name", "first_name")

    def clean(self):
        data = super().clean()
        index, count = data.get("lsu_index"), data.get("lsu_count")
        if index and count and index > count:
            self.add_error("lsu_index", _("The period number cannot exceed the number of periods."))
        return data


class GuardiansForm(UploadForm):
    file_label = gettext_lazy("SIECLE export with addresses")
    file_help = gettext_lazy(
        "ExportXML_ResponsablesAvecAdresses.zip or ResponsablesAvecAdresses.xml for the "
        "guardians; ElevesAvecAdresses.xml (or its zip) for the students' addresses."
    )
    accept = ".zip,.xml,application/zip,text/xml,application/xml"
