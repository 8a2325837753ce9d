"""Writes on the school structure, each in one transaction after full validation."""

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appui.accounts.models import User
from appui.audit import trail
from appui.core import calendar
from appui.core.hours import OFFICIAL_VOLUMES, minutes_to_hours
from appui.core.usernames import Usernames

from .models import (
    Enrolment,
    Guardian,
    Level,
    MefMapping,
    Membership,
    Period,
    School,
    SchoolYear,
    Student,
)
from .selectors import SESSION_KEY, YEAR_SESSION_KEY


def school_select(*, request, school: School) -> None:
    """Remember which of their schools the user is working in."""
    request.session[SESSION_KEY] = school.pk


def year_select(*, request, school: School, year: SchoolYear) -> None:
    """Remember which year of ``school`` the user is looking at (the year switcher).

    Kept per school, so switching school never shows a year of another one; the request
    shows it from now on too (``request.year``, read by ``selectors.selected_year``).
    """
    if year.school_id != school.pk:
        raise ValueError("The year belongs to another school.")
    chosen = dict(request.session.get(YEAR_SESSION_KEY, {}))
    chosen[str(school.pk)] = year.pk
    request.session[YEAR_SESSION_KEY] = chosen
    request.year = year


@transaction.atomic
def student_create(*, school: School, **fields) -> Student:
    student = Student(school=school, **fields)
    student.refresh_search_text()
    student.full_clean()
    student.save()
    return student


@transaction.atomic
def student_update(*, student: Student, **fields) -> Student:
    for name, value in fields.items():
        setattr(student, name, value)
    student.refresh_search_text()
    student.full_clean()
    student.save()
    return student


@transaction.atomic
def period_create(
    *, year: SchoolYear, number: int, name: str, start_date: date, end_date: date
) -> Period:
    period = Period(year=year, number=number, name=name, start_date=start_date, end_date=end_date)
    period.full_clean()
    period.save()
    return period


# The year's settings (issue 15, item 5): the head edits them in the app, never in /admin/. ------
#
# Every settings form carries the version it was opened on (a row's ``updated_at``, or a
# fingerprint of a whole set such as the year's periods); a save whose version is no longer
# the stored one changes nothing and raises ``EditConflict``: no last writer wins.


_Audited = TypeVar("_Audited", Level, Period, School)


class EditConflict(Exception):
    """Someone saved this since the form was opened: nothing was written."""

    message = _(
        "Someone else saved these settings after you opened the page: nothing was changed. "
        "The page now shows their values; make your change again."
    )

    def __str__(self) -> str:
        return str(self.message)


def row_version(row: Level | Period | School) -> str:
    """The version a form carries for one row: its last change."""
    return row.updated_at.isoformat() if row.updated_at else ""


def _check_version(row: Level | Period | School, version: str) -> None:
    if row_version(row) != version:
        raise EditConflict


def _locked(model: type[_Audited], pk: int) -> _Audited:
    return model.objects.select_for_update().get(pk=pk)


def _audited_update(row: _Audited, *, version: str, user: User, **fields) -> _Audited:
    """Lock ``row``, refuse (``EditConflict``) a stale ``version``, set ``fields``, record who
    changed it, validate and save: every settings save goes through here."""
    row = _locked(type(row), row.pk)
    _check_version(row, version)
    return _save_audited(row, user=user, **fields)


def _save_audited(row, *, user: User, **fields):
    for name, value in fields.items():
        setattr(row, name, value)
    row.updated_by = user
    row.full_clean()
    row.save()
    return row


# Rows two people may edit at once (stage reviews, session texts, notes…) -------------------
#
# Such a row has an integer ``version`` that its form carries in a hidden field. A save locks
# the row, compares and bumps the version in one transaction: a form opened on an older state
# changes nothing and raises ``ChangedMeanwhile``, which names who saved and when; the view
# shows the form again with what the user typed (the result grid and plans do the same).


