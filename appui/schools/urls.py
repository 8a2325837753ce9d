from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("etablissements/", views.school_list, name="school-list"),
    path("etablissements/<int:pk>/choisir/", views.school_select, name="school-select"),
    path("etablissement/", views.school_detail, name="school-detail"),
    path("divisions/<int:pk>/", views.division_detail, name="division-detail"),
    path("eleves/", views.student_list, name="student-list"),
    path("eleves/<int:pk>/", views.student_detail, name="student-detail"),
]
