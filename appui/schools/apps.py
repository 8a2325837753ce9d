from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "appui.schools"
    label = "schools"
    verbose_name = _("School structure")

    def ready(self) -> None:
        # Logins: the school's rule for who must use a second login step (accounts reads it
        # without importing schools).
        from appui.accounts.policy import require_totp_when

        from .logins import totp_required_for

        require_totp_when(totp_required_for)
