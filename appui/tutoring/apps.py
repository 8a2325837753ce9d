from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TutoringConfig(AppConfig):
    name = "appui.tutoring"
    label = "tutoring"
    verbose_name = _("Tutoring")
