from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SteeringConfig(AppConfig):
    name = "appui.steering"
    label = "steering"
    verbose_name = _("Steering")
