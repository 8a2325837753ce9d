"""School structure: schools, years, periods, levels, divisions, people and roles.

Every row belongs to a `School` (directly or through its year), so one database can serve
a whole académie without one school ever seeing another's names.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appui.core import hours as core_hours
from appui.core import needs as core_needs
from appui.core import parcours as core_parcours
from appui.core.io import mef as core_mef
from appui.core.io import values as core_values
from appui.core.text import fold

from .validators import validate_ine, validate_uai


class Academy(models.Model):
    """An académie (education authority) that steers many schools."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("académie")
        verbose_name_plural = _("académies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AcademyMembership(models.Model):
    """What one user may do across one académie: every school of the académie, now and later.

    An inspector (IEN, rectorat) reads the académie's aggregated indicators for each of its
    schools, never a pupil's name; an administrator also adds the académie's schools (a
    SIECLE import of a UAI not yet in appui creates the school, see docs/imports.md).
    """

    class Role(models.TextChoices):
        INSPECTOR = "inspector", _("inspector")
        ADMINISTRATOR = "administrator", _("académie administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="academy_memberships"
    )
    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=15, choices=Role.choices, default=Role.INSPECTOR)

    class Meta:
        verbose_name = _("académie membership")
        verbose_name_plural = _("académie memberships")
        ordering = ["academy", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "academy", "role"], name="unique_academy_membership"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.academy.code}"


class School(models.Model):
    class Zone(models.TextChoices):
        A = "A", _("Zone A")
        B = "B", _("Zone B")
        C = "C", _("Zone C")

    uai = models.CharField(
        _("UAI"),
        max_length=8,
        unique=True,
        validators=[validate_uai],
        help_text=_("Seven digits and a check letter, e.g. 0750655E."),
    )
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100, blank=True)
    academy = models.ForeignKey(
        Academy,
        verbose_name=_("académie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schools",
    )
    holiday_zone = models.CharField(
        _("school holiday zone"), max_length=1, choices=Zone.choices, default=Zone.B
    )
    # Logins (docs/connexion.md): the head and coordinators must use a second login step.
    totp_required = models.BooleanField(
        _("two-step login required for the head and coordinators"), default=False
    )
    # ENT sign-on (docs/connexion.md): which released value identifies an account. The CAS
    # attribute (``user``: the CAS user itself) and the OpenID Connect claim hold the
    # identifier of the ENT accounts export; the national one, when set, holds a pupil's INE
    # or SIECLE id, a guardian's SIECLE id or a staff member's STS-web id.
    ent_cas_attribute = models.CharField(
        _("CAS attribute holding the ENT identifier"), max_length=100, default="user"
    )
    ent_oidc_claim = models.CharField(
        _("OpenID Connect claim holding the ENT identifier"), max_length=100, default="sub"
    )
    ent_national_id_attribute = models.CharField(
        _("attribute holding the INE, SIECLE or STS-web identifier"),
        max_length=100,
        blank=True,
    )
    # Audit, as other changes: who last changed the row and when (set by services).
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.uai})"


