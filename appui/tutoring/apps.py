from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TutoringConfig(AppConfig):
    name = "appui.tutoring"
    label = "tutoring"
    verbose_name = _("Tutoring")

    def ready(self) -> None:
        from appui.schools import panels

        # This app's partials on the school pages (see appui.schools.panels).
        panels.register("student_detail", "tutoring/_portfolio.html", order=30)
        # Study help: the pupil's (or guardian's) next sign-ups, the supervisor's slots.
        panels.register("home", "tutoring/_study_help_home.html", order=20)
        panels.register("home_staff", "tutoring/_study_help_staff.html", order=30)
