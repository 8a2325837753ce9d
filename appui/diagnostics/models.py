"""Diagnosis: competency frameworks, campaigns, results, interviews, observations, profiles.

Seeds: a September skills review and positioning tests every year (002), a welcome interview
and observations (003), a shared diagnosis repeated after every period (004).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appui.core import needs as core_needs
from appui.core import scales as core_scales
from appui.schools.models import Level, Period, School, SchoolYear, Staff, Student


class Framework(models.Model):
    """A versioned competency framework of one school.

    A version whose competencies carry results is never changed in meaning: the coordinator
    makes a new version, and past campaigns keep theirs.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="frameworks")
    code = models.CharField(_("code"), max_length=30)
    version = models.CharField(_("version"), max_length=30)
    label = models.CharField(_("label"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("competency framework")
        verbose_name_plural = _("competency frameworks")
        ordering = ["school", "code", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "code", "version"], name="unique_framework_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.version})"


class Domain(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("label"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["framework", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="unique_domain_code"),
        ]

    def __str__(self) -> str:
        return self.label


class Competency(models.Model):
    class Kind(models.TextChoices):
        TRANSVERSAL = "transversal", _("transversal")
        DISCIPLINARY = "disciplinary", _("disciplinary")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competencies")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="competencies")
    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("label"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    retired = models.BooleanField(
        _("retired"), default=False, help_text=_("No longer offered in new campaigns.")
    )

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["framework", "domain__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="unique_competency_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class Campaign(models.Model):
    class Kind(models.TextChoices):
        # Values from the core vocabulary (appui.core.needs.CampaignKind); labels here.
        SEPTEMBER_REVIEW = (
            core_needs.CampaignKind.SEPTEMBER_REVIEW.value,
            _("September skills review"),
        )
        POSITIONING_TEST = core_needs.CampaignKind.POSITIONING_TEST.value, _("positioning test")
        PERIOD_REVIEW = core_needs.CampaignKind.PERIOD_REVIEW.value, _("end-of-period re-diagnosis")
        OTHER = core_needs.CampaignKind.OTHER.value, _("other diagnostic assessment")

    class Scale(models.TextChoices):
        LSU = "lsu", _("LSU four levels")
        SCORE = "score100", _("score out of 100")

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open for entry")
        CLOSED = "closed", _("closed")

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="campaigns")
    level = models.ForeignKey(Level, on_delete=models.RESTRICT, related_name="campaigns")
    period = models.ForeignKey(
        Period, on_delete=models.RESTRICT, related_name="campaigns", verbose_name=_("period")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    date = models.DateField(_("date"))
    framework = models.ForeignKey(Framework, on_delete=models.RESTRICT, related_name="campaigns")
    competencies = models.ManyToManyField(
        Competency, related_name="campaigns", verbose_name=_("competencies assessed")
    )
    scale = models.CharField(_("scale"), max_length=8, choices=Scale.choices, default=Scale.LSU)
    state = models.CharField(_("state"), max_length=6, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("diagnostic campaign")
        verbose_name_plural = _("diagnostic campaigns")
        ordering = ["-date", "level__order"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class Result(models.Model):
    """A student's level on one competency in one campaign.

    `version` grows at every change: a save that names an older version is a conflict
    (two teachers typing in the same cell) and is refused rather than silently overwritten.
    """

    class NotAssessed(models.TextChoices):
        # Values from the core vocabulary (appui.core.scales.NotAssessed); labels here.
        ABSENT = core_scales.NotAssessed.ABSENT.value, _("absent")
        EXEMPT = core_scales.NotAssessed.EXEMPT.value, _("exempt")
        NOT_EVALUATED = core_scales.NotAssessed.NOT_EVALUATED.value, _("not evaluated")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="results")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="results")
    competency = models.ForeignKey(Competency, on_delete=models.RESTRICT, related_name="results")
    value = models.PositiveSmallIntegerField(
        _("level"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    not_assessed = models.CharField(
        _("not assessed"), max_length=4, choices=NotAssessed.choices, blank=True
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "student", "competency"], name="unique_result"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(not_assessed=""),
                name="result_value_or_not_assessed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} — {self.competency.code} — {self.display}"

    @property
    def display(self) -> str:
        if self.not_assessed:
            return self.not_assessed
        return "" if self.value is None else str(self.value)


class Interview(models.Model):
    """Welcome or personalised interview (seed 003, § 4 « La mise en œuvre »)."""

    class Kind(models.TextChoices):
        WELCOME = "welcome", _("welcome interview")
        PERSONALISED = "personalised", _("personalised interview")

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="interviews")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.WELCOME)
    date = models.DateField(_("date"))
    author = models.ForeignKey(
        Staff, on_delete=models.SET_NULL, null=True, blank=True, related_name="interviews"
    )
    project = models.CharField(
        _("project"),
        max_length=20,
        choices=Student.Project.choices,
        default=Student.Project.UNDECIDED,
    )
    aspirations = models.TextField(_("aspirations"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    difficulties = models.TextField(_("difficulties"), blank=True)
    notes = models.TextField(_("free notes"), blank=True)
    deepen = models.ManyToManyField(
        Competency,
        blank=True,
        related_name="+",
        verbose_name=_("wishes to deepen"),
    )
    restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_("Sensitive: visible only to the head, coordinators, CPE and Psy-EN."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.student} — {self.date:%d/%m/%Y}"


class Observation(models.Model):
    class Signal(models.TextChoices):
        # Values from the core vocabulary (appui.core.needs.Signal); labels here.
        DIFFICULTY = core_needs.Signal.DIFFICULTY.value, _("difficulty")
        STRENGTH = core_needs.Signal.STRENGTH.value, _("strength")

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="observations")
    date = models.DateField(_("date"))
    author = models.ForeignKey(
        Staff, on_delete=models.SET_NULL, null=True, blank=True, related_name="observations"
    )
    competency = models.ForeignKey(
        Competency,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("competency"),
    )
    signal = models.CharField(_("signal"), max_length=10, choices=Signal.choices)
    note = models.TextField(_("note"), blank=True)
    restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_("Sensitive: visible only to the head, coordinators, CPE and Psy-EN."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_signal_display()} — {self.student} — {self.date:%d/%m/%Y}"


class NeedProfile(models.Model):
    """The need profile last computed for a student (recomputed when their data changes).

    `needs` holds, per competency code: level 0-3, kind, priority, reason and evidence, as
    produced by `appui.core.needs`; the grouping solver and the heatmaps read it.
    """

    student = models.OneToOneField(Student, on_delete=models.CASCADE, related_name="need_profile")
    computed_at = models.DateTimeField(auto_now=True)
    as_of = models.DateField(null=True, blank=True)
    needs = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("need profile")
        verbose_name_plural = _("need profiles")

    def __str__(self) -> str:
        return f"{self.student}"

    def level(self, code: str) -> int:
        return int(self.needs.get(code, {}).get("level", 0))