class ChangedMeanwhile(EditConflict):
    """Someone saved this row after the form was opened: nothing was written."""

    message = _(
        "This was changed by %(name)s at %(time)s while you were editing it. Your text is "
        "kept below; reload the page to see the new version."
    )
    message_unnamed = _(
        "This was changed by someone else while you were editing it. Your text is kept "
        "below; reload the page to see the new version."
    )

    def __init__(self, row=None) -> None:
        super().__init__()
        who = getattr(row, "updated_by", None)
        when = getattr(row, "updated_at", None)
        self.name = str(who) if who else ""
        self.time = f"{timezone.localtime(when):%H:%M}" if when else ""

    def __str__(self) -> str:
        if self.name and self.time:
            return str(self.message) % {"name": self.name, "time": self.time}
        return str(self.message_unnamed)


def parse_version(raw) -> int:
    """The version a form carried; a missing or garbled one counts as stale (-1)."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        return -1


def lock_version(
    row: models.Model, version: int | None, conflict: type[ChangedMeanwhile] = ChangedMeanwhile
) -> None:
    """Reload ``row`` in place, locked until the transaction ends, and bump its ``version``
    (saved with the row). Raises ``conflict`` if ``version``, the one the form was opened
    on, is no longer the stored one; ``None`` skips the check (internal callers: demo,
    imports). Call it first in the service's transaction, then set the fields and save."""
    row.refresh_from_db(from_queryset=type(row)._default_manager.select_for_update())
    if version is not None and row.version != version:  # type: ignore[attr-defined]
        raise conflict(row)
    row.version += 1  # type: ignore[attr-defined]


def lock_row_version(
    row: models.Model, version: str | None, conflict: type[ChangedMeanwhile] = ChangedMeanwhile
) -> None:
    """``lock_version`` for a row without a ``version`` field: its version is its last change
    (``row_version``, as for the settings)."""
    row.refresh_from_db(from_queryset=type(row)._default_manager.select_for_update())
    if version is not None and row_version(row) != version:  # type: ignore[arg-type]
        raise conflict(row)


def text_version(text: str) -> str:
    """The version a form carries for one text field of a row edited by several small forms
    (a session's plan of work and what was done): a fingerprint of the stored text, so that
    saving one field never makes the other row's form stale."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def lock_text_versions(
    row: models.Model,
    versions: dict[str, str | None],
    conflict: type[ChangedMeanwhile] = ChangedMeanwhile,
) -> None:
    """Reload ``row`` in place, locked until the transaction ends; raise ``conflict`` if a
    field's stored text is no longer the one its form was opened on (``versions``: field →
    ``text_version`` carried by the form; ``None`` skips that field's check)."""
    row.refresh_from_db(from_queryset=type(row)._default_manager.select_for_update())
    for field, version in versions.items():
        if version is not None and text_version(getattr(row, field)) != version:
            raise conflict(row)


def official_hours(level: Level) -> tuple[Decimal, str] | None:
    """The national AP volume of a level (seeds 000/002: CAP 101.5 h then 91 h; Bac Pro 90,
    84, 91 h) with its legal reference, or None when the school sets it (collège, GT…)."""
    key = ""
    if level.track == Level.Track.BACPRO:
        key = f"bacpro-{level.year_in_cycle}"
    elif level.track == Level.Track.CAP:
        # CAP in two years is the common case; in one or three years (MEF 240/242) the
        # texts give no per-year volume, so the school sets it.
        prefix = level.mef_mask[:3]
        key = f"cap2-{level.year_in_cycle}" if prefix in ("", "241") else ""
    volume = OFFICIAL_VOLUMES.get(key)
    if volume is None:
        return None
    hours = minutes_to_hours(volume.due_minutes)
    # 90.00 → 90 and 101.50 → 101.5 (normalize() alone would write 90 as 9E+1).
    hours = (
        hours.quantize(Decimal("1")) if hours == hours.to_integral_value() else hours.normalize()
    )
    return hours, volume.reference


