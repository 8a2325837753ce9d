from django import forms
from django.utils.translation import gettext_lazy as _

from appui.diagnostics.models import Competency
from appui.schools.models import Division, Period, Staff

from .models import Module, Partner, Resource, Room, Slot
from .services import catalogue_version


class VersionedForm(forms.ModelForm):
    """Carries the row's ``catalogue_version`` when the form was opened: a save on a state
    changed meanwhile is refused (``services.catalogue_save``), the typed values shown again."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = catalogue_version(self.instance)


class SlotForm(VersionedForm):
    class Meta:
        model = Slot
        fields = ["weekday", "start_time", "end_time", "periods", "divisions", "staff", "rooms"]
        widgets = {
            "start_time": forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
            "end_time": forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
            "periods": forms.CheckboxSelectMultiple,
            "divisions": forms.CheckboxSelectMultiple,
            "staff": forms.CheckboxSelectMultiple,
            "rooms": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, level, **kwargs):
        super().__init__(*args, **kwargs)
        school = level.year.school
        self.fields["periods"].queryset = Period.objects.filter(year=level.year)
        self.fields["divisions"].queryset = Division.objects.filter(level=level)
        self.fields["staff"].queryset = Staff.objects.filter(school=school).order_by("last_name")
        self.fields["rooms"].queryset = Room.objects.filter(school=school)
        if not self.instance.pk:
            # A new slot usually frees every division of the level, all year long.
            self.initial["periods"] = list(self.fields["periods"].queryset)
            self.initial["divisions"] = list(self.fields["divisions"].queryset)


class ModuleForm(VersionedForm):
    class Meta:
        model = Module
        fields = [
            "code",
            "title",
            "objective",
            "competency",
            "kind",
            "sessions",
            "success_indicators",
            "min_size",
            "max_size",
            "staff",
            "room_needs",
            "active",
            "partners",
            "resources",
            "remarkable",
            "public_summary",
        ]
        widgets = {
            "staff": forms.CheckboxSelectMultiple,
            "success_indicators": forms.Textarea(attrs={"rows": 2}),
            "partners": forms.CheckboxSelectMultiple,
            "resources": forms.CheckboxSelectMultiple,
            "public_summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["competency"].queryset = Competency.objects.filter(
            framework__school=school, retired=False
        ).select_related("domain")
        self.fields["staff"].queryset = Staff.objects.filter(school=school).order_by("last_name")
        self.fields["staff"].required = False
        self.fields["partners"].queryset = Partner.objects.filter(school=school)
        self.fields["resources"].queryset = Resource.objects.filter(school=school)

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        others = Module.objects.filter(school=self.school, code=code).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Another module already has this code."))
        return code

    def clean(self):
        data = super().clean()
        low, high = data.get("min_size"), data.get("max_size")
        if low is not None and high is not None and high < low:
            self.add_error("max_size", _("The maximum size must be at least the minimum size."))
        return data


class PartnerForm(VersionedForm):
    class Meta:
        model = Partner
        fields = ["name", "kind", "contact", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Partner.objects.filter(school=self.school, name__iexact=name)
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another partner already has this name."))
        return name


class ResourceForm(VersionedForm):
    # Only web addresses (the model's validator refuses any other scheme); a bare
    # « avenirs.onisep.fr » is read as https.
    url = forms.URLField(
        label=_("address (URL)"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    class Meta:
        model = Resource
        fields = ["title", "kind", "url", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        others = Resource.objects.filter(school=self.school, title__iexact=title)
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another resource already has this title."))
        return title
