"""Writes about logins: unlocking, password reset links, the second login step."""

import logging

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest
from django.template import loader
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .middleware import ENROL, VERIFY
from .models import User
from .policy import totp_required

logger = logging.getLogger(__name__)

BACKUP_CODES = 10
TOTP_DEVICE_NAME = "appui"


# Lockout -------------------------------------------------------------------------------------
def account_unlock(*, username: str, by: User | None = None) -> int:
    """Forget the failed logins of ``username`` from every address; the number removed."""
    removed = axes_reset(username=username)
    logger.warning("Login lockout of %s lifted by %s (%d records).", username, by, removed)
    return removed


# Password reset ------------------------------------------------------------------------------
def password_reset_url(*, user: User, request: HttpRequest) -> str:
    """A one-time link to set a new password, valid ``PASSWORD_RESET_TIMEOUT`` seconds; it
    stops working once the password changes."""
    path = reverse(
        "accounts:password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return request.build_absolute_uri(path)


def password_reset_mail_send(*, user: User, request: HttpRequest, by: User | None = None) -> None:
    """E-mail ``user`` a password reset link (asked by themself, or by the head: ``by``)."""
    if not user.email:
        raise ValueError("This account has no e-mail address.")
    context = {
        "user": user,
        "reset_url": password_reset_url(user=user, request=request),
        "sender": by,
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    subject = loader.render_to_string("accounts/password_reset_subject.txt", context)
    body = loader.render_to_string("accounts/password_reset_email.txt", context)
    message = EmailMultiAlternatives(
        "".join(subject.splitlines()), body, settings.DEFAULT_FROM_EMAIL, [user.email]
    )
    message.send()
    logger.info("Password reset link sent to %s (asked by %s).", user.username, by or user)


# Second step ---------------------------------------------------------------------------------
def totp_device_start(*, user: User) -> TOTPDevice:
    """The authenticator app being set up: the pending one, or a new secret key."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm ``device`` with a code from the app. On success the user's former app is
    replaced and new backup codes are returned (shown once); None when the code is wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    logger.info("Two-step login set up by %s.", user.username)
    return backup_codes_renew(user=user)


@transaction.atomic
def backup_codes_renew(*, user: User) -> list[str]:
    """New single-use backup codes for ``user``; the former ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def totp_disable(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    logger.warning("Two-step login turned off by %s.", user.username)


def second_factor_verify(*, user: User, token: str) -> Device | None:
    """The device (app or backup code) that accepts ``token``, or None. Devices throttle
    repeated wrong codes themselves (growing delays)."""
    token = "".join(token.split())
    if not token:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if device.verify_token(token):
                return device
    logger.warning("Wrong two-step login code for %s.", user.username)
    return None


def second_factor_needed(user: User) -> str | None:
    """At login: "verify" when the user has a confirmed device, "enrol" when a rule of their
    school requires one and they have none, else None."""
    if any(True for _ in devices_for_user(user)):
        return VERIFY
    if totp_required(user):
        return ENROL
    return None
