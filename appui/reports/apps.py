from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "appui.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from appui.schools import panels

        # The letters to every family of a division, from the division's page.
        panels.register("division_detail", "reports/_division_letters.html", order=5)
