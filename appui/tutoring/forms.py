from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appui.schools.services import row_version

from .models import MAX_TUTEES_LIMIT, Tutor, TutoringPolicy, TutorMeeting


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
