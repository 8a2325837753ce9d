"""Forms of the rounds page: how many rounds to cut, and a round's dates."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CutForm(forms.Form):
    count = forms.IntegerField(label=_("Number of rounds"), min_value=1, max_value=12)


class RoundForm(forms.Form):
    starts_on = forms.DateField(
        label=_("starts on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("ends on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    label = forms.CharField(
        label=_("label"),
        max_length=100,
        required=False,
        help_text=_("Optional, e.g. « Lecture et calcul »; « Séquence 1 » by default."),
    )