@transaction.atomic
def level_settings_save(
    *,
    level: Level,
    version: str,
    user: User,
    ap_hours: Decimal,
    hours_reference: str,
    has_ap: bool,
    separate_schemes: bool,
    group_by_parcours: bool = False,
    consolidation_hours: Decimal | None = None,
    personalised_hours: Decimal | None = None,
    orientation_hours: Decimal | None = None,
) -> Level:
    """Save a level's AP settings, refused (``EditConflict``) if it changed meanwhile. The
    split between the three strands is optional; when given it must add up to the volume
    (``Level.clean``). A level without AP keeps no split."""
    return _audited_update(
        level,
        version=version,
        user=user,
        ap_hours=ap_hours if has_ap else Decimal("0"),
        hours_reference=hours_reference,
        has_ap=has_ap,
        separate_schemes=separate_schemes,
        group_by_parcours=group_by_parcours,
        consolidation_hours=consolidation_hours if has_ap else None,
        personalised_hours=personalised_hours if has_ap else None,
        orientation_hours=orientation_hours if has_ap else None,
    )


@transaction.atomic
def level_separate_schemes_set(
    *,
    level: Level,
    version: str,
    user: User,
    separate_schemes: bool,
    group_by_parcours: bool | None = None,
) -> Level:
    """Whether need groups keep special schemes (SEGPA, ULIS, UPE2A) apart on this level, and
    (``group_by_parcours``, None: unchanged) the two terminale parcours: the grouping rules a
    coordinator of the level may change (the head changes them with the others). Refused
    (``EditConflict``) if the level changed meanwhile."""
    rules = {"separate_schemes": separate_schemes}
    if group_by_parcours is not None:
        rules["group_by_parcours"] = group_by_parcours
    return _audited_update(level, version=version, user=user, **rules)


@transaction.atomic
def level_map_mef(
    *,
    level: Level,
    version: str,
    user: User,
    track: str,
    year_in_cycle: int,
    name: str,
    short_name: str,
    has_ap: bool,
    ap_hours: Decimal,
) -> MefMapping:
    """Say once what a level « à préciser » is: the answer is kept as the school's
    ``MefMapping`` for its MEF code (applied by later imports) and the level is updated."""
    level = _locked(Level, level.pk)
    _check_version(level, version)
    if not level.to_specify:
        raise ValidationError(_("This level has already been specified."))
    if track == Level.Track.OTHER:
        raise ValidationError({"track": _("Choose the track of this level.")})
    ap_hours = ap_hours if has_ap else Decimal("0")
    what = {"track": track, "year_in_cycle": year_in_cycle, "has_ap": has_ap, "ap_hours": ap_hours}
    _save_audited(level, user=user, name=name, short_name=short_name, to_specify=False, **what)
    school = level.year.school
    mapping = MefMapping.objects.filter(school=school, mef=level.mef_mask).first() or MefMapping(
        school=school, mef=level.mef_mask
    )
    return _save_audited(mapping, user=user, label=name, short_name=short_name, **what)


@transaction.atomic
def school_set_holiday_zone(*, school: School, version: str, user: User, zone: str) -> School:
    return _audited_update(school, version=version, user=user, holiday_zone=zone)


@transaction.atomic
def school_set_totp_required(*, school: School, version: str, user: User, required: bool) -> School:
    """Require (or not) a second login step of the head and coordinators (docs/connexion.md)."""
    return _audited_update(school, version=version, user=user, totp_required=required)


@transaction.atomic
def school_set_ent_settings(
    *,
    school: School,
    version: str,
    user: User,
    cas_attribute: str,
    oidc_claim: str,
    national_id_attribute: str,
) -> School:
    """Which attribute (CAS) or claim (OpenID Connect) identifies an account at ENT sign-on,
    and which one holds national identifiers (docs/connexion.md, « Connexion par l'ENT »)."""
    return _audited_update(
        school,
        version=version,
        user=user,
        ent_cas_attribute=cas_attribute or "user",
        ent_oidc_claim=oidc_claim or "sub",
        ent_national_id_attribute=national_id_attribute,
    )


