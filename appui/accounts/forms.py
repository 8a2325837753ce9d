from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from . import services
from .models import User


class CodeForm(forms.Form):
    """A code from the authenticator app (6 digits) or a backup code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class AccountPasswordResetForm(PasswordResetForm):
    """Django's reset form, also for accounts without a usable password yet.

    Accounts created by the STS-web import have none; their e-mail address is how staff set
    their first password. Inactive accounts still receive nothing, and the page answers the
    same whether the address is known or not.
    """

    def get_users(self, email):
        return User.objects.filter(email__iexact=email, is_active=True).exclude(email="")

    def save(self, *args, request=None, **kwargs):  # type: ignore[override]
        assert request is not None
        for user in self.get_users(self.cleaned_data["email"]):
            services.password_reset_mail_send(user=user, request=request)
