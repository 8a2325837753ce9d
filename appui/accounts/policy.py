"""Who must log in with a second step (TOTP), decided by higher apps.

accounts sits below schools and cannot read roles or school settings; schools registers its
rule here in ``SchoolsConfig.ready()`` (the panel-registry pattern), and the login reads
``totp_required(user)`` without knowing where the rule lives.
"""

from collections.abc import Callable

from .models import User

TotpCheck = Callable[[User], bool]

_checks: list[TotpCheck] = []


def require_totp_when(check: TotpCheck) -> TotpCheck:
    """Register ``check``: a user for whom it answers True must use a second step."""
    if check not in _checks:
        _checks.append(check)
    return check


def totp_required(user: User) -> bool:
    return any(check(user) for check in _checks)