def periods_version(year: SchoolYear) -> str:
    """The version of a year's whole set of periods: which exist and when each last changed."""
    rows = year.periods.order_by("pk").values_list("pk", "updated_at")
    text = ";".join(f"{pk}@{at.isoformat() if at else ''}" for pk, at in rows)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class PeriodRow:
    """One period as the head wants it: ``pk`` None for a new one."""

    pk: int | None
    number: int
    name: str
    start_date: date
    end_date: date
    delete: bool = False


def period_holds_data(period: Period) -> bool:
    """True when deleting the period would delete or orphan work (plans, campaigns, reviews,
    LSU…). Its slots only lose the link. Read from the model registry so a new app's table
    is covered without naming it here."""
    for relation in Period._meta.related_objects:
        if relation.many_to_many:
            continue
        manager = relation.related_model._default_manager
        if manager.filter(**{relation.field.name: period}).exists():
            return True
    return False


@transaction.atomic
def periods_save(
    *, year: SchoolYear, version: str, user: User, rows: list[PeriodRow]
) -> list[Period]:
    """Replace the year's periods by ``rows`` (changed, added, deleted) in one transaction.

    Each resulting period is checked with ``Period.clean()`` (inside the year, no overlap,
    numbered in date order) once all are written, so a valid renumbering never trips on an
    intermediate state; any error rolls everything back.
    """
    SchoolYear.objects.select_for_update().get(pk=year.pk)
    if periods_version(year) != version:
        raise EditConflict
    existing = {period.pk: period for period in year.periods.all()}
    for row in rows:
        if row.pk is not None and row.pk not in existing:
            raise EditConflict
    for row in rows:
        if row.pk is not None and row.delete:
            period = existing.pop(row.pk)
            if period_holds_data(period):
                raise ValidationError(
                    _("%(name)s holds plans, campaigns or reviews: it cannot be deleted.")
                    % {"name": period.name}
                )
            period.delete()
    kept = [row for row in rows if not row.delete]
    numbers = [row.number for row in kept]
    if len(set(numbers)) != len(numbers):
        raise ValidationError(_("Two periods have the same number."))
    saved, changed = [], []
    for row in kept:
        period = existing[row.pk] if row.pk is not None else Period(year=year)
        if period.pk is None or (
            period.number,
            period.name,
            period.start_date,
            period.end_date,
        ) != (row.number, row.name, row.start_date, row.end_date):
            changed.append((period, row))
        saved.append(period)
    # Free the changed rows' numbers first: (year, number) is unique at every step.
    for offset, (period, _row) in enumerate(changed, start=1):
        if period.pk is not None:
            period.number = 1000 + offset
            period.save(update_fields=["number"])
    for period, row in changed:
        period.number = row.number
        period.name = row.name
        period.start_date = row.start_date
        period.end_date = row.end_date
        period.updated_by = user
        period.save()
    for period in saved:
        try:
            period.full_clean()
        except ValidationError as error:
            raise ValidationError(
                [f"{period.name} : {message}" for message in error.messages]
            ) from error
    return sorted(saved, key=lambda p: p.number)


def periods_from_calendar(year: SchoolYear) -> list[PeriodRow]:
    """The year's periods as the official holidays of the school's zone cut it (the demo's
    five periods), keeping the existing periods' names and rows by number."""
    spans = calendar.periods_between_holidays(year.school.holiday_zone, year.start_year)
    existing = {period.number: period for period in year.periods.all()}
    rows = []
    for number, span in enumerate(spans, start=1):
        current = existing.pop(number, None)
        rows.append(
            PeriodRow(
                pk=current.pk if current else None,
                number=number,
                name=current.name if current else span.name,
                start_date=span.start,
                end_date=span.end,
            )
        )
    rows.extend(
        PeriodRow(p.pk, p.number, p.name, p.start_date, p.end_date, delete=True)
        for p in existing.values()
    )
    return rows


