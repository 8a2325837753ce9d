from django.urls import path

from . import views

app_name = "interop"

urlpatterns = [
    path("imports/", views.import_home, name="import-home"),
    path("imports/lots/<int:pk>/", views.import_preview, name="import-preview"),
    path("imports/<slug:slug>/", views.import_upload, name="import-upload"),
    path("exports/", views.export_home, name="export-home"),
    path("exports/eleves/", views.student_export, name="student-export"),
    path("exports/personnels/", views.staff_export, name="staff-export"),
    path("exports/campagnes/<int:pk>/resultats/", views.result_export, name="result-export"),
    path("exports/plans/<int:pk>/groupes/", views.plan_export, name="plan-export"),
]
