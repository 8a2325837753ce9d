"""ENT sign-on: CAS and OpenID Connect backends that find an account and never create one.

The ENT (Open ENT NG / monlycee.net, Skolengo, Mon Bureau Numérique…) authenticates the
person; appui then looks for the account their identifier is linked to:

- an :class:`~appui.accounts.models.EntIdentity` of the school whose setting names the
  attribute (CAS) or claim (OpenID Connect) the identifier was read from — rows written by the
  ENT accounts import (``appui.interop.ent_accounts``) or the demo;
- or, when a school names the attribute holding national identifiers, the pupil (INE or
  SIECLE id), guardian (SIECLE id) or staff member (STS-web id) holding that value.

Exactly one active account must answer; otherwise the sign-on is refused and the reason is
left on the request for the French refusal page (``views_sso``). accounts sits below schools:
the school settings and national identifiers are reached through the ORM relations of
``EntIdentity.school`` and the reverse ``student``/``guardian``/``staff`` accessors of
``User``, never by importing schools.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django_cas_ng.backends import CASBackend
from django_cas_ng.utils import get_cas_client
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .models import EntIdentity, User

log = logging.getLogger(__name__)

CAS, OIDC = EntIdentity.Provider.CAS, EntIdentity.Provider.OIDC
#: The request attribute holding why the last sign-on of this request was refused.
REFUSAL_ATTRIBUTE = "appui_sign_on_refusal"
#: The CAS "attribute" naming the CAS user itself (the school's default).
CAS_USER = "user"
# The released values worth looking at: one ENT releases a dozen attributes at most.
MAX_VALUES = 50
MAX_VALUE_LENGTH = 150


@dataclass(frozen=True)
class Refusal:
    """Why an ENT sign-on found no account: ``unknown`` or ``ambiguous`` (several)."""

    reason: str
    provider: str
    identifier: str


def released_values(attributes: Mapping[str, object], *, user: str | None = None) -> dict[str, str]:
    """The ENT's attributes (or claims) as ``name → text``; lists give their first value.

    ``user`` is the CAS user, kept under the name ``user`` (the CAS attribute a school picks
    when the ENT login itself is the identifier).
    """
    values: dict[str, str] = {}
    for name, value in attributes.items():
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        if isinstance(value, bool) or value is None or isinstance(value, dict):
            continue
        text = str(value).strip()
        if text and len(text) <= MAX_VALUE_LENGTH and len(values) < MAX_VALUES:
            values[str(name)] = text
    if user:
        values[CAS_USER] = user.strip()
    return values


def accounts_for(provider: str, values: Mapping[str, str]) -> list[User]:
    """The active accounts the released ``values`` point to (two queries)."""
    setting = "school__ent_cas_attribute" if provider == CAS else "school__ent_oidc_claim"
    linked = Q(pk__in=[])
    national = Q(pk__in=[])
    for name, value in values.items():
        linked |= Q(**{setting: name}, identifier=value)
        national |= (
            Q(student__school__ent_national_id_attribute=name, student__ine=value.upper())
            | Q(student__school__ent_national_id_attribute=name, student__siecle_id=value)
            | Q(guardian__school__ent_national_id_attribute=name, guardian__siecle_id=value)
            | Q(staff__school__ent_national_id_attribute=name, staff__sts_id=value)
        )
    user_ids = set(
        EntIdentity.objects.filter(provider=provider)
        .filter(linked)
        .values_list("user_id", flat=True)
    )
    if values:
        user_ids |= set(User.objects.filter(national).values_list("pk", flat=True))
    return list(User.objects.filter(pk__in=user_ids, is_active=True))


def sign_on_user(
    request: HttpRequest | None, provider: str, values: Mapping[str, str], shown: str
) -> User | None:
    """The one account these values identify, or None with the refusal noted on ``request``."""
    users = accounts_for(provider, values)
    if len(users) == 1:
        return users[0]
    reason = "ambiguous" if users else "unknown"
    log.warning("ENT sign-on refused (%s, %s): %s", provider, reason, shown)
    if request is not None:
        setattr(request, REFUSAL_ATTRIBUTE, Refusal(reason, str(provider), shown))
    return None


class EntCasBackend(CASBackend):
    """CAS 2.0/3.0: the ticket is checked with the ENT, then the account is looked up."""

    def authenticate(self, request, ticket, service):  # type: ignore[override]
        client = get_cas_client(service_url=service, request=request)
        username, attributes, _pgtiou = client.verify_ticket(ticket)
        if not username:
            return None
        values = released_values(attributes or {}, user=username)
        user = sign_on_user(request, CAS, values, username)
        if user is None or not self.user_can_authenticate(user):
            return None
        return user


class EntOidcBackend(OIDCAuthenticationBackend):
    """OpenID Connect (code flow): the tokens are checked, then the account is looked up."""

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims):
        values = released_values(claims)
        shown = str(claims.get("preferred_username") or claims.get("sub") or "")
        user = sign_on_user(getattr(self, "request", None), OIDC, values, shown)
        return self.UserModel.objects.filter(pk=user.pk) if user else self.UserModel.objects.none()

    def create_user(self, claims):
        # Never: an ENT user without a linked account is refused (OIDC_CREATE_USER is off,
        # this guards against the setting being turned on).
        return None


def is_sign_on_attempt(request, credentials: Mapping[str, object] | None) -> bool:
    """axes' whitelist: a CAS ticket or an OpenID Connect code is not a password guess."""
    keys: Iterable[str] = credentials or {}
    return any(key in keys for key in ("ticket", "nonce", "code_verifier"))


def cas_enabled() -> bool:
    return bool(settings.CAS_SERVER_URL)


def oidc_enabled() -> bool:
    return bool(settings.OIDC_OP_AUTHORIZATION_ENDPOINT and settings.OIDC_RP_CLIENT_ID)


def sign_on_links(request: HttpRequest) -> dict[str, object]:
    """Template context: which ENT sign-on links the login page shows."""
    return {
        "ent_sign_on": {
            "cas": cas_enabled(),
            "oidc": oidc_enabled(),
            "name": settings.ENT_NAME,
        }
    }