@transaction.atomic
def guardian_accounts_create(*, school: School, guardians, by=None) -> list[Guardian]:
    """Give each of ``guardians`` (of ``school``) an account with the guardian role.

    The username is ``prenom.nom`` made unique; the password is unusable (guardians will sign
    on through the académie's service, a later issue). Idempotent: a guardian who already has
    an account only gets the guardian role in ``school`` if it is missing. Returns the
    guardians whose account was created. ``by`` is who asked (kept for the audit to come).
    """
    guardians = [g for g in guardians if g.school_id == school.pk]
    created: list[Guardian] = []
    usernames = Usernames(User.objects.values_list("username", flat=True), fallback="famille")
    for guardian in guardians:
        if guardian.user_id is not None:
            continue
        user = User(
            username=usernames.new(guardian.first_name, guardian.last_name),
            first_name=guardian.first_name[:150],
            last_name=guardian.last_name[:150],
            email=guardian.email,
        )
        user.set_unusable_password()
        user.full_clean()
        user.save()
        guardian.user = user
        guardian.save(update_fields=["user"])
        created.append(guardian)
    Membership.objects.bulk_create(
        [
            Membership(user_id=g.user_id, school=school, role=Membership.Role.GUARDIAN)
            for g in guardians
            if g.user_id is not None
        ],
        ignore_conflicts=True,
    )
    return created


# --------------------------------------------------------------------------- enrolments

#: The pupil's fields that mirror their enrolment in the school's current year.
ENROLMENT_FIELDS = ("division_id", "mef", "scheme", "entry_date", "exit_date")


def enrolments_record(*, year: SchoolYear, students) -> int:
    """Write (create or update) each pupil's enrolment of ``year`` from their current fields.

    Called after the pupils of the current year were written (imports, demo): the history
    then holds what the pupil record says. Returns the number of enrolments written.
    """
    students = list(students)
    existing = {e.student_id: e for e in Enrolment.objects.filter(year=year, student__in=students)}
    new: list[Enrolment] = []
    changed: list[Enrolment] = []
    for student in students:
        enrolment = existing.get(student.pk) or Enrolment(student=student, year=year)
        values = {name: getattr(student, name) for name in ENROLMENT_FIELDS}
        if enrolment.pk and all(getattr(enrolment, k) == v for k, v in values.items()):
            continue
        for name, value in values.items():
            setattr(enrolment, name, value)
        (changed if enrolment.pk else new).append(enrolment)
    trail.record_updates(changed, list(ENROLMENT_FIELDS))
    trail.record_created(Enrolment.objects.bulk_create(new, batch_size=1000))
    Enrolment.objects.bulk_update(changed, list(ENROLMENT_FIELDS), batch_size=1000)
    return len(new) + len(changed)


