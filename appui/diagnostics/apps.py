from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosticsConfig(AppConfig):
    name = "appui.diagnostics"
    label = "diagnostics"
    verbose_name = _("Diagnosis")
