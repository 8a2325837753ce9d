from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("verification/", views.second_factor, name="second-factor"),
    path("securite/", views.security, name="security"),
    path("securite/mot-de-passe/", views.PasswordChangeView.as_view(), name="password-change"),
    path("securite/application/", views.totp_setup, name="totp-setup"),
    path("securite/application/desactiver/", views.totp_disable, name="totp-disable"),
    path("securite/codes-de-secours/", views.backup_codes_renew, name="backup-codes"),
    path("mot-de-passe-oublie/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "mot-de-passe-oublie/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "reinitialisation/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "reinitialisation/terminee/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
]
