"""Writes of the steering app: targets, milestones, meetings, surveys, outcomes."""

import datetime as dt
import secrets
import uuid
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appui.core.indicators import INDICATORS
from appui.planning.models import Group
from appui.schools.changes import mark_changed
from appui.schools.models import Level, Membership, School, SchoolYear, Staff
from appui.schools.services import ChangedMeanwhile, lock_row_version, text_version

from . import selectors
from .models import (
    Action,
    Comment,
    Decision,
    Meeting,
    Milestone,
    Outcome,
    Participation,
    PilotageRole,
    Question,
    ScaleCount,
    Survey,
    Target,
    TrainingAction,
)
from .survey_templates import SCALE_LABELS, TEMPLATE_OF, TEMPLATES, YES_NO_LABELS

# --------------------------------------------------------------------------- targets


def targets_version(year: SchoolYear) -> str:
    """The version the « set a target » form carries: a fingerprint of the year's targets
    (the form may replace any of them, and they keep no last-change time)."""
    return text_version(repr(list(Target.objects.filter(year=year).order_by("pk").values_list())))


def _same_year(year: SchoolYear, level: Level | None) -> None:
    if level is not None and level.year_id != year.pk:
        raise ValidationError(_("This level belongs to another school year."))


@transaction.atomic
def target_set(
    *,
    year: SchoolYear,
    indicator: str,
    value: Decimal,
    level: Level | None = None,
    direction: str | None = None,
    note: str = "",
    version: str | None = None,
) -> Target:
    """Create or replace the target on ``indicator`` for the school or one level. Refused
    (``ChangedMeanwhile``, nothing written) if the year's targets changed since ``version``,
    their ``targets_version`` when the form was opened; ``None`` skips the check."""
    SchoolYear.objects.select_for_update().get(pk=year.pk)
    if version is not None and targets_version(year) != version:
        raise ChangedMeanwhile()
    spec = INDICATORS.get(indicator)
    if spec is None or not spec.target:
        raise ValidationError(_("No target can be set on this indicator."))
    _same_year(year, level)
    target = Target.objects.filter(year=year, indicator=indicator, level=level).first()
    target = target or Target(year=year, indicator=indicator, level=level)
    # A target is only allowed on an oriented indicator (IndicatorSpec checks it).
    assert spec.direction is not None
    target.direction = direction or spec.direction.value
    target.value = value
    target.note = note
    target.full_clean(validate_constraints=False)
    target.save()
    return target


@transaction.atomic
def target_delete(*, target: Target) -> None:
    target.delete()


# --------------------------------------------------------------------------- milestones


@transaction.atomic
def milestone_create(
    *,
    year: SchoolYear,
    title: str,
    due_date: dt.date,
    kind: str = Milestone.Kind.OTHER,
    level: Level | None = None,
    notes: str = "",
    done_on: dt.date | None = None,
) -> Milestone:
    _same_year(year, level)
    milestone = Milestone(
        year=year,
        title=title,
        due_date=due_date,
        kind=kind,
        level=level,
        notes=notes,
        done_on=done_on,
    )
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_set_done(*, milestone: Milestone, day: dt.date | None) -> Milestone:
    """Mark a milestone done on ``day`` (or not done, with None)."""
    milestone.done_on = day
    milestone.save(update_fields=["done_on"])
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone) -> None:
    milestone.delete()


# --------------------------------------------------------------------------- meetings


def _check_meeting_links(year: SchoolYear, attendees, levels, groups) -> None:
    if any(s.school_id != year.school_id for s in attendees):
        raise ValidationError(_("Attendees must be staff of the school."))
    if any(level.year_id != year.pk for level in levels):
        raise ValidationError(_("Levels must be of the meeting's school year."))
    if any(group.plan.level.year_id != year.pk for group in groups):
        raise ValidationError(_("Groups must be of the meeting's school year."))


