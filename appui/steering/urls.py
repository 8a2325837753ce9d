from django.urls import path

from . import views, views_pilotage

app_name = "steering"

urlpatterns = [
    path("pilotage/", views.school_dashboard, name="dashboard"),
    path("pilotage/export/<slug:key>/", views.school_export, name="export"),
    path("pilotage/niveaux/<int:pk>/", views.level_dashboard, name="level-dashboard"),
    path("pilotage/niveaux/<int:pk>/export/<slug:key>/", views.level_export, name="level-export"),
    path("pilotage/academie/", views.academy_dashboard, name="academy"),
    path("pilotage/academie/export/<slug:key>/", views.academy_export, name="academy-export"),
    path("pilotage/cibles/", views.targets, name="targets"),
    path("pilotage/cibles/<int:pk>/supprimer/", views.target_delete, name="target-delete"),
    path("pilotage/echeancier/", views.milestones, name="milestones"),
    path("pilotage/echeancier/<int:pk>/fait/", views.milestone_done, name="milestone-done"),
    path(
        "pilotage/echeancier/<int:pk>/supprimer/", views.milestone_delete, name="milestone-delete"
    ),
    path("pilotage/reunions/", views.meetings, name="meetings"),
    path("pilotage/reunions/nouvelle/", views.meeting_create, name="meeting-create"),
    path("pilotage/reunions/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("pilotage/reunions/<int:pk>/modifier/", views.meeting_edit, name="meeting-edit"),
    path("pilotage/reunions/<int:pk>/decisions/", views.decision_add, name="decision-add"),
    path("pilotage/reunions/<int:pk>/actions/", views.action_add, name="action-add"),
    path("pilotage/decisions/<int:pk>/fait/", views.decision_done, name="decision-done"),
    path("pilotage/actions/<int:pk>/fait/", views.action_done, name="action-done"),
    path("pilotage/bilans/", views.outcomes, name="outcomes"),
    path("pilotage/formation/", views_pilotage.trainings, name="trainings"),
    path("pilotage/formation/nouvelle/", views_pilotage.training_create, name="training-create"),
    path(
        "pilotage/formation/<int:pk>/modifier/", views_pilotage.training_edit, name="training-edit"
    ),
    path(
        "pilotage/formation/<int:pk>/realisee/", views_pilotage.training_done, name="training-done"
    ),
    path(
        "pilotage/formation/<int:pk>/supprimer/",
        views_pilotage.training_delete,
        name="training-delete",
    ),
    path("pilotage/organigramme/", views_pilotage.organigram, name="organigram"),
    path(
        "pilotage/organigramme/modifier/",
        views_pilotage.organigram_edit,
        name="organigram-edit",
    ),
    path(
        "pilotage/organigramme/roles/<int:pk>/",
        views_pilotage.pilotage_role_edit,
        name="pilotage-role-edit",
    ),
    path(
        "pilotage/organigramme/roles/<int:pk>/supprimer/",
        views_pilotage.pilotage_role_delete,
        name="pilotage-role-delete",
    ),
    path(
        "pilotage/organigramme/coordinateurs/",
        views_pilotage.level_coordinator_add,
        name="level-coordinator-add",
    ),
    path(
        "pilotage/organigramme/coordinateurs/retirer/",
        views_pilotage.level_coordinator_remove,
        name="level-coordinator-remove",
    ),
    path("enquetes/", views.surveys, name="surveys"),
    path("enquetes/nouvelle/", views.survey_create, name="survey-create"),
    path("enquetes/<int:pk>/", views.survey_detail, name="survey-detail"),
    path("enquetes/<int:pk>/questions/", views.question_add, name="question-add"),
    path("enquetes/questions/<int:pk>/supprimer/", views.question_delete, name="question-delete"),
    path("enquetes/<int:pk>/publier/", views.survey_publish, name="survey-publish"),
    path("enquetes/<int:pk>/clore/", views.survey_close, name="survey-close"),
    path("enquetes/<int:pk>/export/", views.survey_export, name="survey-export"),
    path("enquetes/<int:pk>/repondre/", views.survey_answer, name="survey-answer"),
]
