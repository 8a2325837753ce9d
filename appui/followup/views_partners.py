"""The partners and resources of one session: read on the session page, edited by who runs
the session."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appui.planning.models import Partner, Resource
from appui.schools.form_saving import save_form

from . import partners as services
from .access import get_session_for


class SessionLinksForm(forms.Form):
    partners = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Partners who came"),
        queryset=Partner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    resources = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Resources used"),
        queryset=Resource.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Partner.objects.filter(school=school)
        self.fields["resources"].queryset = Resource.objects.filter(school=school)


@login_required
def session_partners(request, pk: int):
    session, access = get_session_for(request, pk, run=True)
    initial = {
        "partners": list(session.partners.all()),
        "resources": list(session.resources.all()),
        "version": services.links_version(session),
    }
    form = SessionLinksForm(request.POST or None, initial=initial, school=access.school)
    if save_form(
        request,
        form,
        lambda: services.session_set_links(
            session=session,
            partners=list(form.cleaned_data["partners"]),
            resources=list(form.cleaned_data["resources"]),
            version=form.cleaned_data["version"],
            user=request.user,
        ),
        _("Partners and resources saved."),
    ):
        return redirect(reverse("followup:session-detail", args=[session.pk]) + "#partenaires")
    return render(
        request,
        "followup/session_partners.html",
        {"form": form, "session": session, "group": session.group, "module": session.group.module},
    )
