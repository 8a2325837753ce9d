"""ENT sign-on pages: CAS and OpenID Connect logins, the refusal page, single sign-out.

The protocol work is django-cas-ng's and mozilla-django-oidc's; these views switch them off
when the installation has not configured them (404), turn a refused sign-on into the French
page saying the ENT account is not linked (403, nothing created), and make appui's logout
end the ENT session too.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth import logout as auth_logout
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_cas_ng import views as cas_views
from django_cas_ng.models import SessionTicket
from django_cas_ng.utils import get_cas_client
from mozilla_django_oidc import views as oidc_views

from .sso import CAS, OIDC, REFUSAL_ATTRIBUTE, cas_enabled, oidc_enabled

CAS_BACKEND = "appui.accounts.sso.EntCasBackend"
OIDC_BACKEND = "appui.accounts.sso.EntOidcBackend"


def _refused(request: HttpRequest, provider: str) -> HttpResponse:
    """The French page of a sign-on that found no account (or the ENT's answer failed)."""
    refusal = getattr(request, REFUSAL_ATTRIBUTE, None)
    return render(
        request,
        "accounts/sso_refused.html",
        {
            "refusal": refusal,
            "provider": provider,
            "ent_logout_url": _ent_logout_url(request, provider, id_token=None),
        },
        status=403,
    )


class CasLoginView(cas_views.LoginView):
    """To the ENT's CAS login, and back with a ticket (GET); CAS single logout (POST)."""

    @method_decorator(csrf_exempt)  # the CAS server posts single logout requests here
    def dispatch(self, request, *args, **kwargs):
        if not cas_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)
        except PermissionDenied:
            return _refused(request, CAS)


class OidcLoginView(oidc_views.OIDCAuthenticationRequestView):
    """To the ENT's OpenID Connect authorisation page."""

    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class OidcCallbackView(oidc_views.OIDCAuthenticationCallbackView):
    """Back from the ENT with a code: the account, or the refusal page."""

    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def login_failure(self):
        return _refused(self.request, OIDC)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Log out of appui; after an ENT sign-on, out of the ENT too (single sign-out)."""
    backend = request.session.get(BACKEND_SESSION_KEY, "")
    id_token = request.session.get("oidc_id_token")
    if request.session.session_key:
        SessionTicket.objects.filter(session_key=request.session.session_key).delete()
    auth_logout(request)
    provider = {CAS_BACKEND: CAS, OIDC_BACKEND: OIDC}.get(backend)
    if provider:
        url = _ent_logout_url(request, provider, id_token=id_token)
        if url:
            return redirect(url)
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _ent_logout_url(request: HttpRequest, provider: str, *, id_token: str | None) -> str:
    """The ENT's logout address, coming back to appui's login page ("" when unknown)."""
    back = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    if provider == CAS and cas_enabled():
        return get_cas_client(request=request).get_logout_url(back)
    if provider == OIDC and oidc_enabled() and settings.OIDC_OP_LOGOUT_ENDPOINT:
        params = {"post_logout_redirect_uri": back, "client_id": settings.OIDC_RP_CLIENT_ID}
        if id_token:
            params["id_token_hint"] = id_token
        return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{urlencode(params)}"
    return ""
