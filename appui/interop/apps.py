from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    name = "appui.interop"
    label = "interop"
    verbose_name = _("Imports and exports")

    def ready(self) -> None:
        from appui.schools import panels

        # This app's partials on the school pages (see appui.schools.panels).
        # The student lists can be downloaded; the full list follows the search as typed.
        panels.register(
            "student_list", "interop/_export_links.html", export="students", follow_search=True
        )
        panels.register("division_detail", "interop/_export_links.html", export="students")
