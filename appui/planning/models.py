"""Planning: rooms, slots (barrettes), the module catalogue, and need-group plans.

Seeds: aligned slots in which all divisions of a level are free together (001, 004); short
modules with one precise objective and success indicators, 3 to 5 sessions (004); need
groups mixing divisions of a level, re-formed every period, never frozen (002, 003, 004).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appui.diagnostics.models import Competency
from appui.schools.models import Division, Level, Period, School, SchoolYear, Staff, Student


class Room(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=100)
    capacity = models.PositiveSmallIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    features = models.CharField(
        _("features"), max_length=200, blank=True, help_text=_("e.g. computers, workshop")
    )

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="unique_room_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.capacity})"


class Slot(models.Model):
    """A weekly time slot (barrette) in which the listed divisions of a level are free."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="slots")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("start"))
    end_time = models.TimeField(_("end"))
    periods = models.ManyToManyField(
        Period, related_name="slots", verbose_name=_("active in periods"), blank=True
    )
    divisions = models.ManyToManyField(
        Division, related_name="slots", verbose_name=_("divisions freed")
    )
    staff = models.ManyToManyField(
        Staff, related_name="slots", verbose_name=_("staff available"), blank=True
    )
    rooms = models.ManyToManyField(
        Room, related_name="slots", verbose_name=_("rooms available"), blank=True
    )

    class Meta:
        verbose_name = _("slot (barrette)")
        verbose_name_plural = _("slots (barrettes)")
        ordering = ["level__order", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @property
    def minutes(self) -> int:
        start = self.start_time.hour * 60 + self.start_time.minute
        end = self.end_time.hour * 60 + self.end_time.minute
        return end - start

    def clean(self) -> None:
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError(_("A slot must end after it starts."))


class Partner(models.Model):
    """An organisation outside the school that takes part in AP modules or sessions: France
    Travail and the missions locales (Avenir Pro in terminale), companies, associations (seed
    001: « la mobilisation de partenaires extérieurs à l'établissement »)."""

    class Kind(models.TextChoices):
        FRANCE_TRAVAIL = "france_travail", _("France Travail")
        MISSION_LOCALE = "mission_locale", _("mission locale")
        COMPANY = "entreprise", _("company")
        ASSOCIATION = "association", _("association")
        OTHER = "autre", _("other partner")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    contact = models.CharField(
        _("contact"),
        max_length=300,
        blank=True,
        help_text=_("Person to contact, e-mail or phone (never shown on public pages)."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="unique_partner_name")
        ]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """A resource mobilised in AP: the Avenir(s) platform, a website, a document, a tool (seed
    001: « les ressources de la plateforme Avenir… les autres ressources mobilisables »)."""

    class Kind(models.TextChoices):
        AVENIRS = "avenirs", _("Avenir(s) platform")
        WEBSITE = "site", _("website")
        DOCUMENT = "document", _("document")
        TOOL = "outil", _("digital tool")
        OTHER = "autre", _("other resource")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(
        _("address (URL)"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["school", "title"], name="unique_resource_title")
        ]

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    """A short sequence with one precise objective, reusable across periods and years."""

    class Kind(models.TextChoices):
        SUPPORT = "soutien", _("support (soutien)")
        DEEPENING = "approfondissement", _("deepening (approfondissement)")
        METHODS = "methodologie", _("methods")
        ORIENTATION = "orientation", _("orientation / project")
        TUTORING = "tutorat", _("tutoring")
        CULTURAL = "culturel", _("cultural")
        EXPRESSION = "expression", _("expression")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="modules")
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    objective = models.CharField(_("objective"), max_length=300)
    competency = models.ForeignKey(
        Competency, on_delete=models.RESTRICT, related_name="modules", verbose_name=_("focus")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sessions = models.PositiveSmallIntegerField(
        _("number of sessions"), default=4, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    success_indicators = models.TextField(_("success indicators"), blank=True)
    min_size = models.PositiveSmallIntegerField(_("minimum size"), default=6)
    max_size = models.PositiveSmallIntegerField(_("maximum size"), default=18)
    staff = models.ManyToManyField(
        Staff, related_name="modules", verbose_name=_("staff able to run it"), blank=True
    )
    room_needs = models.CharField(_("room needs"), max_length=200, blank=True)
    active = models.BooleanField(_("offered"), default=True)
    partners = models.ManyToManyField(
        Partner, related_name="modules", verbose_name=_("partners"), blank=True
    )
    resources = models.ManyToManyField(
        Resource, related_name="modules", verbose_name=_("resources"), blank=True
    )
    # « Action remarquable » (seed 000: actions « remarquables, innovantes, inspirantes »
    # valued on the school's site): a public page at /actions/<public_slug>/ while
    # ``remarkable`` is on and ``public_since`` is set (the coordinator published it).
    remarkable = models.BooleanField(
        _("remarkable action"),
        default=False,
        help_text=_("An innovative, inspiring action the school may show on a public page."),
    )
    public_summary = models.TextField(
        _("public description"),
        blank=True,
        help_text=_("Shown on the public page: describe the action without naming anyone."),
    )
    public_slug = models.SlugField(
        _("public address"), max_length=80, unique=True, null=True, blank=True, editable=False
    )
    public_since = models.DateTimeField(_("published on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="unique_module_code"),
            models.CheckConstraint(
                condition=Q(max_size__gte=models.F("min_size")), name="module_sizes_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def is_public(self) -> bool:
        """Whether its public page is shown: a remarkable action the coordinator published."""
        return self.remarkable and self.public_since is not None and bool(self.public_slug)

    @property
    def sessions_warning(self) -> bool:
        """Seed 004: short sequences of 3 to 5 sessions."""
        return not 3 <= self.sessions <= 5


class Plan(models.Model):
    """A need-group plan for one level and one period, versioned.

    A published plan is never changed: adjusting it makes a new version (seed 004: groups
    change every period; coordinators keep the record of what was run).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SOLVING = "solving", _("solving")
        PROPOSED = "proposed", _("proposed")
        PUBLISHED = "published", _("published")
        SUPERSEDED = "superseded", _("superseded")

    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="plans")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    weights = models.JSONField(_("weights"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    solver_status = models.CharField(max_length=30, blank=True)
    solver_message = models.TextField(blank=True)
    progress = models.JSONField(default=dict, blank=True)
    objective = models.FloatField(null=True, blank=True)
    bound = models.FloatField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    #: Bumped by every write to the plan's groups (moves, locks, solves, restores): a form or
    #: board built on an older revision is refused with a conflict message, never applied.
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("group plan")
        verbose_name_plural = _("group plans")
        ordering = ["level__order", "period__number", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "period", "version"], name="unique_plan_version"
            ),
            models.UniqueConstraint(
                fields=["level", "period"],
                condition=Q(status="published"),
                name="one_published_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} — {self.period} — v{self.version}"

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.PROPOSED}


class Round(models.Model):
    """A round (séquence) of a level's period: 3 to 5 weeks with groups of their own.

    Seed 004: short modules of 3 to 5 sessions, each followed by a new diagnosis. A period
    cut into rounds lets a pupil follow two short modules on different needs; the groups of
    all rounds are formed together, and a later round can be formed again from updated
    profiles with the earlier ones kept.
    """

    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="rounds")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    label = models.CharField(_("label"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["level__order", "period__number", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "period", "number"], name="unique_round_number"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="round_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.label or f"{_('Round')} {self.number}"


class Group(models.Model):
    """A need group: one module, in one slot, for one period (or one round of it), with
    its staff and room."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="groups")
    slot = models.ForeignKey(Slot, on_delete=models.RESTRICT, related_name="groups")
    round = models.ForeignKey(
        Round,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="groups",
        verbose_name=_("round"),
    )
    module = models.ForeignKey(Module, on_delete=models.RESTRICT, related_name="groups")
    room = models.ForeignKey(
        Room, on_delete=models.SET_NULL, null=True, blank=True, related_name="groups"
    )
    staff = models.ManyToManyField(Staff, related_name="ap_groups", blank=True)
    label = models.CharField(_("label"), max_length=100, blank=True)
    locked = models.BooleanField(_("locked"), default=False)

    class Meta:
        verbose_name = _("need group")
        verbose_name_plural = _("need groups")
        ordering = ["slot__weekday", "slot__start_time", "module__code", "pk"]

    def __str__(self) -> str:
        return self.label or f"{self.module.code} — {self.slot}"


class Assignment(models.Model):
    """A student in a group; may be locked by the coordinator, with the reason shown."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="assignments")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="assignments")
    locked = models.BooleanField(_("locked"), default=False)
    lock_reason = models.CharField(_("reason"), max_length=200, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["group", "student"], name="unique_assignment"),
        ]

    def __str__(self) -> str:
        return f"{self.student} → {self.group}"


class PlanSnapshot(models.Model):
    """One version of a level's need groups for a period, kept for comparison and restore.

    Every solve, batch of hand moves, restore and publication records one (numbered per
    level and period); nothing overwrites an earlier version. ``groups`` holds the groups as
    the solver sees them: slot, round, module, staff, room, students, locks.
    """

    class Origin(models.TextChoices):
        SOLVE = "solve", _("computed")
        MINIMAL = "minimal", _("recomputed with minimal change")
        MOVES = "moves", _("changed by hand")
        RESTORE = "restore", _("restored")
        PUBLISH = "publish", _("published")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="snapshots")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField(_("version"))
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    groups = models.JSONField(default=list, blank=True)
    objective = models.FloatField(null=True, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["level__order", "period__number", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "period", "number"], name="unique_snapshot_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} — {self.period} — {_('version')} {self.number}"


class WishWindow(models.Model):
    """The days during which a level's pupils choose wished modules for a period.

    The coordinator opens it and lists the modules offered; pupils (or the coordinator for
    them) rank 1 to ``max_wishes`` of them; the solver honours them where it can.
    """

    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="wish_windows")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="wish_windows")
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    modules = models.ManyToManyField(
        Module, related_name="wish_windows", verbose_name=_("modules offered")
    )
    max_wishes = models.PositiveSmallIntegerField(
        _("wishes per pupil"), default=3, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("wish window")
        verbose_name_plural = _("wish windows")
        ordering = ["level__order", "period__number"]
        constraints = [
            models.UniqueConstraint(fields=["level", "period"], name="unique_wish_window"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="wish_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} — {self.period}"


class Wish(models.Model):
    """A pupil's wished module, ranked 1 (most wished) to 3."""

    window = models.ForeignKey(WishWindow, on_delete=models.CASCADE, related_name="wishes")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="ap_wishes")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="wishes")
    rank = models.PositiveSmallIntegerField(
        _("rank"), validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("wish")
        verbose_name_plural = _("wishes")
        ordering = ["window", "student", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["window", "student", "rank"], name="unique_wish_rank"),
            models.UniqueConstraint(
                fields=["window", "student", "module"], name="unique_wish_module"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} → {self.module} ({self.rank})"


# The académie's shared catalogue (issue 19, item 7), in its own module.
from .models_sharing import SharedModule, SharedModuleCopy  # noqa: E402, F401
