from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Attendance, ProgressMark, StageReview


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        required=False,
        help_text=_("Shown to the students, e.g. school trip, teacher on training."),
    )


class RescheduleForm(forms.Form):
    date = forms.DateField(label=_("New date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Start"), widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"})
    )
    end_time = forms.TimeField(
        label=_("End"), widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"})
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("start_time")
            and data.get("end_time")
            and data["end_time"] <= data["start_time"]
        ):
            raise forms.ValidationError(_("A session must end after it starts."))
        return data


class AttendanceForm(forms.Form):
    student = forms.IntegerField()
    status = forms.ChoiceField(choices=Attendance.Status.choices)


class MarkForm(forms.Form):
    student = forms.IntegerField()
    level = forms.TypedChoiceField(
        choices=ProgressMark.Level.choices, coerce=int, required=False, empty_value=None
    )
    comment = forms.CharField(max_length=500, required=False)


class GroupMarkForm(forms.Form):
    level = forms.TypedChoiceField(choices=ProgressMark.Level.choices, coerce=int)


class TextsForm(forms.Form):
    plan_of_work = forms.CharField(
        label=_("Plan of work"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the students at the start of the session."),
    )
    content = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class StudentMarkForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Where are you on the objective?"),
        choices=ProgressMark.Level.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment (optional)"), max_length=500, required=False)
    student = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReviewForm(forms.ModelForm):
    """The review's one form: « Enregistrer » and « Valider » both send the texts, with the
    version the page was opened on (a stale one is refused, the typed text kept)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version

    class Meta:
        model = StageReview
        fields = ["progress", "strengths", "next_objectives", "comment"]
        widgets = {
            "progress": forms.Textarea(attrs={"rows": 5}),
            "strengths": forms.Textarea(attrs={"rows": 3}),
            "next_objectives": forms.Textarea(attrs={"rows": 3}),
            "comment": forms.Textarea(attrs={"rows": 3}),
        }


class DigestPreferenceForm(forms.Form):
    """Opt in to (or out of) the weekly e-mail digest of one's reminders."""

    weekly = forms.BooleanField(
        label=_("Send me the weekly e-mail digest of my reminders"), required=False
    )
