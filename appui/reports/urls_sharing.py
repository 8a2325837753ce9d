"""The académie's shared module catalogue (views_sharing.py)."""

from django.urls import path

from . import views_sharing

app_name = "sharing"

urlpatterns = [
    path(
        "modules/<int:pk>/catalogue-academique/",
        views_sharing.module_share,
        name="module-share",
    ),
    path("catalogue-academique/", views_sharing.catalogue, name="catalogue"),
    path("catalogue-academique/diffusion/", views_sharing.diffusion, name="diffusion"),
    path("catalogue-academique/<int:pk>/", views_sharing.entry, name="entry"),
    path("catalogue-academique/<int:pk>/copier/", views_sharing.copy, name="copy"),
]
