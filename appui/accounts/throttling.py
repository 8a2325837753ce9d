"""The client's address for the login lockout (axes' ``AXES_CLIENT_IP_CALLABLE``).

Behind reverse proxies every request comes from the proxy: the lockout would then count the
failures of a whole school (or of the académie) as one address. ``LOGIN_PROXY_COUNT`` says how
many proxies append to ``X-Forwarded-For``; the client is the entry that many places from the
right (entries further left are whatever the client claimed, never trusted).
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = getattr(settings, "LOGIN_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    chain = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(chain) < proxies:
        # Not through the expected proxies: the connection's own address.
        return remote
    return chain[-proxies]


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """The French lockout page (axes' ``AXES_LOCKOUT_CALLABLE``), answered 429."""
    from axes.helpers import get_cool_off, get_failure_limit
    from django.shortcuts import render

    cool_off = get_cool_off(request)
    return render(
        request,
        "accounts/lockout.html",
        {
            "failure_limit": get_failure_limit(request, credentials),
            "cooloff_minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
        },
        # 429 Too Many Requests, axes' default, set on settings when axes loads.
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )
