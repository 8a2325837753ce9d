"""« Paramètres › Connexions » for the head (docs/connexion.md): the second-step rule, locked
accounts to unlock, and password links for staff whose account has no password yet."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from appui.accounts import services as account_services

from . import services
from .access import SchoolAccess, school_access
from .logins import is_head_of, login_accounts, school_account


class TotpRequiredForm(forms.Form):
    required = forms.BooleanField(required=False)
    version = forms.CharField(widget=forms.HiddenInput)


def _is_head(access: SchoolAccess) -> bool:
    return access.is_head


@login_required
def settings_logins(request):
    access = school_access(request, _is_head)
    school = access.school
    shown_link = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "totp":
            return _totp_required_save(request, access)
        target = school_account(school, _int(request.POST.get("user")))
        if action == "unlock":
            account_services.account_unlock(username=target.username, by=access.logged_in_user)
            messages.success(request, _("%(name)s can log in again.") % {"name": target})
            return redirect("schools:settings-logins")
        if action == "reset" and target.email:
            account_services.password_reset_mail_send(
                user=target, request=request, by=access.logged_in_user
            )
            messages.success(
                request,
                _("A link to choose a password was sent to %(email)s.") % {"email": target.email},
            )
            return redirect("schools:settings-logins")
        if action == "reset" and target != access.logged_in_user and not is_head_of(school, target):
            # No e-mail address: the head hands the link over (printed, or by the ENT's mail).
            shown_link = (target, account_services.password_reset_url(user=target, request=request))
    return render(
        request,
        "schools/settings_logins.html",
        {
            "school": school,
            "accounts": login_accounts(school),
            "totp_form": TotpRequiredForm(
                initial={
                    "required": school.totp_required,
                    "version": services.row_version(school),
                }
            ),
            "shown_link": shown_link,
        },
    )


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


def _totp_required_save(request, access: SchoolAccess):
    form = TotpRequiredForm(request.POST)
    if form.is_valid():
        try:
            services.school_set_totp_required(
                school=access.school,
                version=form.cleaned_data["version"],
                user=access.logged_in_user,
                required=form.cleaned_data["required"],
            )
        except services.EditConflict as conflict:
            messages.error(request, str(conflict))
        else:
            messages.success(request, _("The two-step login rule was saved."))
    return redirect("schools:settings-logins")
