from django import forms
from django.utils.translation import gettext_lazy as _

from appui.schools.models import Level, Period, Student

from .models import Campaign, Competency, Interview, Observation


class CampaignForm(forms.Form):
    level = forms.ModelChoiceField(label=_("Level"), queryset=Level.objects.none())
    period = forms.ModelChoiceField(label=_("Period"), queryset=Period.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Campaign.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    scale = forms.ChoiceField(label=_("Scale"), choices=Campaign.Scale.choices)
    competencies = forms.ModelMultipleChoiceField(
        label=_("Competencies assessed"),
        queryset=Competency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, levels, periods, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = levels
        self.fields["period"].queryset = periods
        self.fields["competencies"].queryset = competencies


class InterviewForm(forms.ModelForm):
    class Meta:
        model = Interview
        fields = [
            "kind",
            "date",
            "project",
            "aspirations",
            "strengths",
            "difficulties",
            "deepen",
            "notes",
            "restricted",
        ]
        widgets = {
            "date": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "deepen": forms.CheckboxSelectMultiple,
            "aspirations": forms.Textarea(attrs={"rows": 2}),
            "strengths": forms.Textarea(attrs={"rows": 2}),
            "difficulties": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deepen"].queryset = competencies
        self.fields["project"].choices = Student.Project.choices


class ObservationForm(forms.ModelForm):
    class Meta:
        model = Observation
        fields = ["date", "signal", "competency", "note", "restricted"]
        widgets = {
            "date": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = competencies
        self.fields["competency"].required = False
        self.fields["competency"].empty_label = _("The student overall")