class SchoolYear(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="years")
    start_year = models.PositiveSmallIntegerField(
        _("start year"), help_text=_("2026 for the year 2026-2027, as SIECLE writes it.")
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    is_current = models.BooleanField(_("current year"), default=False)

    class Meta:
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        ordering = ["school", "-start_year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "start_year"], name="unique_year_per_school"),
            models.UniqueConstraint(
                fields=["school"], condition=Q(is_current=True), name="one_current_year_per_school"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="year_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}"


class Period(models.Model):
    """A span between two diagnoses; need groups are re-formed every period (seed 004)."""

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="periods")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    # Audit, as other changes: who last changed the row and when (set by services).
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="unique_period_number"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="period_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not (self.start_date and self.end_date and self.year_id):
            return
        if self.end_date < self.start_date:
            raise ValidationError(_("A period cannot end before it starts."))
        if self.start_date < self.year.start_date or self.end_date > self.year.end_date:
            raise ValidationError(_("A period must lie inside its school year."))
        others = Period.objects.filter(year_id=self.year_id).exclude(pk=self.pk)
        if others.filter(start_date__lte=self.end_date, end_date__gte=self.start_date).exists():
            raise ValidationError(_("This period overlaps another period of the year."))
        earlier = others.filter(number__lt=self.number, end_date__gte=self.start_date)
        later = others.filter(number__gt=self.number, start_date__lte=self.end_date)
        if earlier.exists() or later.exists():
            raise ValidationError(_("Periods must be numbered in date order."))


class Level(models.Model):
    """A level of one school year (CAP 1re année, 2nde pro…) with its official AP hours."""

    class Track(models.TextChoices):
        # Values from the core vocabulary (appui.core.io.mef.Track); labels here.
        CAP = core_mef.Track.CAP.value, _("CAP")
        BACPRO = core_mef.Track.BAC_PRO.value, _("Bac Pro")
        COLLEGE = core_mef.Track.COLLEGE.value, _("Collège")
        GT = core_mef.Track.GT.value, _("General and technological lycée")
        MC = core_mef.Track.MC.value, _("Mention complémentaire")
        BMA = core_mef.Track.BMA.value, _("Brevet des métiers d'art")
        POST_BAC = core_mef.Track.POST_BAC.value, _("Post-bac (BTS…)")
        OTHER = core_mef.Track.OTHER.value, _("To be specified")

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="levels")
    track = models.CharField(_("track"), max_length=10, choices=Track.choices)
    year_in_cycle = models.PositiveSmallIntegerField(_("year in the cycle"))
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=20)
    mef_mask = models.CharField(
        _("MEF mask"),
        max_length=11,
        blank=True,
        help_text=_("Eleven characters; a dot matches any character, e.g. 247.....31."),
    )
    ap_hours = models.DecimalField(
        _("yearly AP hours"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    hours_reference = models.CharField(_("legal reference"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Created by an import from a MEF code appui does not know: the head says once what it is
    # (track, year in cycle, AP hours or no AP); the answer is kept as a MefMapping.
    to_specify = models.BooleanField(_("to be specified"), default=False)
    has_ap = models.BooleanField(
        _("has AP"), default=True, help_text=_("Post-bac levels (BTS…) have no AP by default.")
    )
    # Need groups must not mix pupils of different schemes (SEGPA, ULIS, UPE2A): circulaire
    # de rentrée 2025. On by default; the coordinator may switch it off for a level.
    separate_schemes = models.BooleanField(
        _("keep special schemes apart in need groups"), default=True
    )
    # How the yearly volume is split between the three strands (seed 000, « Les trois volets
    # du dispositif d'accompagnement »): the school's choice, optional; when set, the three
    # add up to ``ap_hours`` (the rule is ``appui.core.hours.HourVolume``).
    consolidation_hours = models.DecimalField(
        _("consolidation hours"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    personalised_hours = models.DecimalField(
        _("personalised support hours"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    orientation_hours = models.DecimalField(
        _("orientation hours"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    # Terminale: need groups keep pupils of the two parcours (insertion / further studies)
    # apart (seed 001); off by default, the coordinator switches it on.
    group_by_parcours = models.BooleanField(
        _("group pupils by their terminale parcours"), default=False
    )
    # Audit, as other changes: who last changed the row and when (set by services).
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["year", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "short_name"], name="unique_level_per_year"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def strand_split(self) -> core_hours.ByStrand | None:
        """The planned minutes per strand, or None when the school set no split."""
        c, p, o = self.consolidation_hours, self.personalised_hours, self.orientation_hours
        if c is None or p is None or o is None:
            return None
        return core_hours.ByStrand(*(core_hours.hours_to_minutes(part) for part in (c, p, o)))

    @property
    def has_parcours(self) -> bool:
        """Whether its pupils choose a terminale parcours (Bac Pro terminale)."""
        return core_parcours.has_parcours(self.track, self.year_in_cycle)

    def hour_volume(self) -> core_hours.HourVolume:
        """The level's yearly volume with its split; raises ``ValueError`` (French message)
        when the split does not add up to the volume."""
        return core_hours.HourVolume(
            level=str(self.pk),
            label=self.name,
            due_minutes=core_hours.hours_to_minutes(self.ap_hours),
            reference=self.hours_reference,
            split=self.strand_split,
            official=False,
        )

    def clean(self) -> None:
        parts = (self.consolidation_hours, self.personalised_hours, self.orientation_hours)
        if any(part is not None for part in parts) and any(part is None for part in parts):
            raise ValidationError(
                _("Give the hours of the three strands, or leave all three empty.")
            )
        try:
            self.hour_volume()
        except ValueError as error:
            raise ValidationError(str(error)) from error

    def matches_mef(self, mef: str) -> bool:
        mask = self.mef_mask
        if not mask or len(mef) != len(mask):
            return False
        return all(m == "." or m == c for m, c in zip(mask, mef, strict=True))


class MefMapping(models.Model):
    """What the head said a MEF code unknown to appui is; applied by every later import of the
    school (any year), so a level is mapped once."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="mef_mappings")
    mef = models.CharField(_("MEF code"), max_length=11)
    label = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=20)
    track = models.CharField(_("track"), max_length=10, choices=Level.Track.choices)
    year_in_cycle = models.PositiveSmallIntegerField(_("year in the cycle"), default=1)
    has_ap = models.BooleanField(_("has AP"), default=True)
    ap_hours = models.DecimalField(
        _("yearly AP hours"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("MEF mapping")
        verbose_name_plural = _("MEF mappings")
        ordering = ["mef"]
        constraints = [
            models.UniqueConstraint(fields=["school", "mef"], name="unique_mef_mapping"),
        ]

    def __str__(self) -> str:
        return f"{self.mef} → {self.label}"


class PostalAddress(models.Model):
    """A postal address as SIECLE gives it (up to four lines, postal code, city, country)."""

    address_lines = models.TextField(_("address"), blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)

    class Meta:
        abstract = True

    @property
    def postal_block(self) -> list[str]:
        """The lines of an envelope's address block (without the name)."""
        lines = [line for line in self.address_lines.splitlines() if line.strip()]
        town = " ".join(part for part in (self.postal_code, self.city.upper()) if part)
        if town:
            lines.append(town)
        if self.country and self.country.strip().upper() != "FRANCE":
            lines.append(self.country.upper())
        return lines


class Subject(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="subjects")
    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("label"), max_length=100)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="unique_subject_code"),
        ]

    def __str__(self) -> str:
        return self.label


class Division(models.Model):
    """A class (division) such as "2MV1", in one level of one year."""

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="divisions")
    level = models.ForeignKey(Level, on_delete=models.RESTRICT, related_name="divisions")
    code = models.CharField(_("code"), max_length=30)
    label = models.CharField(_("label"), max_length=200, blank=True)
    specialty = models.CharField(_("specialty"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        ordering = ["level__order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="unique_division_code"),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if self.level_id and self.year_id and self.level.year_id != self.year_id:
            raise ValidationError(_("The level belongs to another school year."))


class Student(PostalAddress):
    class Scheme(models.TextChoices):
        # Values from the core vocabulary (appui.core.io.mef.Scheme); labels here.
        NONE = core_mef.Scheme.NONE.value, _("none")
        SEGPA = core_mef.Scheme.SEGPA.value, _("SEGPA")
        ULIS = core_mef.Scheme.ULIS.value, _("ULIS")
        UPE2A = core_mef.Scheme.UPE2A.value, _("UPE2A (newly arrived allophone pupils)")

    class Sex(models.TextChoices):
        # Values from the core vocabulary (appui.core.io.values.Sex); labels here.
        FEMALE = core_values.Sex.F.value, _("female")
        MALE = core_values.Sex.M.value, _("male")

    class Project(models.TextChoices):
        # Values from the core vocabulary (appui.core.needs.Project); labels here.
        UNDECIDED = core_needs.Project.UNDECIDED.value, _("undecided")
        INSERTION = core_needs.Project.INSERTION.value, _("professional insertion")
        FURTHER_STUDIES = core_needs.Project.FURTHER_STUDIES.value, _("further studies")
        BRIDGE = core_needs.Project.BRIDGE.value, _("bridge to another track")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="students")
    siecle_id = models.CharField(_("SIECLE id"), max_length=20, blank=True)
    # ELENOET: the student's number in the school's SIECLE base (printed on SIECLE's lists).
    elenoet = models.CharField(_("ELENOET"), max_length=20, blank=True)
    ine = models.CharField(_("INE"), max_length=11, blank=True, validators=[validate_ine])
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    division = models.ForeignKey(
        Division,
        verbose_name=_("division"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="students",
    )
    entry_date = models.DateField(_("entry date"), null=True, blank=True)
    exit_date = models.DateField(_("exit date"), null=True, blank=True)
    # The pupil's MEF code in the last SIECLE import (their level when they have no class).
    mef = models.CharField(_("MEF code"), max_length=11, blank=True)
    scheme = models.CharField(
        _("special scheme"), max_length=10, choices=Scheme.choices, blank=True, default=""
    )
    project = models.CharField(
        _("project"), max_length=20, choices=Project.choices, default=Project.UNDECIDED
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="student",
    )
    # Folded "last first" name for accent-insensitive search; set by services.
    search_text = models.CharField(max_length=210, blank=True, editable=False)

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "ine"], condition=~Q(ine=""), name="unique_ine_per_school"
            ),
            models.UniqueConstraint(
                fields=["school", "siecle_id"],
                condition=~Q(siecle_id=""),
                name="unique_siecle_id_per_school",
            ),
        ]
        indexes = [models.Index(fields=["school", "last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    def refresh_search_text(self) -> None:
        self.search_text = fold(f"{self.last_name} {self.first_name}")

    @property
    def full_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"

    @property
    def has_left(self) -> bool:
        return self.exit_date is not None


class Parcours(models.TextChoices):
    # Values from the core vocabulary (appui.core.parcours.Parcours); labels here.
    UNDECIDED = core_parcours.Parcours.UNDECIDED.value, _("not chosen yet")
    INSERTION = core_parcours.Parcours.INSERTION.value, _("preparing for professional insertion")
    FURTHER_STUDIES = (
        core_parcours.Parcours.FURTHER_STUDIES.value,
        _("preparing for further studies"),
    )


class Enrolment(models.Model):
    """A pupil's year in the school: their division (or none), MEF, scheme, entry and exit.

    A pupil (``Student``) is one person across the years, matched by SIECLE id then INE; each
    school year they are enrolled in has one enrolment. ``Student.division``, ``entry_date``,
    ``exit_date``, ``mef`` and ``scheme`` mirror the enrolment of the school's *current* year
    (kept in step by ``services.enrolments_sync``), so the pages of the current year read the
    pupil directly; a past year's pages read its enrolments. Enrolments are never deleted:
    a pupil who left keeps their whole history.
    """

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="enrolments")
    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="enrolments")
    division = models.ForeignKey(
        Division,
        verbose_name=_("division"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    mef = models.CharField(_("MEF code"), max_length=11, blank=True)
    scheme = models.CharField(
        _("special scheme"), max_length=10, choices=Student.Scheme.choices, blank=True, default=""
    )
    entry_date = models.DateField(_("entry date"), null=True, blank=True)
    exit_date = models.DateField(_("exit date"), null=True, blank=True)
    # Same level as the year before (SIECLE has no repeater flag in every BEE version).
    repeating = models.BooleanField(_("repeating the year"), default=False)
    # Terminale parcours personnalisé (seed 001): chosen each year, with who set it and when.
    parcours = models.CharField(
        _("terminale parcours"), max_length=20, choices=Parcours.choices, blank=True, default=""
    )
    parcours_set_at = models.DateTimeField(_("parcours set at"), null=True, blank=True)
    parcours_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-year__start_year"]
        constraints = [
            models.UniqueConstraint(fields=["student", "year"], name="one_enrolment_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.student} — {self.year} — {self.division or '—'}"

    def clean(self) -> None:
        division = self.division
        if division is not None and self.year_id and division.year_id != self.year_id:
            raise ValidationError(_("The division belongs to another school year."))


class Guardian(PostalAddress):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="guardians")
    # PERSONNE_ID in SIECLE's Responsables export: how a guardian is matched on re-import.
    siecle_id = models.CharField(_("SIECLE id"), max_length=20, blank=True)
    civility = models.CharField(_("civility"), max_length=10, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("home phone"), max_length=30, blank=True)
    mobile_phone = models.CharField(_("mobile phone"), max_length=30, blank=True)
    work_phone = models.CharField(_("work phone"), max_length=30, blank=True)
    students = models.ManyToManyField(
        Student, through="StudentGuardian", related_name="guardians", verbose_name=_("children")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guardian",
    )

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "siecle_id"],
                condition=~Q(siecle_id=""),
                name="unique_guardian_siecle_id_per_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"


class StudentGuardian(models.Model):
    class Relationship(models.TextChoices):
        MOTHER = "mother", _("mother")
        FATHER = "father", _("father")
        TUTOR = "tutor", _("legal tutor")
        FAMILY = "family", _("other family member")
        SOCIAL = "social", _("child welfare, educator or foster family")
        SELF = "self", _("the pupil (adult)")
        OTHER = "other", _("other legal guardian")

    student = models.ForeignKey(Student, on_delete=models.CASCADE)
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE)
    relationship = models.CharField(
        _("relationship"), max_length=10, choices=Relationship.choices, default=Relationship.OTHER
    )
    # RESP_LEGAL in SIECLE: 1 or 2 for the legal guardians, 0 for another person in charge or
    # to contact (who receives no family letter by default).
    legal_rank = models.PositiveSmallIntegerField(_("legal guardian rank"), default=1)
    financial = models.BooleanField(_("financially responsible"), default=False)
    contact = models.BooleanField(_("person to contact"), default=False)

    class Meta:
        verbose_name = _("student's guardian")
        verbose_name_plural = _("students' guardians")
        constraints = [
            models.UniqueConstraint(fields=["student", "guardian"], name="unique_student_guardian"),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.student} ({self.get_relationship_display()})"

    @property
    def legal_guardian(self) -> bool:
        return self.legal_rank > 0


class Staff(models.Model):
    class Function(models.TextChoices):
        TEACHER = "teacher", _("teacher")
        CPE = "cpe", _("CPE")
        PSYEN = "psyen", _("Psy-EN")
        DIRECTION = "direction", _("direction")
        OTHER = "other", _("other")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff"
    )
    sts_id = models.CharField(_("STS-web id"), max_length=20, blank=True)
    civility = models.CharField(_("civility"), max_length=10, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    function = models.CharField(
        _("function"), max_length=10, choices=Function.choices, default=Function.TEACHER
    )
    subjects = models.ManyToManyField(
        Subject, blank=True, related_name="staff", verbose_name=_("subjects taught")
    )
    # STS-web's GRADE (CERTIFIE, PLP, CPE…), kept as the file spells it.
    grade = models.CharField(_("grade"), max_length=40, blank=True)
    # Set when the staff member is no longer in the school's STS-web file: kept, marked.
    exit_date = models.DateField(_("exit date"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "sts_id"],
                condition=~Q(sts_id=""),
                name="unique_sts_id_per_school",
            ),
        ]

    def __str__(self) -> str:
        prefix = f"{self.civility} " if self.civility else ""
        return f"{prefix}{self.last_name.upper()} {self.first_name}"


class Teaching(models.Model):
    """A staff member teaches a subject to a division (an STS-web service)."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="teachings")
    division = models.ForeignKey(Division, on_delete=models.CASCADE, related_name="teachings")
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="teachings"
    )
    is_main_teacher = models.BooleanField(_("professeur principal"), default=False)

    class Meta:
        verbose_name = _("teaching")
        verbose_name_plural = _("teachings")
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "division", "subject"], name="unique_teaching"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} — {self.division} — {self.subject or '—'}"


class StudentGroup(models.Model):
    """A SIECLE / STS-web "groupe": students drawn from one or more divisions (options, AP…).

    Members come from SIECLE (``STRUCTURE`` of type ``G``), divisions and teachers from
    STS-web; either import may create the group.
    """

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="student_groups")
    code = models.CharField(_("code"), max_length=30)
    label = models.CharField(_("label"), max_length=200, blank=True)
    divisions = models.ManyToManyField(
        Division, blank=True, related_name="student_groups", verbose_name=_("divisions")
    )
    students = models.ManyToManyField(
        Student, blank=True, related_name="student_groups", verbose_name=_("students")
    )

    class Meta:
        verbose_name = _("group of students")
        verbose_name_plural = _("groups of students")
        ordering = ["year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="unique_student_group_code"),
        ]

    def __str__(self) -> str:
        return self.code


class GroupTeaching(models.Model):
    """A staff member teaches a subject to a group of students (an STS-web group service)."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="group_teachings")
    group = models.ForeignKey(StudentGroup, on_delete=models.CASCADE, related_name="teachings")
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="group_teachings"
    )

    class Meta:
        verbose_name = _("group teaching")
        verbose_name_plural = _("group teachings")
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "group", "subject"], name="unique_group_teaching"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} — {self.group} — {self.subject or '—'}"


class Membership(models.Model):
    """What one user may do in one school."""

    class Role(models.TextChoices):
        HEAD = "head", _("head of school")
        COORDINATOR = "coordinator", _("AP coordinator")
        TEACHER = "teacher", _("teacher")
        TUTOR = "tutor", _("tutor")
        STUDENT = "student", _("student")
        GUARDIAN = "guardian", _("guardian")
        ACADEMY = "academy", _("académie")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    levels = models.ManyToManyField(
        Level,
        blank=True,
        related_name="coordinators",
        verbose_name=_("limited to levels"),
        help_text=_("For a coordinator: leave empty for the whole school."),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["school", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "school", "role"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.school.uai}"
