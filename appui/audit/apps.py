from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "appui.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        # Every model is loaded before any ready() runs, so the tracked models of the apps
        # above are registered here by label, without importing them (see tracked.py).
        from .tracked import register_all

        register_all()