@transaction.atomic
def meeting_save(
    *,
    year: SchoolYear,
    kind: str,
    date: dt.date,
    title: str,
    agenda: str,
    minutes: str = "",
    other_attendees: str = "",
    attendees: list[Staff] | None = None,
    levels: list[Level] | None = None,
    groups: list[Group] | None = None,
    user=None,
    meeting: Meeting | None = None,
    version: str | None = None,
) -> Meeting:
    """Create a meeting, or update ``meeting`` when given. An update is refused
    (``ChangedMeanwhile``, nothing written) if the meeting changed since ``version`` (its
    ``row_version`` when the form was opened): two coordinators may write the minutes."""
    if meeting is not None:
        lock_row_version(meeting, version)
    attendees, levels, groups = list(attendees or []), list(levels or []), list(groups or [])
    _check_meeting_links(year, attendees, levels, groups)
    meeting = meeting or Meeting(year=year, created_by=user)
    meeting.kind, meeting.date, meeting.title = kind, date, title
    meeting.agenda, meeting.minutes, meeting.other_attendees = agenda, minutes, other_attendees
    meeting.full_clean()
    meeting.save()
    meeting.attendees.set(attendees)
    meeting.levels.set(levels)
    meeting.groups.set(groups)
    return meeting


@transaction.atomic
def decision_add(*, meeting: Meeting, text: str) -> Decision:
    decision = Decision(meeting=meeting, text=text.strip())
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def decision_set_done(*, decision: Decision, day: dt.date | None) -> Decision:
    decision.done_on = day
    decision.save(update_fields=["done_on"])
    return decision


