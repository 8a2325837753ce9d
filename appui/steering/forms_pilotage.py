"""Forms of the pilotage pages: the training plan and the organigram."""

from django import forms
from django.utils.translation import gettext_lazy as _

from appui.schools.models import Level, Staff
from appui.schools.services import row_version

from .forms import DATE
from .models import PilotageRole, TrainingAction


def present_staff(school):
    return Staff.objects.filter(school=school, exit_date__isnull=True).order_by(
        "last_name", "first_name"
    )


class TrainingForm(forms.ModelForm):
    """A training action of the plan. Its last change when the form was opened travels in
    ``version``: a save over a newer state is refused (``services.training_save``)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = TrainingAction
        fields = [
            "title",
            "theme",
            "organiser",
            "date",
            "end_date",
            "hours",
            "status",
            "participants",
            "notes",
        ]
        widgets = {
            "date": DATE,
            "end_date": DATE,
            "participants": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "participants": _(
                "Registered while it is planned; those who took part once it is done."
            )
        }

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = present_staff(school)
        if self.instance.pk:
            self.fields["version"].initial = row_version(self.instance)

    def clean(self):
        data = super().clean()
        start, end = data.get("date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("A training cannot end before it starts."))
        return data


class TrainingDoneForm(forms.Form):
    """Record a training action as done: its actual dates and who actually took part."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)
    date = forms.DateField(label=_("Date"), widget=DATE)
    end_date = forms.DateField(label=_("Last day"), widget=DATE, required=False)
    hours = forms.DecimalField(
        label=_("Duration (hours)"), max_digits=5, decimal_places=1, min_value=0, required=False
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Who took part"),
        queryset=Staff.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, training: TrainingAction, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "version": row_version(training),  # type: ignore[arg-type]
                "date": training.date,
                "end_date": training.end_date,
                "hours": training.hours,
                "participants": list(training.participants.all()),
            },
        )
        super().__init__(*args, **kwargs)
        participants = self.fields["participants"]
        assert isinstance(participants, forms.ModelMultipleChoiceField)
        participants.queryset = present_staff(training.year.school)

    def clean(self):
        data = super().clean()
        start, end = data.get("date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("A training cannot end before it starts."))
        return data


class PilotageRoleForm(forms.ModelForm):
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PilotageRole
        fields = ["kind", "title", "staff", "name", "level"]

    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = present_staff(year.school)
        self.fields["level"].queryset = Level.objects.filter(year=year).order_by("order", "name")
        if self.instance.pk:
            self.fields["version"].initial = row_version(self.instance)

    def clean(self):
        data = super().clean()
        staff, name = data.get("staff"), (data.get("name") or "").strip()
        if staff is None and not name:
            raise forms.ValidationError(_("Choose a staff member or write the person's name."))
        if staff is not None and name:
            raise forms.ValidationError(_("Choose a staff member or write a name, not both."))
        return data


class LevelCoordinatorForm(forms.Form):
    level = forms.ModelChoiceField(label=_("Level"), queryset=Level.objects.none())
    staff = forms.ModelChoiceField(label=_("Coordinator"), queryset=Staff.objects.none())

    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = Level.objects.filter(year=year).order_by("order", "name")
        self.fields["staff"].queryset = present_staff(year.school)
