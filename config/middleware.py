"""Project-wide response headers that Django's own settings do not cover.

- ``Permissions-Policy``: appui never uses the camera, the microphone, geolocation, payment…;
  saying so means a script injected despite the CSP still cannot ask for them.
- ``Cache-Control: no-store``: nearly every page and every download (PDF letters and reviews,
  CSV/XLSX/ODS lists, LSU XML, iCalendar feeds) is about named pupils. Nothing Django answers
  may stay in a browser's cache on a shared computer of the staff room, nor in a proxy. Static
  files never reach this middleware: WhiteNoise, placed before it, answers them (with its own
  long cache, they hold nothing personal).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

# Features a page of appui never needs, refused to the page and to any frame. Only features
# Chromium and Firefox recognise (an unknown name prints a console warning on every page).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)

NO_STORE = "no-store"


class SecurityHeadersMiddleware:
    """Adds ``Permissions-Policy`` and ``Cache-Control: no-store`` to every response.

    ``no-store`` replaces whatever caching a view asked for (the iCalendar feed used to allow
    15 minutes): one rule for every response is easier to trust than a list of pupil pages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers["Cache-Control"] = NO_STORE
        # Expires and Pragma could let an old cache keep a copy: no-store says it all.
        for header in ("Expires", "Pragma"):
            if header in response.headers:
                del response.headers[header]
        return response
