"""Steering: target indicators, the calendar of milestones, meetings with their decisions and
actions, satisfaction surveys, and end-of-year outcomes.

Seeds: « Un échéancier, des indicateurs cibles, des bilans d'étapes sont-ils prévus ? » (000,
001); « Y a-t-il des réunions de régulation des intervenants dans l'AP ? Ces réunions font-elles
l'objet de compte-rendu ? » (000); « Le volet AP fait-il l'objet d'une ou plusieurs enquêtes de
satisfaction auprès des élèves, des parents, des équipes mobilisées ? » (000); « Taux de
redoublement, taux d'accès au bac pro, bilan d'orientation » (002).

Surveys are anonymous by construction: an answer is only ever an increment of a per-question
counter (`ScaleCount`) or a free comment (`Comment`, random key, no date), and neither has a
link to a person. `Participation` records that someone answered — to allow one answer per
person and compute response rates — and holds nothing about what they answered, nor when.
Nor does the order rows are stored in: comments are written back in a random order with new
random keys each time one is added (the pending ones) and each time a batch is released
(all of them), so neither insertion order, SQLite's rowid, PostgreSQL's physical order nor
the keys pair a comment with the n-th participation (see ``services.survey_answer``).
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from appui.core.indicators import INDICATORS, Direction
from appui.planning.models import Group
from appui.schools.models import Level, School, SchoolYear, Staff

from . import survey_templates as catalogue


class Target(models.Model):
    """A target indicator for the year (e.g. 90 % attendance), for the school or one level."""

    class Way(models.TextChoices):
        AT_LEAST = Direction.AT_LEAST.value, _("at least")
        AT_MOST = Direction.AT_MOST.value, _("at most")

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="targets")
    # No ``choices=``: the indicators are declared in appui.core.indicators and may be reworded
    # or added without a migration; the form and target_set() check the key at runtime.
    indicator = models.CharField(_("indicator"), max_length=30)
    level = models.ForeignKey(
        Level,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("level"),
        help_text=_("Leave empty for the whole school."),
    )
    direction = models.CharField(_("target"), max_length=10, choices=Way.choices)
    value = models.DecimalField(
        _("value (%)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("target indicator")
        verbose_name_plural = _("target indicators")
        ordering = ["indicator", "level__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "indicator"],
                condition=Q(level__isnull=True),
                name="one_school_target_per_indicator",
            ),
            models.UniqueConstraint(
                fields=["year", "indicator", "level"],
                condition=Q(level__isnull=False),
                name="one_level_target_per_indicator",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0, value__lte=100), name="target_is_a_percentage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_label} {self.get_direction_display()} {self.value} %"

    @property
    def indicator_label(self) -> str:
        """The indicator's label as declared today (its key if it was withdrawn since)."""
        spec = INDICATORS.get(self.indicator)
        return spec.label if spec else self.indicator


