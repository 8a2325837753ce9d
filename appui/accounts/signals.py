"""At login: note in the session whether a second step is due, and when activity starts."""

import time

from django.contrib.auth.signals import user_logged_in

from .middleware import LAST_SEEN_KEY, SECOND_FACTOR_KEY
from .services import second_factor_needed


def on_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    request.session[LAST_SEEN_KEY] = int(time.time())
    state = second_factor_needed(user)
    if state:
        request.session[SECOND_FACTOR_KEY] = state
    else:
        request.session.pop(SECOND_FACTOR_KEY, None)


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="appui.accounts.second_factor")
