from django.urls import path

from . import views, views_catalogue, views_slot_periods

app_name = "planning"

urlpatterns = [
    path("groupes/", views.plan_index, name="plan-index"),
    path(
        "groupes/niveaux/<int:level_pk>/periodes/<int:period_pk>/",
        views.plan_workspace,
        name="plan-workspace",
    ),
    path("groupes/plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("groupes/plans/<int:pk>/etat/", views.plan_status, name="plan-status"),
    path("groupes/plans/<int:pk>/action/", views.plan_action, name="plan-action"),
    path("groupes/<int:pk>/", views.group_detail, name="group-detail"),
    path("barrettes/", views_catalogue.slot_list, name="slot-list"),
    path("barrettes/periodes/", views_slot_periods.slot_periods, name="slot-periods"),
    path(
        "barrettes/niveaux/<int:level_pk>/nouvelle/", views_catalogue.slot_edit, name="slot-create"
    ),
    path("barrettes/niveaux/<int:level_pk>/<int:pk>/", views_catalogue.slot_edit, name="slot-edit"),
    path("modules/", views_catalogue.module_list, name="module-list"),
    path("modules/nouveau/", views_catalogue.module_edit, name="module-create"),
    path("modules/<int:pk>/", views_catalogue.module_edit, name="module-edit"),
    path("modules/<int:copy_of>/dupliquer/", views_catalogue.module_edit, name="module-copy"),
]
