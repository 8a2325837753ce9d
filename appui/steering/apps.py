from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SteeringConfig(AppConfig):
    name = "appui.steering"
    label = "steering"
    verbose_name = _("Steering")

    def ready(self) -> None:
        from appui.schools import panels

        # This app's partials on the school pages (see appui.schools.panels).
        panels.register("home", "steering/_home_entries.html", order=10)

        from . import summaries

        # The dashboards' summaries go stale when a record the indicators read changes.
        summaries.connect_signals()
