"""An uploaded file kept between its preview and its application."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from appui.schools.models import School


class ImportBatch(models.Model):
    """One import: the file as uploaded, what its preview showed, and whether it was applied.

    ``school`` is empty only for the first SIECLE import of a new school, which creates it;
    the batch is then attached to the school it created. Nothing reaches the school's data
    until the preview is confirmed; the file stays for the record.
    """

    class Kind(models.TextChoices):
        SIECLE = "siecle", _("SIECLE students")
        STS = "sts", _("STS-web staff and services")
        STUDENTS = "students", _("students from a spreadsheet")
        STAFF = "staff", _("staff from a spreadsheet")

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("previewed")
        APPLIED = "applied", _("applied")
        CANCELLED = "cancelled", _("cancelled")

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="import_batches"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(_("file"), max_length=255)
    content = models.BinaryField()
    # A second file read with the first (SIECLE's Nomenclature.xml), optional.
    extra_name = models.CharField(max_length=255, blank=True)
    extra_content = models.BinaryField(null=True, blank=True)
    # Choices made on the upload form (school name and holiday zone, "absent means left"…).
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEWED
    )
    summary = models.JSONField(default=dict, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
