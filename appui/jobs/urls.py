from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("taches/", views.job_list, name="job-list"),
    path("taches/<int:pk>/", views.job_detail, name="job-detail"),
    path("taches/<int:pk>/etat/", views.job_status, name="job-status"),
    path("taches/<int:pk>/fichier/", views.job_file, name="job-file"),
    path("taches/<int:pk>/relancer/", views.job_restart, name="job-restart"),
]
