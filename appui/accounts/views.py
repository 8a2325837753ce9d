"""Login pages: log in, second step, security (password, authenticator app), password reset."""

from base64 import b32encode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import selectors, services
from .forms import AccountPasswordResetForm, CodeForm
from .middleware import SECOND_FACTOR_KEY
from .models import User
from .policy import totp_required


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


# Second step ---------------------------------------------------------------------------------
def second_factor(request: HttpRequest) -> HttpResponse:
    """The code after the password, for users with an authenticator app."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if not request.session.get(SECOND_FACTOR_KEY):
        return redirect(_next_url(request))
    user = _user(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.second_factor_verify(user=user, token=form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            request.session.pop(SECOND_FACTOR_KEY, None)
            return redirect(_next_url(request))
        form.add_error(
            "code", _("This code is not valid. Check the time on your phone, or use a backup code.")
        )
    return render(
        request,
        "accounts/second_factor.html",
        {"form": form, "next": request.GET.get("next", "")},
    )


@login_required
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: QR code and key, then a code to prove it works."""
    user = _user(request)
    device = services.totp_device_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_device_confirm(
            user=user, device=device, token=form.cleaned_data["code"]
        )
        if codes is not None:
            device.refresh_from_db()
            django_otp.login(request, device)
            request.session.pop(SECOND_FACTOR_KEY, None)
            # Shown in this response only: the codes are not kept in clear anywhere else.
            return render(
                request,
                "accounts/backup_codes.html",
                {"codes": codes, "next": _next_url(request), "first_time": True},
            )
        form.add_error(
            "code", _("This code is not valid. Check the time on your phone and try again.")
        )
    return render(
        request,
        "accounts/totp_setup.html",
        {
            "form": form,
            "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
            "secret": _spaced_key(device),
            "required": totp_required(user),
            "pending": bool(request.session.get(SECOND_FACTOR_KEY)),
            "next": request.GET.get("next", ""),
        },
    )


def _spaced_key(device: TOTPDevice) -> str:
    """The secret key in base 32, by groups of four, for typing into the app by hand."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


# Security page -------------------------------------------------------------------------------
@login_required
def security(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "accounts/security.html",
        {
            "has_password": user.has_usable_password(),
            "has_totp": selectors.has_totp(user),
            "backup_codes_left": selectors.backup_codes_left(user),
            "required": totp_required(user),
        },
    )


@login_required
@require_POST
def backup_codes_renew(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.has_totp(user):
        return redirect("accounts:security")
    codes = services.backup_codes_renew(user=user)
    return render(
        request,
        "accounts/backup_codes.html",
        {"codes": codes, "next": resolve_url("accounts:security"), "first_time": False},
    )


@login_required
@require_POST
def totp_disable(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if totp_required(user):
        messages.error(
            request,
            _("Your school requires two-step login for your role: replace your app instead."),
        )
    else:
        services.totp_disable(user=user)
        messages.success(request, _("Two-step login is off."))
    return redirect("accounts:security")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's password; an account without one yet (STS-web import) sets its first."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:security")

    def get_form_class(self):
        return PasswordChangeForm if self.request.user.has_usable_password() else SetPasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response


# Password reset by e-mail --------------------------------------------------------------------
class PasswordResetView(auth_views.PasswordResetView):
    form_class = AccountPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password-reset-done")
    title = gettext_lazy("Forgotten password")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # A new password ends a lockout: the owner proved who they are by e-mail.
        services.account_unlock(username=form.user.get_username(), by=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
