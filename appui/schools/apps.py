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

        # The terminale parcours (schools' own partials, placed like the other apps' panels).
        from . import panels

        panels.register("student_detail", "schools/_student_parcours.html", order=5)
        panels.register("division_detail", "schools/_division_parcours.html", order=5)
