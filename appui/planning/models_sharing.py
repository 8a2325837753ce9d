"""The académie's shared module catalogue (issue 19, item 7; seed 000: remarkable actions
« valorisées » beyond the school).

A school publishes a *snapshot* of one of its modules to its académie: what it is (objective,
competency by code and label, kind, sessions, success indicators, plan of sessions, kinds of
partners) and its anonymised results. The snapshot holds no foreign key into the source
school's framework or partners: another school has its own framework and its own partners, so
a copy matches the competency by its code. Results are computed in ``appui.reports.sharing``
(they come from follow-up, a higher layer); this module only stores them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from appui.schools.models import Academy, School

from .models import Module


class SharedModule(models.Model):
    """One module published by a school to its académie's catalogue; re-publishing updates
    the snapshot and its ``version``, withdrawing hides it (``withdrawn_at``)."""

    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="shared_modules")
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="shared_modules", verbose_name=_("school")
    )
    module = models.OneToOneField(Module, on_delete=models.CASCADE, related_name="shared")
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    objective = models.CharField(_("objective"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Module.Kind.choices)
    competency_code = models.CharField(_("competency code"), max_length=20)
    competency_label = models.CharField(_("competency"), max_length=200)
    sessions = models.PositiveSmallIntegerField(_("number of sessions"))
    min_size = models.PositiveSmallIntegerField(_("minimum size"))
    max_size = models.PositiveSmallIntegerField(_("maximum size"))
    success_indicators = models.TextField(_("success indicators"), blank=True)
    session_plan = models.TextField(_("plan of sessions"), blank=True)
    # Partner kinds only (Partner.Kind values): never a partner's name or contact.
    partner_kinds = models.JSONField(default=list, blank=True)
    # Aggregated results (``appui.reports.sharing.anonymised_results``): counts under 5 are None.
    results = models.JSONField(default=dict, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published on"))
    version = models.PositiveIntegerField(_("version"), default=1)
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        verbose_name = _("shared module")
        verbose_name_plural = _("shared modules")
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["academy", "withdrawn_at"], name="shared_module_listed")]

    def __str__(self) -> str:
        return f"{self.title} ({self.school})"

    @property
    def is_listed(self) -> bool:
        return self.withdrawn_at is None


class SharedModuleCopy(models.Model):
    """A school copied a shared module into its own catalogue."""

    shared = models.ForeignKey(SharedModule, on_delete=models.CASCADE, related_name="copies")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    module = models.OneToOneField(
        Module, on_delete=models.SET_NULL, null=True, blank=True, related_name="copied_from"
    )
    version = models.PositiveIntegerField(_("version copied"))
    copied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    copied_at = models.DateTimeField(_("copied on"))

    class Meta:
        verbose_name = _("copy of a shared module")
        verbose_name_plural = _("copies of shared modules")
        ordering = ["copied_at", "pk"]

    def __str__(self) -> str:
        return f"{self.shared} → {self.school}"
