from django.urls import path

from . import views, views_partners

app_name = "followup"

urlpatterns = [
    path("suivi/", views.index, name="index"),
    path("suivi/seances/<int:pk>/", views.session_detail, name="session-detail"),
    path("suivi/seances/<int:pk>/presence/", views.attendance_save, name="attendance"),
    path(
        "suivi/seances/<int:pk>/tous-presents/",
        views.attendance_all_present,
        name="all-present",
    ),
    path("suivi/seances/<int:pk>/progres/", views.mark_save, name="mark"),
    path("suivi/seances/<int:pk>/progres-groupe/", views.marks_for_unmarked, name="group-mark"),
    path("suivi/seances/<int:pk>/textes/", views.texts_save, name="texts"),
    path(
        "suivi/seances/<int:pk>/co-evaluation/",
        views.co_evaluation_toggle,
        name="co-evaluation",
    ),
    path("suivi/seances/<int:pk>/annuler/", views.session_cancel, name="session-cancel"),
    path("suivi/seances/<int:pk>/deplacer/", views.session_reschedule, name="session-reschedule"),
    path("suivi/seances/<int:pk>/retablir/", views.session_restore, name="session-restore"),
    path(
        "suivi/seances/<int:pk>/partenaires/",
        views_partners.session_partners,
        name="session-partners",
    ),
    path(
        "suivi/seances/<int:pk>/mon-evaluation/",
        views.student_mark_save,
        name="student-mark",
    ),
    path("suivi/groupes/<int:pk>/seances/", views.group_sessions, name="group-sessions"),
    path("suivi/semaine/", views.staff_week, name="staff-week"),
    path("suivi/courriel-hebdomadaire/", views.digest_preference, name="digest-preference"),
    path("suivi/agenda/", views.agenda, name="agenda"),
    path("agenda/<str:token>.ics", views.ical_feed, name="ical-feed"),
    path("eleves/<int:pk>/emploi-du-temps/", views.student_timetable, name="student-timetable"),
    path(
        "eleves/<int:pk>/emploi-du-temps/imprimer/",
        views.student_timetable_print,
        name="student-timetable-print",
    ),
    path(
        "divisions/<int:pk>/emploi-du-temps/",
        views.division_timetable,
        name="division-timetable",
    ),
    path(
        "divisions/<int:pk>/emploi-du-temps/imprimer/",
        views.division_timetable_print,
        name="division-timetable-print",
    ),
    path("eleves/<int:pk>/portfolio/", views.portfolio, name="portfolio"),
    path(
        "eleves/<int:pk>/bilans/periodes/<int:period_pk>/preparer/",
        views.review_prepare_one,
        name="review-prepare",
    ),
    path("suivi/heures/", views.hours_index, name="hours-index"),
    path("suivi/heures/niveaux/<int:pk>/", views.hours_level, name="hours-level"),
    path("suivi/heures/personnels/", views.hours_staff, name="hours-staff"),
    path("suivi/bilans/divisions/<int:pk>/", views.review_list, name="review-list"),
    path("suivi/bilans/<int:pk>/", views.review_detail, name="review-detail"),
    path("suivi/bilans/<int:pk>/action/", views.review_action, name="review-action"),
]