@transaction.atomic
def action_add(
    *,
    meeting: Meeting,
    description: str,
    owner: Staff,
    due_date: dt.date,
    decision: Decision | None = None,
) -> Action:
    if owner.school_id != meeting.year.school_id:
        raise ValidationError(_("The person in charge must be staff of the school."))
    if decision is not None and decision.meeting_id != meeting.pk:
        raise ValidationError(_("This decision was taken at another meeting."))
    action = Action(
        meeting=meeting,
        description=description.strip(),
        owner=owner,
        due_date=due_date,
        decision=decision,
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_set_done(*, action: Action, day: dt.date | None) -> Action:
    action.done_on = day
    action.save(update_fields=["done_on"])
    return action


# --------------------------------------------------------------------------- surveys


def _require_draft(survey: Survey) -> None:
    # Read again: the caller's copy may predate a publication.
    if Survey.objects.filter(pk=survey.pk, published_at__isnull=False).exists():
        raise ValidationError(_("This survey is published: its questions can no longer change."))


@transaction.atomic
def survey_create(
    *,
    year: SchoolYear,
    opens_on: dt.date,
    closes_on: dt.date,
    for_students: bool = False,
    for_guardians: bool = False,
    for_staff: bool = False,
    template: str = "",
    levels: list[Level] | None = None,
    title: str = "",
    user=None,
) -> Survey:
    """A draft survey with, for each audience it is for, that audience's catalogue questions.

    The questions keep their catalogue key and are shown translated (``Question.label``);
    ``template`` (the first audience's by default) gives the title when none is typed.
    """
    levels = list(levels or [])
    for level in levels:
        _same_year(year, level)
    survey = Survey(
        year=year,
        custom_title=title.strip(),
        opens_on=opens_on,
        closes_on=closes_on,
        for_students=for_students,
        for_guardians=for_guardians,
        for_staff=for_staff,
        created_by=user,
    )
    audiences = survey.audiences
    template = template or (TEMPLATE_OF[audiences[0]] if audiences else "")
    if template not in TEMPLATES:
        raise ValidationError(_("Unknown survey template."))
    if audiences and TEMPLATES[template].audience not in audiences:
        raise ValidationError(_("This template's questions are for people the survey is not for."))
    survey.template = template
    survey.full_clean()
    survey.save()
    survey.levels.set(levels)
    rows = [
        (audience, question)
        for audience in audiences
        for question in TEMPLATES[TEMPLATE_OF[audience]].questions
    ]
    # The catalogue's English text is kept only as a fallback; the key is what is shown.
    with translation.override(None):
        Question.objects.bulk_create(
            Question(
                survey=survey,
                order=n,
                kind=question.kind,
                audience=audience,
                template_key=question.key,
                text=str(question.text),
            )
            for n, (audience, question) in enumerate(rows, 1)
        )
    return survey


@transaction.atomic
def question_add(
    *, survey: Survey, text: str, kind: str = Question.Kind.SCALE, audience: str = ""
) -> Question:
    """A typed question (shown as typed) for one of the survey's audiences (its only one by
    default)."""
    _require_draft(survey)
    if not audience and len(survey.audiences) == 1:
        audience = survey.audiences[0]
    last = survey.questions.order_by("-order").values_list("order", flat=True).first() or 0
    question = Question(
        survey=survey, text=text.strip(), kind=kind, audience=audience, order=last + 1
    )
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    _require_draft(question.survey)
    question.delete()


@transaction.atomic
def survey_publish(*, survey: Survey) -> Survey:
    """Publish a draft: it opens on its first day. The counters are created now, so that an
    answer only ever updates existing rows."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _require_draft(survey)
    questions = list(survey.questions.all())
    if not questions:
        raise ValidationError(_("Add at least one question before publishing."))
    asked = {q.audience for q in questions}
    for audience in survey.audiences:
        if audience not in asked:
            raise ValidationError(
                _("Add at least one question asked to %(audience)s before publishing.")
                % {"audience": Survey.Template(TEMPLATE_OF[audience]).label}
            )
    values: dict[str, dict] = {
        Question.Kind.SCALE: SCALE_LABELS,
        Question.Kind.YES_NO: YES_NO_LABELS,
    }
    ScaleCount.objects.bulk_create(
        ScaleCount(question=q, value=v)
        for q in questions
        if q.kind in values
        for v in values[q.kind]
    )
    survey.published_at = timezone.now()
    survey.save(update_fields=["published_at"])
    return survey


@transaction.atomic
def survey_close(*, survey: Survey) -> Survey:
    """Close a survey now: it takes no more answers and every comment is released."""
    Survey.objects.select_for_update().filter(pk=survey.pk).first()  # answers wait
    survey.closed_at = timezone.now()
    survey.save(update_fields=["closed_at"])
    _store_comments(survey, [], release=True)
    return survey


@transaction.atomic
def survey_answer(*, survey: Survey, user, answers: Mapping[int, int | str | None]) -> None:
    """Record one person's answers, anonymously, once.

    ``answers`` maps question ids to a value 1–4 (scale), 1 or 2 (yes, no) or a text
    (comment); questions left out are skipped. Only the questions asked to the person's
    audience may be answered. The participation row and the anonymous increments are written
    in one transaction: either the person has answered and their answers count, or neither.
    """
    # Locked: the pending comments are read then rewritten (see _store_comments).
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey.is_open:
        raise ValidationError(_("This survey is not open."))
    audience = selectors.survey_audience_for(survey, user)
    if audience is None:
        raise ValidationError(_("This survey is not meant for you."))
    questions = {q.pk: q for q in survey.questions.all()}
    values: dict[str, dict] = {
        Question.Kind.SCALE: SCALE_LABELS,
        Question.Kind.YES_NO: YES_NO_LABELS,
    }
    scale: list[tuple[int, int]] = []
    comments: list[Comment] = []
    for question_id, raw in answers.items():
        question = questions.get(question_id)
        if question is None:
            raise ValidationError(_("This answer is for a question of another survey."))
        if question.audience != audience:
            raise ValidationError(_("This answer is for a question asked to other people."))
        if question.kind in values:
            if raw is None or raw == "":
                continue
            try:
                value = int(raw)
            except (TypeError, ValueError) as error:
                raise ValidationError(_("This answer is not one of the choices.")) from error
            if value not in values[question.kind]:
                raise ValidationError(_("This answer is not one of the choices."))
            scale.append((question.pk, value))
        else:
            text = str(raw or "").strip()[:2000]
            if text:
                comments.append(Comment(question=question, text=text))
    if not scale and not comments:
        raise ValidationError(_("Answer at least one question."))
    try:
        with transaction.atomic():
            Participation.objects.create(survey=survey, user=user, audience=audience)
    except IntegrityError as error:
        raise ValidationError(_("You have already answered this survey.")) from error
    for question_id, value in scale:
        ScaleCount.objects.filter(question_id=question_id, value=value).update(count=F("count") + 1)
    if comments:
        _store_comments(survey, [(comment.question_id, comment.text) for comment in comments])
    mark_changed(survey.year.school_id)  # the counters' update() sends no post_save


#: Comments released to the dashboard together, at least (all of them at closing).
COMMENT_BATCH = 10


def _store_comments(survey: Survey, new: list[tuple[int, str]], *, release: bool = False) -> None:
    """Store comments so that nothing pairs them with a participation.

    Rows keep the order they are written in (SQLite's rowid, PostgreSQL's physical order,
    both visible in any backup), and participations are written in the order people answer.
    So the pending comments are deleted and written back, with the new ones, in a random
    order under new random keys; once :data:`COMMENT_BATCH` of them pend (or at ``release``),
    every comment of the survey is written back shuffled and released. Pending comments are
    then only ever the last few answers' and indistinguishable among them; released ones
    are a random permutation of all the others.
    """
    comments = Comment.objects.filter(question__survey=survey)
    pending = list(comments.filter(released=False).values_list("question_id", "text"))
    items = pending + new
    release = release or len(items) >= COMMENT_BATCH
    if release:
        items += list(comments.filter(released=True).values_list("question_id", "text"))
        comments.delete()
    else:
        comments.filter(released=False).delete()
    secrets.SystemRandom().shuffle(items)
    Comment.objects.bulk_create(
        Comment(id=uuid.uuid4(), question_id=question_id, text=text, released=release)
        for question_id, text in items
    )


# --------------------------------------------------------------------------- outcomes


def outcomes_version(school: School) -> str:
    """The version the outcomes form carries: a fingerprint of the school's recorded outcomes
    (the form may correct any of them, and they keep no last-change time)."""
    rows = Outcome.objects.filter(school=school).order_by("pk").values_list()
    return text_version(repr(list(rows)))


@transaction.atomic
def outcome_set(
    *,
    school: School,
    start_year: int,
    level: Level,
    enrolled: int,
    repeating: int = 0,
    candidates: int = 0,
    passed: int = 0,
    leavers: int = 0,
    further_studies: int = 0,
    version: str | None = None,
) -> Outcome:
    """Record (or correct) the end-of-year outcomes of a level. Refused (``ChangedMeanwhile``,
    nothing written) if the school's outcomes changed since ``version``, their
    ``outcomes_version`` when the form was opened; ``None`` skips the check."""
    if level.year.school_id != school.pk:
        raise ValidationError(_("This level belongs to another school."))
    School.objects.select_for_update().get(pk=school.pk)
    if version is not None and outcomes_version(school) != version:
        raise ChangedMeanwhile()
    outcome = Outcome.objects.filter(
        school=school, start_year=start_year, track=level.track, year_in_cycle=level.year_in_cycle
    ).first() or Outcome(
        school=school, start_year=start_year, track=level.track, year_in_cycle=level.year_in_cycle
    )
    outcome.label = level.name
    outcome.enrolled, outcome.repeating = enrolled, repeating
    outcome.candidates, outcome.passed = candidates, passed
    outcome.leavers, outcome.further_studies = leavers, further_studies
    outcome.full_clean(validate_constraints=False)
    outcome.save()
    return outcome


# --------------------------------------------------------------------------- training plan


def _check_staff(year: SchoolYear, staff: list[Staff]) -> None:
    if any(s.school_id != year.school_id for s in staff):
        raise ValidationError(_("Participants must be staff of the school."))


@transaction.atomic
def training_save(
    *,
    year: SchoolYear,
    title: str,
    date: dt.date,
    theme: str = "",
    organiser: str = TrainingAction.Organiser.SCHOOL,
    end_date: dt.date | None = None,
    hours: Decimal | None = None,
    status: str = TrainingAction.Status.PLANNED,
    participants: list[Staff] | None = None,
    notes: str = "",
    user=None,
    training: TrainingAction | None = None,
    version: str | None = None,
) -> TrainingAction:
    """Create a training action of the plan, or update ``training`` when given. An update is
    refused (``ChangedMeanwhile``, nothing written) if the action changed since ``version``
    (its ``row_version`` when the form was opened)."""
    if training is not None:
        lock_row_version(training, version)
    participants = list(participants or [])
    _check_staff(year, participants)
    training = training or TrainingAction(year=year, created_by=user)
    training.title, training.theme, training.organiser = title.strip(), theme.strip(), organiser
    training.date, training.end_date, training.hours = date, end_date, hours
    training.status, training.notes = status, notes
    if status == TrainingAction.Status.DONE and date > timezone.localdate():
        raise ValidationError(_("A training action to come cannot be recorded as done."))
    training.full_clean()
    training.save()
    training.participants.set(participants)
    return training


@transaction.atomic
def training_record_done(
    *,
    training: TrainingAction,
    participants: list[Staff],
    date: dt.date,
    end_date: dt.date | None = None,
    hours: Decimal | None = None,
    version: str | None = None,
) -> TrainingAction:
    """Record that the action took place: its actual dates and duration, and the staff who
    actually took part (they replace those registered). Refused like ``training_save`` if the
    action changed since ``version``."""
    lock_row_version(training, version)
    return training_save(
        year=training.year,
        title=training.title,
        theme=training.theme,
        organiser=training.organiser,
        date=date,
        end_date=end_date,
        hours=hours if hours is not None else training.hours,
        status=TrainingAction.Status.DONE,
        participants=participants,
        notes=training.notes,
        training=training,
        version=None,
    )


@transaction.atomic
def training_delete(*, training: TrainingAction) -> None:
    training.delete()


# --------------------------------------------------------------------------- organigram


@transaction.atomic
def pilotage_role_save(
    *,
    year: SchoolYear,
    kind: str,
    staff: Staff | None = None,
    name: str = "",
    title: str = "",
    level: Level | None = None,
    role: PilotageRole | None = None,
    version: str | None = None,
) -> PilotageRole:
    """Name someone (a staff member, or an outsider by name) to a role of the organigram, or
    change ``role`` when given (refused with ``ChangedMeanwhile`` if it changed since
    ``version``)."""
    if role is not None:
        lock_row_version(role, version)
    _same_year(year, level)
    if staff is not None and staff.school_id != year.school_id:
        raise ValidationError(_("Choose a staff member of the school."))
    role = role or PilotageRole(year=year)
    role.kind, role.staff, role.name = kind, staff, name.strip()
    role.title, role.level = title.strip(), level
    role.full_clean()
    role.save()
    return role


@transaction.atomic
def pilotage_role_delete(*, role: PilotageRole) -> None:
    role.delete()


@transaction.atomic
def level_coordinator_add(*, level: Level, staff: Staff) -> Membership:
    """Make ``staff`` an AP coordinator of ``level``: their account's coordinator role,
    limited to their levels (``Membership``), is what both the organigram shows and the rights
    follow. A coordinator of the whole school already coordinates every level: refused, as
    limiting them to one level would take the others away."""
    if staff.school_id != level.year.school_id:
        raise ValidationError(_("Choose a staff member of the school."))
    membership, created = Membership.objects.select_for_update().get_or_create(
        user_id=staff.user_id, school_id=staff.school_id, role=Membership.Role.COORDINATOR
    )
    if not created and not membership.levels.exists():
        raise ValidationError(
            _("%(name)s already coordinates the whole school, every level included.")
            % {"name": staff}
        )
    membership.levels.add(level)
    return membership


@transaction.atomic
def level_coordinator_remove(*, level: Level, staff: Staff) -> None:
    """``staff`` no longer coordinates ``level``. Their coordinator role goes with their last
    level: a coordinator role without levels would mean the whole school."""
    membership = (
        Membership.objects.select_for_update()
        .filter(user_id=staff.user_id, school_id=staff.school_id, role=Membership.Role.COORDINATOR)
        .first()
    )
    if membership is None or not membership.levels.filter(pk=level.pk).exists():
        raise ValidationError(_("This person does not coordinate this level."))
    membership.levels.remove(level)
    if not membership.levels.exists():
        membership.delete()
