from django import forms
from django.utils.translation import gettext_lazy as _

from appui.diagnostics.models import Competency
from appui.planning.models import Module
from appui.schools.models import School


class PublishForm(forms.Form):
    session_plan = forms.CharField(
        label=_("Plan of sessions"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One line per session. Name no pupil and no staff member."),
    )


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("all kinds")), *Module.Kind.choices]
    )
    school = forms.ModelChoiceField(
        label=_("School"), required=False, queryset=School.objects.none(), empty_label=_("all")
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class CopyForm(forms.Form):
    code = forms.CharField(label=_("Code in my school"), max_length=30)
    competency = forms.ModelChoiceField(
        label=_("Competency worked in my school"), queryset=Competency.objects.none()
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["competency"].queryset = (
            Competency.objects.filter(framework__school=school, retired=False)
            .select_related("domain")
            .order_by("domain__order", "order", "code")
        )

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if Module.objects.filter(school=self.school, code=code).exists():
            raise forms.ValidationError(_("Another module already has this code."))
        return code
