"""Login middleware: the idle timeout and the second login step.

Both read the session only; neither writes it on every request (the last activity is stored
at most once a minute), so a page costs no extra write.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import get_user
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

LAST_SEEN_KEY = "appui_last_seen"
# How stale the stored last activity may get before it is written again (seconds).
LAST_SEEN_RESOLUTION = 60
SECOND_FACTOR_KEY = "appui_second_factor"
VERIFY, ENROL = "verify", "enrol"


def idle_duration_text(seconds: int) -> str:
    """« 2 heures », « 30 minutes »: the idle timeout as the message says it."""
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes = max(1, round(seconds / 60))
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


class ResolvedUserMiddleware:
    """Puts the user itself in ``request.user``, read once, instead of Django's lazy wrapper.

    Nearly every page reads the user: the access checks, the queries filtered by it, the
    templates. Each read through the wrapper is a proxied call (hundreds a page, a few
    milliseconds of every request). Logging in or out still replaces ``request.user``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if hasattr(request, "session"):
            request.user = get_user(request)
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Logs a user out after ``SESSION_IDLE_TIMEOUT`` seconds without a request.

    School computers are shared: a session left open in a staff room must end by itself.
    The last activity is kept in the session, rewritten only when a minute old, so the
    timeout is exact to within a minute.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = getattr(settings, "SESSION_IDLE_TIMEOUT", 0)
        if timeout and request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN_KEY)
            if last is not None and now - last > timeout:
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after %(duration)s of inactivity.")
                    % {"duration": idle_duration_text(timeout)},
                )
                if request.headers.get("HX-Request"):
                    # An htmx request would swap the login page into a fragment.
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                    return response
            elif last is None or now < last or now - last >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """Holds a logged-in user at the second step until their code is checked.

    At login (``appui.accounts.signals``) the session records whether the user must give a
    code (they have a confirmed device) or set one up first (their school requires it);
    until then every page but the step itself and logout redirects there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = request.session.get(SECOND_FACTOR_KEY) if hasattr(request, "session") else None
        if state and request.user.is_authenticated:
            target = reverse("accounts:totp-setup" if state == ENROL else "accounts:second-factor")
            allowed = {target, reverse("accounts:logout")}
            if request.path not in allowed:
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                next_url = request.get_full_path() if request.method == "GET" else ""
                if next_url and next_url != "/":
                    return redirect(f"{target}?{urlencode({'next': next_url})}")
                return redirect(target)
        return self.get_response(request)
