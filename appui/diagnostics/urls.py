from django.urls import path

from . import views, views_import

app_name = "diagnostics"

urlpatterns = [
    path("diagnostic/", views.campaign_list, name="campaign-list"),
    path("diagnostic/nouvelle-campagne/", views.campaign_create, name="campaign-create"),
    path("diagnostic/campagnes/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("diagnostic/campagnes/<int:pk>/etat/", views.campaign_state, name="campaign-state"),
    path(
        "diagnostic/campagnes/<int:pk>/divisions/<int:division_pk>/",
        views.result_grid,
        name="result-grid",
    ),
    path("diagnostic/campagnes/<int:pk>/saisie/", views.result_save, name="result-save"),
    path(
        "diagnostic/campagnes/<int:pk>/import/", views_import.import_upload, name="results-import"
    ),
    path(
        "diagnostic/campagnes/<int:pk>/import/<int:batch_pk>/",
        views_import.import_preview,
        name="results-import-preview",
    ),
    path("diagnostic/referentiels/", views.framework_list, name="framework-list"),
    path("diagnostic/referentiels/<int:pk>/", views.framework_detail, name="framework-detail"),
    path("diagnostic/besoins/niveaux/<int:pk>/", views.level_needs, name="level-needs"),
    path("diagnostic/besoins/divisions/<int:pk>/", views.division_needs, name="division-needs"),
    path("eleves/<int:pk>/besoins/", views.student_profile, name="student-profile"),
    path("eleves/<int:pk>/entretiens/nouveau/", views.interview_create, name="interview-create"),
    path(
        "eleves/<int:pk>/observations/nouvelle/",
        views.observation_create,
        name="observation-create",
    ),
]
