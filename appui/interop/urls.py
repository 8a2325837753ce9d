from django.urls import path

from . import guardian_views, lsu_views, views, views_rgpd

app_name = "interop"

urlpatterns = [
    path("imports/", views.import_home, name="import-home"),
    path("imports/lots/<int:pk>/", views.import_preview, name="import-preview"),
    path(
        "imports/responsables/comptes/",
        guardian_views.guardian_accounts,
        name="guardian-accounts",
    ),
    path("imports/<slug:slug>/", views.import_upload, name="import-upload"),
    path("exports/", views.export_home, name="export-home"),
    path("exports/archive/", views.year_archive, name="year-archive"),
    path("exports/lsu/", lsu_views.lsu_page, name="lsu"),
    path("exports/lsu/fichier/", lsu_views.lsu_download, name="lsu-download"),
    path("exports/lsu/modele/", lsu_views.lsu_template, name="lsu-template"),
    path("exports/eleves/", views.student_export, name="student-export"),
    # RGPD (docs/rgpd.md): everything about one pupil, for the head.
    path("eleves/<int:pk>/donnees/", views_rgpd.student_data, name="student-data"),
    path("eleves/<int:pk>/donnees.json", views_rgpd.student_data_json, name="student-data-json"),
    path("eleves/<int:pk>/donnees.pdf", views_rgpd.student_data_pdf, name="student-data-pdf"),
    path("exports/personnels/", views.staff_export, name="staff-export"),
    path("exports/campagnes/<int:pk>/resultats/", views.result_export, name="result-export"),
    path("exports/plans/<int:pk>/groupes/", views.plan_export, name="plan-export"),
    path(
        "exports/groupes/<int:pk>/seances/",
        views.group_sessions_export,
        name="group-sessions-export",
    ),
    path("exports/suivi/semaine/", views.week_export, name="week-export"),
    path(
        "exports/niveaux/<int:pk>/presences/",
        views.level_attendance_export,
        name="level-attendance-export",
    ),
    path("exports/heures/", views.hours_export, name="hours-export"),
    path(
        "exports/heures/niveaux/<int:pk>/classes/",
        views.hours_divisions_export,
        name="hours-divisions-export",
    ),
    path(
        "exports/heures/niveaux/<int:pk>/eleves/",
        views.hours_students_export,
        name="hours-students-export",
    ),
    path("exports/heures/personnels/", views.hours_staff_export, name="hours-staff-export"),
]
