from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from appui.schools import views as school_views


def favicon(request):
    """Browsers ask /favicon.ico on their own: send them to the icon (its hashed name)."""
    return redirect(static("appui/favicon.svg"))


urlpatterns = [
    path("", school_views.home, name="home"),
    path("compte/", include("appui.accounts.urls")),
    path("", include("appui.diagnostics.urls")),
    path("", include("appui.interop.urls")),
    path("", include("appui.planning.urls")),
    path("", include("appui.followup.urls")),
    path("", include("appui.tutoring.urls")),
    path("", include("appui.steering.urls")),
    path("", include("appui.reports.urls")),
    path("", include("appui.reports.urls_sharing")),
    path("", include("appui.schools.urls")),
    path("", include("appui.jobs.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon, name="favicon"),
]
