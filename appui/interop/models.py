"""An uploaded file kept between its preview and its application; the LSU export's data."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from appui.schools.models import School


def validate_kind(value: str) -> None:
    """A batch's kind must be one of the registry's (checked by ``full_clean``)."""
    from .registry import KINDS

    if value not in KINDS:
        raise ValidationError(_("Unknown kind of import: %(kind)s."), params={"kind": value})


class ImportBatch(models.Model):
    """One import: the file as uploaded, what its preview showed, and whether it was applied.

    ``school`` is empty only for the first SIECLE import of a new school, which creates it;
    the batch is then attached to the school it created. Nothing reaches the school's data
    until the preview is confirmed; the file stays for the record.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("previewed")
        APPLIED = "applied", _("applied")
        CANCELLED = "cancelled", _("cancelled")

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="import_batches"
    )
    # The kinds are declared in ``registry.KINDS``, not as field choices: adding a format is
    # a parser, an importer and one registry entry, with no migration.
    kind = models.CharField(_("kind"), max_length=20, validators=[validate_kind])
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
    # DATE_EXPORT of a SIECLE file: a file older than the last one applied needs a second
    # confirmation (it would bring back older classes and exits).
    export_date = models.DateField(_("export date"), null=True, blank=True)
    # The diagnosis campaign a results file fills. A foreign key rather than a value in
    # ``options``: the campaign page lists its imports (``campaign.imports``), deleting a
    # campaign deletes its uploads, and access to a results batch follows its campaign's level.
    campaign = models.ForeignKey(
        "diagnostics.Campaign",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="imports",
    )
    # The background job applying a big import (``services.import_confirm``): the last one
    # started, finished or not; empty for an import applied during the request.
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def entry(self):
        """The kind's :class:`~appui.interop.registry.ImportKind`."""
        from .registry import KINDS

        return KINDS[self.kind]

    @property
    def kind_label(self) -> str:
        """The kind's name, as its card on the imports page gives it."""
        return str(self.entry.label)

    @property
    def record_count(self) -> int:
        """The records the preview counted, every section and status together (what
        decides whether the import is applied in the background)."""
        counts = (self.summary or {}).get("counts") or {}
        return sum(sum(by_status.values()) for by_status in counts.values())

    @property
    def applying_job(self):
        """The background job applying this import while it is unfinished, else None."""
        job = self.job
        return job if job is not None and not job.is_finished else None

    @property
    def failed_job(self):
        """The background job that failed to apply this import, while it is still a preview
        (it may be confirmed again), else None."""
        job = self.job
        failed = job is not None and job.status == job.Status.FAILED
        return job if failed and self.status == self.Status.PREVIEWED else None


# ---------------------------------------------------------------------------- LSU (collège)
#
# The LSU periodic report (bilan périodique) holds much more than the AP that appui manages:
# subject assessments, the "acquis et conseils" text, attendance, the class council and the
# head who signs. appui does not invent them. The head sets the export settings and the
# council dates; the rest is imported from the school's other software as a spreadsheet
# (kind ``lsu`` above) and kept here, per student and period.


class LsuSettings(models.Model):
    """How one period of appui is exported to the LSU: who signs, when reports were locked,
    and which LSU period (trimester, semester…) it is."""

    period = models.OneToOneField(
        "schools.Period", on_delete=models.CASCADE, related_name="lsu_settings"
    )
    manager = models.ForeignKey(
        "schools.Staff",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by"),
    )
    lsu_index = models.PositiveSmallIntegerField(
        _("LSU period number"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    lsu_count = models.PositiveSmallIntegerField(
        _("number of LSU periods in the year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    locked_on = models.DateField(_("reports locked on"), null=True, blank=True)

    class Meta:
        verbose_name = _("LSU settings")
        verbose_name_plural = _("LSU settings")

    def __str__(self) -> str:
        return f"LSU — {self.period}"


class LsuCouncil(models.Model):
    """The date of a division's class council for one period."""

    period = models.ForeignKey(
        "schools.Period", on_delete=models.CASCADE, related_name="lsu_councils"
    )
    division = models.ForeignKey(
        "schools.Division", on_delete=models.CASCADE, related_name="lsu_councils"
    )
    date = models.DateField(_("class council"))

    class Meta:
        verbose_name = _("class council")
        verbose_name_plural = _("class councils")
        constraints = [
            models.UniqueConstraint(fields=["period", "division"], name="one_council_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.division} — {self.period} — {self.date}"


class LsuReport(models.Model):
    """What a student's LSU periodic report needs beyond AP, imported from a spreadsheet."""

    student = models.ForeignKey(
        "schools.Student", on_delete=models.CASCADE, related_name="lsu_reports"
    )
    period = models.ForeignKey(
        "schools.Period", on_delete=models.CASCADE, related_name="lsu_reports"
    )
    advice = models.TextField(_("acquis et conseils pour progresser"), blank=True)
    late = models.PositiveSmallIntegerField(
        _("late arrivals"), null=True, blank=True, validators=[MaxValueValidator(999)]
    )
    justified_absences = models.PositiveSmallIntegerField(
        _("justified half-day absences"), null=True, blank=True, validators=[MaxValueValidator(999)]
    )
    unjustified_absences = models.PositiveSmallIntegerField(
        _("unjustified half-day absences"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(999)],
    )
    missed_hours = models.PositiveSmallIntegerField(
        _("missed hours"), null=True, blank=True, validators=[MaxValueValidator(999)]
    )
    school_life_comment = models.TextField(_("school life comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("LSU periodic report")
        verbose_name_plural = _("LSU periodic reports")
        constraints = [
            models.UniqueConstraint(fields=["student", "period"], name="one_lsu_report_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.student} — {self.period}"


class LsuAssessment(models.Model):
    """A subject assessment of a periodic report (``acquis``): subject, teacher, positioning
    on the LSU scale (1–4) or an average, and the teacher's appreciation."""

    report = models.ForeignKey(LsuReport, on_delete=models.CASCADE, related_name="assessments")
    subject = models.ForeignKey("schools.Subject", on_delete=models.RESTRICT, related_name="+")
    staff = models.ForeignKey(
        "schools.Staff", on_delete=models.RESTRICT, related_name="+", verbose_name=_("teacher")
    )
    positioning = models.PositiveSmallIntegerField(
        _("positioning"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    average = models.CharField(_("average"), max_length=8, blank=True)
    not_graded = models.BooleanField(_("not graded"), default=False)
    appreciation = models.TextField(_("appreciation"), blank=True)

    class Meta:
        verbose_name = _("subject assessment")
        verbose_name_plural = _("subject assessments")
        constraints = [
            models.UniqueConstraint(fields=["report", "subject"], name="one_assessment_per_subject")
        ]

    def __str__(self) -> str:
        return f"{self.report} — {self.subject}"