def enrolments_sync(*, year: SchoolYear) -> int:
    """Mirror ``year``'s enrolments onto the pupils of its school (``year`` is current).

    A pupil enrolled that year takes its division, MEF, scheme and dates. A pupil whose only
    enrolments are in later years has not arrived yet (an upcoming year's arrival): no
    division, no exit date, and the entry date of their first enrolment (``selectors.
    not_yet_arrived`` keeps them off the year's lists). Any other pupil of the school has
    left: no division, and an exit date (their last enrolment's, or the end of the year
    before). Returns the number of pupils changed.
    """
    enrolments = {e.student_id: e for e in Enrolment.objects.filter(year=year)}
    last_exit: dict[int, date] = {}
    for student_id, exit_date, end in (
        Enrolment.objects.filter(
            student__school=year.school_id, year__start_year__lt=year.start_year
        )
        .order_by("year__start_year")
        .values_list("student_id", "exit_date", "year__end_date")
    ):
        last_exit[student_id] = exit_date or end
    first_entry: dict[int, date] = {}
    for student_id, entry_date, start in (
        Enrolment.objects.filter(
            student__school=year.school_id, year__start_year__gt=year.start_year
        )
        .order_by("-year__start_year")
        .values_list("student_id", "entry_date", "year__start_date")
    ):
        first_entry[student_id] = entry_date or start
    changed = []
    for student in Student.objects.filter(school=year.school_id):
        enrolment = enrolments.get(student.pk)
        if enrolment is not None:
            values = {name: getattr(enrolment, name) for name in ENROLMENT_FIELDS}
        elif student.pk in first_entry and student.pk not in last_exit:
            values = {"division_id": None, "exit_date": None, "entry_date": first_entry[student.pk]}
        else:
            values = {
                "division_id": None,
                "exit_date": student.exit_date or last_exit.get(student.pk) or year.start_date,
            }
        if any(getattr(student, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(student, name, value)
            changed.append(student)
    trail.record_updates(changed, list(ENROLMENT_FIELDS))
    Student.objects.bulk_update(changed, list(ENROLMENT_FIELDS), batch_size=1000)
    return len(changed)


@transaction.atomic
def year_make_current(*, year: SchoolYear, user: User | None = None) -> SchoolYear:
    """Make ``year`` the school's current year: the pupils' fields follow its enrolments.

    Nothing of the other years changes: their levels, divisions, enrolments, campaigns,
    plans and reviews stay as they were, and the year switcher shows them.
    """
    SchoolYear.objects.filter(school=year.school_id, is_current=True).exclude(pk=year.pk).update(
        is_current=False
    )
    if not year.is_current:
        year.is_current = True
        year.save(update_fields=["is_current"])
    enrolments_sync(year=year)
    return year


# Terminale parcours (seed 001) --------------------------------------------------------------


def parcours_version(enrolment: Enrolment) -> str:
    """The version a parcours form carries for one pupil: when the choice was last set."""
    return enrolment.parcours_set_at.isoformat() if enrolment.parcours_set_at else ""


class ParcoursChangedMeanwhile(ChangedMeanwhile):
    """Someone set this pupil's parcours after the form was opened: nothing was written."""

    message = _(
        "The parcours was changed by %(name)s at %(time)s while you were editing it: nothing "
        "was saved. The page now shows their choice; make your change again."
    )
    message_unnamed = _(
        "The parcours was changed by someone else while you were editing it: nothing was "
        "saved. The page now shows their choice; make your change again."
    )

    def __init__(self, enrolment: Enrolment) -> None:
        super().__init__()
        who, when = enrolment.parcours_set_by, enrolment.parcours_set_at
        self.name = (who.get_full_name() or who.username) if who else ""
        self.time = f"{timezone.localtime(when):%H:%M}" if when else ""


@transaction.atomic
def enrolments_parcours_set(
    *, choices: dict[int, tuple[str, str]], user: User, year: SchoolYear | None = None
) -> int:
    """Set the terminale parcours of some pupils' enrolments in one transaction.

    ``choices`` maps an enrolment id to ``(parcours, version)``, the version being the
    ``parcours_version`` the form was opened on. Only enrolments of a level with a parcours
    (``Level.has_parcours``) and, with ``year``, of that year are changed; a choice equal to
    the stored one is left alone. If any changed row was set by someone else meanwhile,
    nothing is written (``ParcoursChangedMeanwhile``). Returns how many pupils changed.
    """
    # Only the enrolment rows are locked: PostgreSQL refuses FOR UPDATE on the nullable side
    # of the outer joins (a pupil without a class, a choice nobody set yet).
    rows = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("division__level", "parcours_set_by")
        .filter(pk__in=choices)
    )
    if year is not None:
        rows = rows.filter(year=year)
    changed = []
    now = timezone.now()
    for enrolment in rows.order_by("pk"):
        parcours, version = choices[enrolment.pk]
        if enrolment.division is None or not enrolment.division.level.has_parcours:
            continue
        if enrolment.parcours == parcours:
            continue
        if parcours_version(enrolment) != version:
            raise ParcoursChangedMeanwhile(enrolment)
        enrolment.parcours = parcours
        enrolment.parcours_set_at = now
        enrolment.parcours_set_by = user
        enrolment.full_clean(exclude=["student", "year", "division"])
        changed.append(enrolment)
    trail.record_updates(changed, ["parcours"])
    Enrolment.objects.bulk_update(changed, ["parcours", "parcours_set_at", "parcours_set_by"])
    return len(changed)
