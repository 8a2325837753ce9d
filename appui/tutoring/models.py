"""Tutoring: volunteer tutors, their tutees across the years, meetings, the yearly allowance.

Seed 003 (« Le tutorat au lycée »): the head sets the terms — « nombre maximum d'élèves par
tuteur, le même tuteur pendant toute la scolarité, le volontariat des enseignants, information
des responsables légaux, indemnité de tutorat proportionnelle au nombre d'élèves ».

When the next school year opens, last year's open tutorships are carried over as *proposed*
tutorships of the new year (``proposed=True``); the head confirms or declines each one.

The maximum is enforced twice: `services.tutorship_create` counts the tutor's tutees while
holding a lock on the tutor's row (two assignments to one tutor run one after the other), and
the database refuses a `Tutor` row whose `tutee_count` exceeds its `max_tutees` (a check
constraint on one row; the services keep the count equal to the current tutorships).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from appui.core import hours as core_hours
from appui.schools.models import Level, SchoolYear, Staff, Student

MAX_TUTEES_LIMIT = 30
STUDY_HELP_MAX_SEATS = 200


class TutoringPolicy(models.Model):
    """The terms the head sets for one school year."""

    year = models.OneToOneField(SchoolYear, on_delete=models.CASCADE, related_name="tutoring")
    max_tutees = models.PositiveSmallIntegerField(
        _("maximum number of tutees per tutor"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TUTEES_LIMIT)],
    )
    allowance_per_tutee = models.DecimalField(
        _("yearly allowance per tutee (€)"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("tutoring terms")
        verbose_name_plural = _("tutoring terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_tutees__gte=1), name="tutoring_policy_max_positive"
            ),
            models.CheckConstraint(
                condition=Q(allowance_per_tutee__gte=0), name="tutoring_policy_rate_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}"


class Tutor(models.Model):
    """A staff member who volunteered to tutor in one school year."""

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="tutors")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="tutor_years")
    volunteered_on = models.DateField(_("volunteered on"))
    active = models.BooleanField(_("active"), default=True)
    # Copied from the year's terms by the services, so that one row can be checked.
    max_tutees = models.PositiveSmallIntegerField(_("maximum number of tutees"))
    # Tutees currently followed (tutorships without an end), kept by the services.
    tutee_count = models.PositiveSmallIntegerField(_("tutees"), default=0)

    class Meta:
        verbose_name = _("tutor")
        verbose_name_plural = _("tutors")
        ordering = ["staff__last_name", "staff__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "staff"], name="one_tutor_per_staff_and_year"),
            models.CheckConstraint(
                condition=Q(tutee_count__lte=F("max_tutees")), name="tutor_within_max_tutees"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} ({self.year})"

    @property
    def room_left(self) -> int:
        return max(0, self.max_tutees - self.tutee_count)


class Tutorship(models.Model):
    """A tutor follows a student; kept across years (the same tutor throughout, seed 003)."""

    class Origin(models.TextChoices):
        MANUAL = "manual", _("assigned by hand")
        SUGGESTED = "suggested", _("suggestion accepted")

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="tutorships")
    tutor = models.ForeignKey(Tutor, on_delete=models.PROTECT, related_name="tutorships")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="tutorships")
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)
    origin = models.CharField(
        _("origin"), max_length=10, choices=Origin.choices, default=Origin.MANUAL
    )
    guardians_informed_on = models.DateField(_("guardians informed on"), null=True, blank=True)
    # Carried over from last year when the next school year opens (seed 003: the same tutor
    # throughout schooling): a proposal the head confirms or declines. A proposal does not count
    # toward the tutor's load, is not "current" and needs no letter to the guardians.
    proposed = models.BooleanField(_("proposed, to be confirmed"), default=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("tutorship")
        verbose_name_plural = _("tutorships")
        ordering = ["-year__start_year", "student__last_name", "student__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "student"],
                condition=Q(end_date__isnull=True, proposed=False),
                name="one_current_tutor_per_student",
            ),
            models.UniqueConstraint(
                fields=["year", "student"],
                condition=Q(proposed=True),
                name="one_proposed_tutor_per_student",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="tutorship_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tutor.staff} → {self.student}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None and not self.proposed


class TutorMeeting(models.Model):
    """A meeting between the tutor and the tutee: topics and next steps."""

    tutorship = models.ForeignKey(Tutorship, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("date"))
    topics = models.TextField(_("topics"))
    next_steps = models.TextField(_("next steps"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tutor meeting")
        verbose_name_plural = _("tutor meetings")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.tutorship} — {self.date:%d/%m/%Y}"


# --------------------------------------------------------------------------- study help


class StudyHelpSlot(models.Model):
    """An open study-help slot outside class that pupils sign up for (seed 000, « Modalités »:
    « Une aide au travail personnel hors la classe est-elle mise en place ? Quelle en est
    l'organisation ? »).

    The room is a name: planning's rooms belong to a higher layer than tutoring. ``taken``
    counts the sign-ups; the services change it with one conditional ``UPDATE`` (``taken <
    capacity``), and the database refuses a row with more seats taken than offered, so two
    pupils taking the last seat at once never both get it.
    """

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="study_help_slots")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    room = models.CharField(_("room"), max_length=100, blank=True)
    theme = models.CharField(_("subject or theme"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("seats"), validators=[MinValueValidator(1), MaxValueValidator(STUDY_HELP_MAX_SEATS)]
    )
    taken = models.PositiveSmallIntegerField(_("seats taken"), default=0)
    supervisors = models.ManyToManyField(
        Staff, related_name="study_help_slots", verbose_name=_("supervised by")
    )
    # No level: open to every pupil of the school.
    levels = models.ManyToManyField(
        Level, blank=True, related_name="study_help_slots", verbose_name=_("open to levels")
    )
    # The slots created together by one weekly repetition share it.
    series = models.UUIDField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("study-help slot")
        verbose_name_plural = _("study-help slots")
        ordering = ["date", "start_time", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(taken__lte=F("capacity")), name="study_help_within_capacity"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="study_help_capacity_1"),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="study_help_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["year", "date"], name="study_help_year_date")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.taken)


class StudyHelpSignup(models.Model):
    """A pupil signed up for a study-help slot, and their attendance once it started."""

    class Status(models.TextChoices):
        # Values from the core vocabulary (appui.core.hours.Attendance), as follow-up's.
        PRESENT = core_hours.Attendance.PRESENT.value, _("present")
        ABSENT = core_hours.Attendance.ABSENT.value, _("absent")
        EXCUSED = core_hours.Attendance.EXCUSED.value, _("excused")

    slot = models.ForeignKey(StudyHelpSlot, on_delete=models.CASCADE, related_name="signups")
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="study_help_signups"
    )
    signed_up_at = models.DateTimeField(auto_now_add=True)
    attendance = models.CharField(_("attendance"), max_length=8, choices=Status.choices, blank=True)
    attendance_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("study-help sign-up")
        verbose_name_plural = _("study-help sign-ups")
        ordering = ["slot__date", "slot__start_time", "student__last_name", "student__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "student"], name="one_signup_per_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.student} — {self.slot}"
