from django.urls import path

from . import views

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
]
