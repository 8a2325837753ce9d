from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appui.schools.models import Level, Staff
from appui.schools.services import row_version

from .models import (
    MAX_TUTEES_LIMIT,
    STUDY_HELP_MAX_SEATS,
    Tutor,
    TutoringPolicy,
    TutorMeeting,
)


class PolicyForm(forms.ModelForm):
    # The terms' last change when the form was opened: a save on an older state is refused
    # (``services.policy_set``), the typed values shown again.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = row_version(self.instance)

    class Meta:
        model = TutoringPolicy
        fields = ["max_tutees", "allowance_per_tutee"]
        help_texts = {
            "max_tutees": _("Seed 003: the head sets the maximum number of students per tutor."),
            "allowance_per_tutee": _(
                "Each tutor's yearly allowance is this amount times the number of students "
                "they followed during the year."
            ),
        }

    def clean_max_tutees(self):
        value = self.cleaned_data["max_tutees"]
        if not 1 <= value <= MAX_TUTEES_LIMIT:
            raise forms.ValidationError(_("Choose a number between 1 and 30."))
        return value


class AssignForm(forms.Form):
    student = forms.IntegerField(widget=forms.HiddenInput)
    tutor = forms.ModelChoiceField(queryset=Tutor.objects.none(), label=_("Tutor"))

    def __init__(self, *args, tutors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tutors is not None:
            self.fields["tutor"].queryset = tutors
        self.fields["tutor"].label_from_instance = lambda t: (
            f"{t.staff} ({t.tutee_count}/{t.max_tutees})"
        )


class MeetingForm(forms.ModelForm):
    class Meta:
        model = TutorMeeting
        fields = ["date", "topics", "next_steps"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "topics": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)


class EndForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class StudyHelpSlotForm(forms.Form):
    """Open a study-help slot, once or every week until a date (« tous les mardis … »)."""

    first_date = forms.DateField(
        label=_("Date (first one when repeated)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    last_date = forms.DateField(
        label=_("Repeat every week until"),
        required=False,
        help_text=_(
            "Leave empty for a single slot. School holidays and public holidays are skipped."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("End time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    room = forms.CharField(label=_("Room"), max_length=100, required=False)
    theme = forms.CharField(
        label=_("Subject or theme"),
        max_length=200,
        required=False,
        help_text=_("Optional, e.g. « Maths » or « Méthodes de travail »."),
    )
    capacity = forms.IntegerField(
        label=_("Seats"), min_value=1, max_value=STUDY_HELP_MAX_SEATS, initial=12
    )
    supervisors = forms.ModelMultipleChoiceField(
        label=_("Supervised by"), queryset=Staff.objects.none()
    )
    levels = forms.ModelMultipleChoiceField(
        label=_("Open to levels"),
        queryset=Level.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: open to every level."),
    )

    def __init__(self, *args, staff=None, levels=None, levels_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if staff is not None:
            self.fields["supervisors"].queryset = staff
        if levels is not None:
            self.fields["levels"].queryset = levels
        if levels_required:
            # A coordinator limited to levels opens slots for those levels only.
            self.fields["levels"].required = True
            self.fields["levels"].help_text = _("Slots you open are for your levels.")

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The slot ends after it starts."))
        first, last = data.get("first_date"), data.get("last_date")
        if first and last and last < first:
            self.add_error("last_date", _("The last date comes before the first one."))
        return data
