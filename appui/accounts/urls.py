from django.urls import path

from . import views, views_sso

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    # Logout ends the ENT session too after an ENT sign-on (single sign-out).
    path("deconnexion/", views_sso.logout, name="logout"),
    path("ent/cas/", views_sso.CasLoginView.as_view(), name="ent-cas-login"),
    path("ent/oidc/", views_sso.OidcLoginView.as_view(), name="ent-oidc-login"),
    path("ent/oidc/retour/", views_sso.OidcCallbackView.as_view(), name="ent-oidc-callback"),
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