class Milestone(models.Model):
    """A dated step of the steering calendar (échéancier)."""

    class Kind(models.TextChoices):
        DIAGNOSIS = "diagnosis", _("diagnosis")
        STAGE_REVIEW = "stage_review", _("stage reviews")
        REGULATION = "regulation", _("regulation meeting")
        COUNCIL = "council", _("pedagogical council")
        SURVEY = "survey", _("satisfaction survey")
        OTHER = "other", _("other")

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.OTHER)
    due_date = models.DateField(_("due date"))
    level = models.ForeignKey(
        Level,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("level"),
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.due_date:%d/%m/%Y})"

    def is_late(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.done_on is None and self.due_date < today


class Meeting(models.Model):
    """A meeting of one of the school's instances (seed 001: « Nature et nombre des instances
    impliquées (CA, Conseil pédagogique, conseil d'enseignement…) »), a regulation meeting of
    the AP staff, or a team meeting. The stored values of the first kinds never change (data
    written before the instances were added keeps its meaning)."""

    class Kind(models.TextChoices):
        BOARD = "board", _("board of governors")
        COUNCIL = "council", _("pedagogical council")
        TEACHING = "teaching", _("subject teachers' council")
        CLASS = "class", _("class council")
        REGULATION = "regulation", _("regulation meeting")
        TEAM = "team", _("teaching team meeting")
        OTHER = "other", _("other")

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    attendees = models.ManyToManyField(
        Staff, blank=True, related_name="steering_meetings", verbose_name=_("attendees")
    )
    other_attendees = models.CharField(
        _("other attendees"), max_length=300, blank=True, help_text=_("Partners, guests.")
    )
    agenda = models.TextField(_("agenda"))
    minutes = models.TextField(_("minutes"), blank=True)
    levels = models.ManyToManyField(
        Level, blank=True, related_name="meetings", verbose_name=_("levels discussed")
    )
    groups = models.ManyToManyField(
        Group, blank=True, related_name="meetings", verbose_name=_("groups discussed")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"


class Decision(models.Model):
    """A decision taken at a meeting; listed on the dashboard until it is done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("decision"), max_length=500)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text


class Action(models.Model):
    """An action assigned at a meeting: who does what, by when."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    decision = models.ForeignKey(
        Decision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("for the decision"),
    )
    description = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(
        Staff,
        on_delete=models.SET_NULL,
        null=True,
        related_name="steering_actions",
        verbose_name=_("who"),
    )
    due_date = models.DateField(_("by when"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.description


class Audience(models.TextChoices):
    """Who a survey question is for, and under which audience someone answered."""

    STUDENT = catalogue.STUDENT, _("student")
    GUARDIAN = catalogue.GUARDIAN, _("guardian")
    STAFF = catalogue.STAFF, _("staff")


class Survey(models.Model):
    """A satisfaction survey, open to one or more audiences for a time window.

    Each audience answers its own questions only (``Question.audience``). The title is the
    one typed, or else the template's, translated when shown (``title``).
    """

    class Template(models.TextChoices):
        STUDENTS = "students", _("students")
        GUARDIANS = "guardians", _("guardians")
        STAFF = "staff", _("staff")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="surveys")
    custom_title = models.CharField(_("title"), max_length=200, blank=True)
    template = models.CharField(_("template"), max_length=10, choices=Template.choices)
    for_students = models.BooleanField(_("students"), default=False)
    for_guardians = models.BooleanField(_("guardians"), default=False)
    for_staff = models.BooleanField(_("staff"), default=False)
    levels = models.ManyToManyField(
        Level,
        blank=True,
        related_name="surveys",
        verbose_name=_("levels"),
        help_text=_("Students and guardians of these levels only; empty: every level."),
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="survey_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(for_students=True) | Q(for_guardians=True) | Q(for_staff=True),
                name="survey_has_an_audience",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """The typed title, or else the template's in the reader's language."""
        if self.custom_title:
            return self.custom_title
        template = catalogue.TEMPLATES.get(self.template)
        return str(template.title) if template else ""

    @property
    def audiences(self) -> list[str]:
        """The audiences the survey is for, in a fixed order (students, guardians, staff)."""
        wanted = [
            (self.for_students, Audience.STUDENT),
            (self.for_guardians, Audience.GUARDIAN),
            (self.for_staff, Audience.STAFF),
        ]
        return [audience.value for chosen, audience in wanted if chosen]

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError(_("A survey cannot close before it opens."))
        if not (self.for_students or self.for_guardians or self.for_staff):
            raise ValidationError(_("Choose who the survey is for."))

    def status(self, today=None) -> str:
        today = today or timezone.localdate()
        if self.published_at is None:
            return self.Status.DRAFT
        if self.closed_at is not None or today > self.closes_on:
            return self.Status.CLOSED
        if today < self.opens_on:
            return self.Status.SCHEDULED
        return self.Status.OPEN

    @property
    def current_status(self) -> str:
        return self.status()

    @property
    def is_open(self) -> bool:
        return self.status() == self.Status.OPEN


class Question(models.Model):
    """A question of a survey, of one type, for one of the survey's audiences.

    A question taken from the catalogue keeps its ``template_key`` and is shown in the
    catalogue's words, translated when displayed (``label``); ``text`` then holds the
    catalogue's English text, used only if the key were ever withdrawn. A typed question has
    no key and shows its ``text``.
    """

    class Kind(models.TextChoices):
        SCALE = catalogue.SCALE, _("four-point agreement scale")
        YES_NO = catalogue.YES_NO, _("yes or no")
        TEXT = catalogue.TEXT, _("free comment")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices, default=Kind.SCALE)
    audience = models.CharField(_("asked to"), max_length=8, choices=Audience.choices)
    template_key = models.CharField(max_length=40, blank=True, editable=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "order", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The question as shown: the catalogue's, translated now, or the typed text."""
        question = catalogue.QUESTIONS.get(self.template_key)
        return str(question.text) if question else self.text

    def clean(self) -> None:
        if self.survey_id and self.audience and self.audience not in self.survey.audiences:
            raise ValidationError(
                {"audience": _("This survey is not for the people this question is asked to.")}
            )


class ScaleCount(models.Model):
    """How many people gave one value to one question. Only ever incremented.

    Values 1–4 on a scale question (``SCALE_LABELS``), 1 (yes) and 2 (no) on a yes/no one
    (``YES_NO_LABELS``).
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="counts")
    value = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="one_count_per_value"),
            models.CheckConstraint(
                condition=Q(value__gte=1, value__lte=4), name="count_on_four_point_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value} × {self.count}"


class Comment(models.Model):
    """A free comment: a random key, no date, no author, stored in a random order.

    ``released`` comments are shown on the dashboard; the others wait, reshuffled at each
    answer, until enough of them pend to be released together (or the survey closes), so a
    comment never appears right after its author answered.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="comments")
    text = models.TextField()
    released = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:50]


class Participation(models.Model):
    """Someone answered a survey (once). Says nothing about the answer, nor when."""

    Audience = Audience

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_participations"
    )
    audience = models.CharField(max_length=8, choices=Audience.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="one_answer_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.user_id}"


class Outcome(models.Model):
    """End-of-year outcomes of one level, entered by the school (seed 002 indicators).

    Keyed by the school year's start and the level's track and year in the cycle, so that
    years and schools compare even when their levels are separate rows.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="outcomes")
    start_year = models.PositiveSmallIntegerField(_("school year (start)"))
    track = models.CharField(_("track"), max_length=10, choices=Level.Track.choices)
    year_in_cycle = models.PositiveSmallIntegerField(_("year in the cycle"))
    label = models.CharField(_("level"), max_length=100)
    enrolled = models.PositiveIntegerField(_("students enrolled"))
    repeating = models.PositiveIntegerField(_("repeating the year"), default=0)
    candidates = models.PositiveIntegerField(_("diploma candidates"), default=0)
    passed = models.PositiveIntegerField(_("diploma passed"), default=0)
    leavers = models.PositiveIntegerField(_("leaving at the end of the cycle"), default=0)
    further_studies = models.PositiveIntegerField(
        _("of whom going on to further studies"), default=0
    )

    class Meta:
        verbose_name = _("end-of-year outcome")
        verbose_name_plural = _("end-of-year outcomes")
        ordering = ["-start_year", "track", "year_in_cycle"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "start_year", "track", "year_in_cycle"],
                name="one_outcome_per_level_and_year",
            ),
            models.CheckConstraint(
                condition=Q(repeating__lte=F("enrolled"))
                & Q(passed__lte=F("candidates"))
                & Q(candidates__lte=F("enrolled"))
                & Q(leavers__lte=F("enrolled"))
                & Q(further_studies__lte=F("leavers")),
                name="outcome_counts_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.start_year}-{self.start_year + 1}"

    def clean(self) -> None:
        enrolled, repeating = self.enrolled or 0, self.repeating or 0
        candidates, passed = self.candidates or 0, self.passed or 0
        leavers, further = self.leavers or 0, self.further_studies or 0
        checks = [
            (repeating > enrolled, _("More repeating students than enrolled.")),
            (candidates > enrolled, _("More candidates than enrolled students.")),
            (passed > candidates, _("More passed than candidates.")),
            (leavers > enrolled, _("More leavers than enrolled students.")),
            (further > leavers, _("More in further studies than leavers.")),
        ]
        errors = [message for failed, message in checks if failed]
        if errors:
            raise ValidationError(errors)


class TrainingAction(models.Model):
    """A staff training action of the year's training plan (seed 001: « Un plan de formation
    des enseignants est-il établi à l'échelle de l'établissement ou de l'académie ? » ;
    « Actions de formation prévues/réalisées »).

    ``participants`` are the staff registered while it is planned, and those who actually
    took part once it is recorded as done (the indicator counts these)."""

    class Organiser(models.TextChoices):
        ACADEMY = "academy", _("académie (EAFC)")
        SCHOOL = "school", _("the school")
        AREA = "area", _("school area (bassin)")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("training action", "planned")
        DONE = "done", pgettext_lazy("training action", "done")
        CANCELLED = "cancelled", pgettext_lazy("training action", "cancelled")

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="trainings")
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(
        _("theme"), max_length=200, blank=True, help_text=_("E.g. assessing by competencies.")
    )
    organiser = models.CharField(
        _("organised by"), max_length=10, choices=Organiser.choices, default=Organiser.SCHOOL
    )
    date = models.DateField(_("date"))
    end_date = models.DateField(
        _("last day"), null=True, blank=True, help_text=_("For a training over several days.")
    )
    hours = models.DecimalField(
        _("duration (hours)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    participants = models.ManyToManyField(
        Staff, blank=True, related_name="trainings", verbose_name=_("participants")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("training action")
        verbose_name_plural = _("training actions")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="training_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"

    def clean(self) -> None:
        if self.date and self.end_date and self.end_date < self.date:
            raise ValidationError(_("A training cannot end before it starts."))


class PilotageRole(models.Model):
    """One role of the year's pilotage organigram (seed 001: « Organigramme de pilotage » ;
    « Y a-t-il un pilote ou un référent désigné … ? D'autres personnes ressources sont-elles
    identifiées ? »): a staff member, or someone from outside named in full.

    The AP coordinators are not stored here: they are the accounts with the AP coordinator
    role (``schools.Membership``, limited to levels or not), the one record that also gives
    them their rights; the organigram shows them from there (``selectors.level_coordinators``).
    """

    class Kind(models.TextChoices):
        HEAD = "head", _("head of school")
        DEPUTY = "deputy", _("deputy head")
        DDFPT = "ddfpt", _("director of vocational training (DDFPT)")
        DROPOUT = "dropout", _("dropout prevention referent")
        ORIENTATION = "orientation", _("orientation referent (Psy-EN)")
        DIGITAL = "digital", _("digital referent")
        INCLUSION = "inclusion", _("disability and inclusion referent")
        OTHER = "other", _("other resource person")

    #: The kinds that make up the school's management, shown first.
    MANAGEMENT = (Kind.HEAD, Kind.DEPUTY, Kind.DDFPT)

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="pilotage_roles")
    kind = models.CharField(_("role"), max_length=12, choices=Kind.choices)
    title = models.CharField(
        _("precise title"),
        max_length=200,
        blank=True,
        help_text=_("E.g. « Psy-EN of the CIO », « referent for work placements »."),
    )
    level = models.ForeignKey(
        Level,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pilotage_roles",
        verbose_name=_("level"),
        help_text=_("Leave empty for the whole school."),
    )
    staff = models.ForeignKey(
        Staff,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pilotage_roles",
        verbose_name=_("staff member"),
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("For someone outside the school (partner, CIO…)."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pilotage role")
        verbose_name_plural = _("pilotage roles")
        ordering = ["kind", "level__order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(staff__isnull=False) | ~Q(name=""), name="pilotage_role_names_someone"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} : {self.person}"

    @property
    def person(self) -> str:
        return str(self.staff) if self.staff_id else self.name

    def clean(self) -> None:
        if self.staff_id is None and not self.name.strip():
            raise ValidationError(_("Choose a staff member or write the person's name."))
        if self.staff_id is not None and self.name.strip():
            raise ValidationError(_("Choose a staff member or write a name, not both."))


class SummaryState(models.Model):
    """A school's data version: bumped (one ``UPDATE``) whenever a record an indicator reads
    changes, so a :class:`Summary` computed from an older version is known to be stale."""

    school = models.OneToOneField(
        "schools.School", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.school_id} v{self.version}"


class Summary(models.Model):
    """The dashboard of one scope (school year, optionally a level, division or period) as
    computed at ``data_version`` for the day ``as_of``: every indicator's headline value and
    the sections drawn from them (see ``steering.summaries``). Read instead of the raw records
    while fresh."""

    key = models.CharField(max_length=120, unique=True)
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey("schools.SchoolYear", on_delete=models.CASCADE, related_name="+")
    level = models.ForeignKey(
        "schools.Level", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    division = models.ForeignKey(
        "schools.Division", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    period = models.ForeignKey(
        "schools.Period", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=12)
    as_of = models.DateField()
    data_version = models.PositiveBigIntegerField()
    computed_at = models.DateTimeField()
    headlines = models.JSONField(default=dict)
    sections = models.JSONField(default=list)

    class Meta:
        indexes = [models.Index(fields=["school", "year"])]

    def __str__(self) -> str:
        return self.key
