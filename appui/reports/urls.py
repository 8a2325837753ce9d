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
]
