from django.urls import path

from . import views, views_audit, views_logins, views_parcours, views_settings

app_name = "schools"

urlpatterns = [
    path("etablissements/", views.school_list, name="school-list"),
    path("etablissements/<int:pk>/choisir/", views.school_select, name="school-select"),
    path("etablissement/", views.school_detail, name="school-detail"),
    path("divisions/<int:pk>/", views.division_detail, name="division-detail"),
    path("eleves/", views.student_list, name="student-list"),
    # Terminale parcours (seed 001): per pupil, and for a whole division.
    path("eleves/<int:pk>/parcours/", views_parcours.student_parcours, name="student-parcours"),
    path(
        "divisions/<int:pk>/parcours/",
        views_parcours.division_parcours,
        name="division-parcours",
    ),
    path("eleves/<int:pk>/", views.student_detail, name="student-detail"),
    # Audit trail (docs/rgpd.md): the pupil's history, for the head.
    path("eleves/<int:pk>/historique/", views_audit.student_history, name="student-history"),
    # The year's settings for the head (issue 15, item 5).
    path("parametres/", views_settings.settings_home, name="settings-home"),
    path("parametres/niveaux/", views_settings.settings_levels, name="settings-levels"),
    path("parametres/niveaux/<int:pk>/", views_settings.settings_level, name="settings-level"),
    path("parametres/periodes/", views_settings.settings_periods, name="settings-periods"),
    # Logins (docs/connexion.md): lockouts, reset links, two-step login rule.
    path("parametres/connexions/", views_logins.settings_logins, name="settings-logins"),
    # The year switcher (issue 15, item 6).
    path("annee/choisir/", views.year_select, name="year-select"),
]
