from django.urls import path

from . import views, views_study_help

app_name = "tutoring"

urlpatterns = [
    path("tutorat/", views.index, name="index"),
    path("tutorat/regles/", views.policy_edit, name="policy"),
    path("tutorat/volontariat/", views.volunteer, name="volunteer"),
    path("tutorat/affecter/", views.assign, name="assign"),
    path("tutorat/suggestions/", views.suggestions, name="suggestions"),
    path("tutorat/mes-tutores/", views.my_tutees, name="my-tutees"),
    path("tutorat/indemnites/", views.allowances, name="allowances"),
    path("tutorat/suivis/<int:pk>/", views.tutorship_detail, name="tutorship-detail"),
    path("tutorat/suivis/<int:pk>/entretien/", views.meeting_add, name="meeting-add"),
    path("tutorat/suivis/<int:pk>/fin/", views.tutorship_end, name="tutorship-end"),
    path("tutorat/suivis/<int:pk>/informes/", views.tutorship_informed, name="tutorship-informed"),
    path("tutorat/suivis/<int:pk>/lettre/", views.letter, name="letter"),
    path(
        "tutorat/propositions/<int:pk>/confirmer/",
        views.proposal_confirm,
        name="proposal-confirm",
    ),
    path(
        "tutorat/propositions/<int:pk>/refuser/",
        views.proposal_decline,
        name="proposal-decline",
    ),
    path("tutorat/eleves/<int:pk>/", views.student_tutoring, name="student"),
]

urlpatterns += [
    path("etude/", views_study_help.slot_list, name="study-help"),
    path("etude/nouveau/", views_study_help.slot_create, name="study-help-create"),
    path("etude/<int:pk>/", views_study_help.slot_detail, name="study-help-detail"),
    path("etude/<int:pk>/appel/", views_study_help.slot_attendance, name="study-help-attendance"),
    path("etude/<int:pk>/supprimer/", views_study_help.slot_delete, name="study-help-delete"),
    path("etude/<int:pk>/inscription/", views_study_help.signup, name="study-help-signup"),
    path("etude/inscriptions/", views_study_help.pupil_page, name="study-help-pupil"),
    path(
        "etude/inscriptions/<int:pk>/annuler/",
        views_study_help.cancel,
        name="study-help-cancel",
    ),
]
