"""Reads about logins: lockouts and second-step devices, for many users in constant queries."""

from collections.abc import Iterable

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User


def locked_usernames(usernames: Iterable[str] | None = None) -> set[str]:
    """Usernames locked out now from at least one address (failures at the limit within the
    cool-off), among ``usernames`` or all. Few rows at any time: read in one query."""
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=get_failure_limit(None, None))
    if usernames is not None:
        attempts = attempts.filter(username__in=list(usernames))
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return set(attempts.values_list("username", flat=True))


def totp_user_ids(user_ids: Iterable[int]) -> set[int]:
    """Users among ``user_ids`` with a confirmed authenticator app."""
    ids = list(user_ids)
    if not ids:
        return set()
    return set(
        TOTPDevice.objects.filter(user_id__in=ids, confirmed=True).values_list("user_id", flat=True)
    )


def has_totp(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def backup_codes_left(user: User) -> int:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return device.token_set.count() if device else 0
