"""Follow-up: dated sessions of the published need groups, attendance, progress marks, stage
reviews, and the staff calendar feeds.

Seeds: the plan of work is shown to the students at the start of each session, progress is
assessed on the module's objective, with self-assessment and co-evaluation (004); a stage
review per period is shared with the family (000, 004).
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from appui.core import hours as core_hours
from appui.core import scales as core_scales
from appui.planning.models import Group, Partner, Resource
from appui.schools.models import Period, Staff, Student


class Session(models.Model):
    """One dated meeting of a need group.

    Generated from the group's slot for every school day of the plan's period. A session
    moved to another day keeps the slot date it came from in ``rescheduled_from``: the pair
    (group, slot date) identifies it, which makes the generation idempotent.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("to come")
        DONE = "done", _("held")
        CANCELLED = "cancelled", _("session cancelled")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start"))
    end_time = models.TimeField(_("end"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    rescheduled_from = models.DateField(_("rescheduled from"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=200, blank=True)
    plan_of_work = models.TextField(
        _("plan of work"), blank=True, help_text=_("Shown to the students at the start.")
    )
    content = models.TextField(_("what was done"), blank=True)
    co_evaluation = models.BooleanField(
        _("co-evaluation open"),
        default=False,
        help_text=_("Students of the group may assess a classmate's progress."),
    )
    # Partners who came and resources used in this session (seed 001), beside those of the
    # whole module (``Module.partners``/``resources``).
    partners = models.ManyToManyField(
        Partner, related_name="sessions", verbose_name=_("partners"), blank=True
    )
    resources = models.ManyToManyField(
        Resource, related_name="sessions", verbose_name=_("resources"), blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["date", "start_time", "pk"]
        constraints = [
            models.UniqueConstraint(
                models.F("group"),
                Coalesce("rescheduled_from", "date"),
                name="one_session_per_group_and_slot_date",
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="session_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["date", "group"])]

    def __str__(self) -> str:
        return f"{self.group} — {self.date:%d/%m/%Y}"

    @property
    def slot_date(self):
        """The date the slot gave this session (its identity within the group)."""
        return self.rescheduled_from or self.date

    @property
    def minutes(self) -> int:
        start = self.start_time.hour * 60 + self.start_time.minute
        end = self.end_time.hour * 60 + self.end_time.minute
        return end - start

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class Attendance(models.Model):
    """A student's attendance at a session."""

    class Status(models.TextChoices):
        # Values from the core vocabulary (appui.core.hours.Attendance); labels here.
        PRESENT = core_hours.Attendance.PRESENT.value, _("present")
        ABSENT = core_hours.Attendance.ABSENT.value, _("absent")
        LATE = core_hours.Attendance.LATE.value, _("late")
        EXCUSED = core_hours.Attendance.EXCUSED.value, _("excused")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=8, choices=Status.choices)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["session", "student"], name="unique_attendance"),
        ]

    def __str__(self) -> str:
        return f"{self.student} — {self.session} — {self.get_status_display()}"

    @property
    def attended(self) -> bool:
        return self.status in (self.Status.PRESENT, self.Status.LATE)


class ProgressMark(models.Model):
    """Where a student stands on the module's objective after a session, on the LSU scale.

    The author is the teacher, the student themself (self-assessment) or a classmate of the
    group (co-evaluation, ``assessor``). One mark per session, student and author.
    """

    class AuthorKind(models.TextChoices):
        TEACHER = "teacher", _("teacher")
        SELF = "self", _("self-assessment")
        PEER = "peer", _("co-evaluation")

    class Level(models.IntegerChoices):
        # Values from the core vocabulary (appui.core.scales.LsuLevel); labels here.
        INSUFFICIENT = core_scales.LsuLevel.INSUFFICIENT.value, _("insufficient mastery")
        FRAGILE = core_scales.LsuLevel.FRAGILE.value, _("fragile mastery")
        SATISFACTORY = core_scales.LsuLevel.SATISFACTORY.value, _("satisfactory mastery")
        VERY_GOOD = core_scales.LsuLevel.VERY_GOOD.value, _("very good mastery")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="marks")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="progress_marks")
    author_kind = models.CharField(_("by"), max_length=8, choices=AuthorKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assessor = models.ForeignKey(
        Student,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="peer_marks_given",
        verbose_name=_("classmate"),
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=Level.choices, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("progress mark")
        verbose_name_plural = _("progress marks")
        ordering = ["session__date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "student"],
                condition=Q(author_kind="teacher"),
                name="one_teacher_mark_per_session",
            ),
            models.UniqueConstraint(
                fields=["session", "student"],
                condition=Q(author_kind="self"),
                name="one_self_mark_per_session",
            ),
            models.UniqueConstraint(
                fields=["session", "student", "assessor"],
                condition=Q(author_kind="peer"),
                name="one_peer_mark_per_session_and_classmate",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=4), name="mark_on_lsu_scale"
            ),
            models.CheckConstraint(
                condition=Q(author_kind="peer", assessor__isnull=False)
                | (~Q(author_kind="peer") & Q(assessor__isnull=True)),
                name="peer_mark_has_assessor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} — {self.session} — {self.level} ({self.author_kind})"


class StageReview(models.Model):
    """The stage review (bilan d'étape) of a student for one period.

    Drafted from the data (``data``: modules followed, attendance, progress per objective, as
    computed when drafted), completed by the professeur principal or a coordinator, then
    validated: only a validated review is shown to the student and their guardians.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        VALIDATED = "validated", _("validated")

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="stage_reviews")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="stage_reviews")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    data = models.JSONField(default=dict, blank=True)
    progress = models.TextField(_("progress"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    next_objectives = models.TextField(_("next objectives"), blank=True)
    comment = models.TextField(_("overall comment"), blank=True)
    # Bumped by every save; the review's forms carry it so that a save made on an older
    # state is refused (``appui.schools.services.lock_version``), never silently undone.
    version = models.PositiveIntegerField(default=0, editable=False)
    drafted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    validated_at = models.DateTimeField(_("validated on"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("stage review")
        verbose_name_plural = _("stage reviews")
        ordering = ["period__year__start_year", "period__number", "student__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["student", "period"], name="one_review_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.student} — {self.period}"

    @property
    def is_validated(self) -> bool:
        return self.status == self.Status.VALIDATED


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret address of a staff member's iCalendar feed.

    Calendar apps subscribe without a session, so the token is the only credential: it is
    long and random, and renewing it revokes the old address.
    """

    staff = models.OneToOneField(Staff, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.staff}"


class DigestPreference(models.Model):
    """A person's choice to receive the weekly e-mail digest of their reminders (opt-in)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference"
    )
    weekly = models.BooleanField(_("weekly e-mail digest"), default=False)
    last_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("digest preference")
        verbose_name_plural = _("digest preferences")

    def __str__(self) -> str:
        return f"{self.user} — {'on' if self.weekly else 'off'}"
