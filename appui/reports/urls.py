from django.urls import path

from . import views, views_modules

app_name = "reports"

urlpatterns = [
    path("documents/plans/<int:pk>.pdf", views.plan_pdf, name="plan-pdf"),
    path(
        "documents/divisions/<int:pk>/emploi-du-temps-ap.pdf",
        views.division_timetable_pdf,
        name="division-timetable-pdf",
    ),
    path("documents/bilans/<int:pk>.pdf", views.review_pdf, name="review-pdf"),
    path(
        "documents/eleves/<int:pk>/lettre-familles.pdf",
        views.guardian_letter_pdf,
        name="guardian-letter-pdf",
    ),
    path(
        "documents/groupes/<int:pk>/emargement.pdf",
        views.attendance_sheet_pdf,
        name="attendance-sheet-pdf",
    ),
    # Batches, built in the background: a POST starts the job and leads to its page.
    path(
        "documents/divisions/<int:pk>/lettres-familles/",
        views.division_letters,
        name="division-letters",
    ),
    path(
        "documents/plans/<int:pk>/emargements/",
        views.plan_attendance_sheets,
        name="plan-attendance-sheets",
    ),
    path(
        "documents/modules/<int:pk>/fiche-action.pdf",
        views_modules.module_fiche_pdf,
        name="module-fiche-pdf",
    ),
    # Public pages of remarkable actions: no login, no name of any person.
    path("actions/<slug:slug>/", views_modules.remarkable_action, name="remarkable-action"),
    path(
        "actions/<slug:slug>.pdf",
        views_modules.remarkable_action_pdf,
        name="remarkable-action-pdf",
    ),
]
