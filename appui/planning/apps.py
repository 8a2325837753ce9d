from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "appui.planning"
    label = "planning"
    verbose_name = _("Planning")

    def ready(self) -> None:
        from appui.schools import panels

        # This app's partials on the school pages (see appui.schools.panels).
        panels.register("home_staff", "planning/_staff_groups.html", order=20)
        panels.register("student_detail", "planning/_student_groups.html", order=10)
        panels.register("settings_home", "planning/_settings_slot_periods.html", order=10)
        # Pupils' wishes: the call to choose on the pupil's home, the wishes on their page.
        panels.register("home", "planning/_wish_home.html", order=10)
        panels.register("student_detail", "planning/_wish_student.html", order=15)
