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

        from appui.schools import changes

        # Results kept by the pages below steering (appui.schools.computed) read this version.
        changes.read_versions_with(
            lambda school_id: summaries.versions([school_id])[school_id],
            summaries.forget_bumps,
        )
