"""Writes of the diagnosis: frameworks, campaigns, results, interviews, observations.

Every change to a student's results, observations or interviews recomputes their need
profile in the same transaction, so profiles are never stale.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appui.audit import trail
from appui.core import frameworks as core_frameworks
from appui.core import needs as core_needs
from appui.core.scales import LsuLevel, NotAssessed, Scale, ScaleError, parse_assessment
from appui.schools.changes import mark_changed
from appui.schools.models import Level, Period, School, Staff, Student
from appui.schools.selectors import students_of
from appui.schools.services import lock_text_versions

from .models import (
    Campaign,
    Competency,
    Domain,
    Framework,
    Interview,
    NeedProfile,
    Observation,
    Result,
)

# Frameworks ------------------------------------------------------------------------------


@transaction.atomic
def framework_install_default(*, school: School) -> Framework:
    """Load appui's default framework into a school (idempotent for a version)."""
    source = core_frameworks.default_framework()
    existing = Framework.objects.filter(
        school=school, code=source.code, version=source.version
    ).first()
    if existing:
        return existing
    framework = Framework.objects.create(
        school=school, code=source.code, version=source.version, label=source.label
    )
    for d_order, domain in enumerate(source.domains):
        db_domain = Domain.objects.create(
            framework=framework,
            code=domain.code,
            label=domain.label,
            description=domain.description,
            order=d_order,
        )
        Competency.objects.bulk_create(
            Competency(
                framework=framework,
                domain=db_domain,
                code=competency.code,
                label=competency.label,
                description=competency.description,
                kind=competency.kind.value,
                order=c_order,
            )
            for c_order, competency in enumerate(domain.competencies)
        )
    return framework


@transaction.atomic
def framework_new_version(*, framework: Framework, version: str) -> Framework:
    """Copy a framework under a new version; past campaigns keep the old one."""
    if Framework.objects.filter(
        school=framework.school, code=framework.code, version=version
    ).exists():
        raise ValidationError(_("This version already exists."))
    copy = Framework.objects.create(
        school=framework.school, code=framework.code, version=version, label=framework.label
    )
    for domain in framework.domains.all():
        new_domain = Domain.objects.create(
            framework=copy,
            code=domain.code,
            label=domain.label,
            description=domain.description,
            order=domain.order,
        )
        Competency.objects.bulk_create(
            Competency(
                framework=copy,
                domain=new_domain,
                code=c.code,
                label=c.label,
                description=c.description,
                kind=c.kind,
                order=c.order,
                retired=c.retired,
            )
            for c in domain.competencies.all()
        )
    return copy


def framework_is_used(framework: Framework) -> bool:
    return Result.objects.filter(competency__framework=framework).exists()


@transaction.atomic
def competency_create(
    *, framework: Framework, domain: Domain, code: str, label: str, kind: str, description: str = ""
) -> Competency:
    competency = Competency(
        framework=framework,
        domain=domain,
        code=code.strip().upper(),
        label=label.strip(),
        kind=kind,
        description=description,
        order=domain.competencies.count(),
    )
    competency.full_clean()
    competency.save()
    return competency


@transaction.atomic
def competency_update(
    *,
    competency: Competency,
    label: str,
    description: str,
    versions: dict[str, str | None] | None = None,
) -> Competency:
    """Reword a competency; refused once results use it (make a new version instead).

    ``versions`` maps ``label`` and ``description`` to the ``text_version`` the form was
    opened on: if either changed meanwhile the rewording is refused (``ChangedMeanwhile``),
    nothing written."""
    lock_text_versions(competency, versions or {})
    if competency.results.exists():
        raise ValidationError(
            _(
                "Results already use this competency: create a new version of the framework "
                "to change its wording."
            )
        )
    competency.label = label.strip()
    competency.description = description
    competency.full_clean()
    competency.save(update_fields=["label", "description"])
    return competency


@transaction.atomic
def competency_retire(*, competency: Competency, retired: bool = True) -> Competency:
    competency.retired = retired
    competency.save(update_fields=["retired"])
    return competency


@transaction.atomic
def competency_delete(*, competency: Competency) -> None:
    """Delete an unused competency. One with results or observations can only be retired."""
    if competency.results.exists() or competency.observations.exists():
        raise ValidationError(_("This competency has results: it cannot be deleted, only retired."))
    competency.delete()


# Campaigns -------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    level: Level,
    period: Period,
    kind: str,
    name: str,
    date: date,
    framework: Framework,
    competencies: list[Competency],
    scale: str = Campaign.Scale.LSU,
) -> Campaign:
    if period.year_id != level.year_id:
        raise ValidationError(_("The period and the level belong to different years."))
    if framework.school_id != level.year.school_id:
        raise ValidationError(_("This framework belongs to another school."))
    if not competencies:
        raise ValidationError(_("Choose at least one competency."))
    if any(c.framework_id != framework.pk for c in competencies):
        raise ValidationError(_("Every competency must come from the campaign's framework."))
    if any(c.retired for c in competencies):
        raise ValidationError(_("A retired competency cannot be assessed in a new campaign."))
    campaign = Campaign(
        year=level.year,
        level=level,
        period=period,
        kind=kind,
        name=name,
        date=date,
        framework=framework,
        scale=scale,
    )
    campaign.full_clean()
    campaign.save()
    campaign.competencies.set(competencies)
    return campaign


_TRANSITIONS = {
    Campaign.State.DRAFT: {Campaign.State.OPEN},
    Campaign.State.OPEN: {Campaign.State.CLOSED, Campaign.State.DRAFT},
    Campaign.State.CLOSED: {Campaign.State.OPEN},
}


@transaction.atomic
def campaign_set_state(*, campaign: Campaign, state: str) -> Campaign:
    if state not in _TRANSITIONS[Campaign.State(campaign.state)]:
        raise ValidationError(
            _("A campaign cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": campaign.get_state_display(),
                "new": Campaign.State(state).label,
            }
        )
    if state == Campaign.State.DRAFT and campaign.results.exists():
        raise ValidationError(_("Results have been entered: the campaign cannot go back to draft."))
    campaign.state = state
    campaign.save(update_fields=["state"])
    return campaign


# Results ---------------------------------------------------------------------------------


class ResultConflict(Exception):
    """Someone else changed the cell since it was loaded (``result`` is None if they cleared it)."""

    def __init__(self, result: Result | None):
        super().__init__("conflict")
        self.result = result


@dataclass(frozen=True)
class CellValue:
    value: int | None
    score: Decimal | None
    not_assessed: str


def parse_cell(campaign: Campaign, text: str) -> CellValue | None:
    """The stored form of what was typed, None for a blank cell; ScaleError if unreadable."""
    scale = Scale(campaign.scale)
    parsed = parse_assessment(text, scale)
    if parsed is None:
        return None
    score = None
    if scale is Scale.SCORE_100 and isinstance(parsed, LsuLevel):
        from appui.core.scales import parse_score

        try:
            score = parse_score(text)
        except ScaleError:
            score = None  # typed as a level code on a score campaign
    if isinstance(parsed, NotAssessed):
        return CellValue(value=None, score=None, not_assessed=parsed.value)
    return CellValue(value=int(parsed), score=score, not_assessed="")


@transaction.atomic
def result_set(
    *,
    campaign: Campaign,
    student: Student,
    competency: Competency,
    text: str,
    user,
    expected_version: int | None = None,
) -> Result | None:
    """Record what a teacher typed in one cell. A blank cell removes the result.

    `expected_version` is the version the teacher's page showed (0: the cell was empty);
    when the stored result is newer, `ResultConflict` is raised and nothing changes.
    """
    if not campaign.is_open:
        raise ValidationError(_("This campaign is not open for entry."))
    # The level's pupils of the campaign's year (its enrolments for another year).
    if not students_of(campaign.year, level=campaign.level).filter(pk=student.pk).exists():
        raise ValidationError(_("This student is not in the campaign's level."))
    if not campaign.competencies.filter(pk=competency.pk).exists():
        raise ValidationError(_("This competency is not assessed in the campaign."))
    try:
        cell = parse_cell(campaign, text)
    except ScaleError as error:
        raise ValidationError(str(error)) from error

    current = (
        Result.objects.select_for_update()
        .filter(campaign=campaign, student=student, competency=competency)
        .first()
    )
    if expected_version is not None:
        current_version = current.version if current else 0
        if current_version != expected_version:
            raise ResultConflict(current)
    if cell is None:
        if current:
            current.delete()
            profile_recompute(student=student)
        return None
    if current and (current.value, current.score, current.not_assessed) == (
        cell.value,
        cell.score,
        cell.not_assessed,
    ):
        return current  # nothing changed: keep the version
    if current is None:
        current = Result(campaign=campaign, student=student, competency=competency, version=0)
    current.value = cell.value
    current.score = cell.score
    current.not_assessed = cell.not_assessed
    current.version += 1
    current.updated_by = user if getattr(user, "is_authenticated", False) else None
    current.save()
    profile_recompute(student=student)
    return current


# Interviews and observations -----------------------------------------------------------


@transaction.atomic
def interview_create(
    *,
    student: Student,
    author: Staff | None,
    date: date,
    kind: str,
    project: str,
    aspirations: str = "",
    strengths: str = "",
    difficulties: str = "",
    notes: str = "",
    deepen: list[Competency] | None = None,
    restricted: bool = False,
) -> Interview:
    interview = Interview(
        student=student,
        author=author,
        date=date,
        kind=kind,
        project=project,
        aspirations=aspirations,
        strengths=strengths,
        difficulties=difficulties,
        notes=notes,
        restricted=restricted,
    )
    interview.full_clean()
    interview.save()
    interview.deepen.set(deepen or [])
    # The most recent interview states the student's project.
    latest = student.interviews.order_by("-date", "-pk").first()
    if latest and latest.pk == interview.pk and student.project != project:
        student.project = project
        student.save(update_fields=["project"])
    profile_recompute(student=student)
    return interview


@transaction.atomic
def observation_create(
    *,
    student: Student,
    author: Staff | None,
    date: date,
    signal: str,
    competency: Competency | None = None,
    note: str = "",
    restricted: bool = False,
) -> Observation:
    observation = Observation(
        student=student,
        author=author,
        date=date,
        signal=signal,
        competency=competency,
        note=note,
        restricted=restricted,
    )
    observation.full_clean()
    observation.save()
    profile_recompute(student=student)
    return observation


# Need profiles ---------------------------------------------------------------------------


def _rules_for(student: Student) -> core_needs.NeedRules:
    """Rules from the competencies the student's school uses (their codes and kinds)."""
    competencies = Competency.objects.filter(framework__school_id=student.school_id).values_list(
        "code", "kind", "domain__code"
    )
    disciplinary = frozenset(code for code, kind, _d in competencies if kind == "disciplinary")
    orientation = frozenset(code for code, _k, domain in competencies if domain == "OR")
    codes = {code for code, _k, _d in competencies}
    return core_needs.NeedRules(
        disciplinary=disciplinary,
        orientation=orientation,
        project_targets=tuple(
            core_needs.ProjectTarget(project, code, core_needs.NeedLevel(level))
            for project, (code, level) in sorted(core_needs.DEFAULT_TARGETS.items())
            if code in codes
        ),
    )


def records_for(student_ids: list[int]):
    """The core records (results, observations, interviews) of some students."""
    ids = student_ids
    results = []
    for r in Result.objects.filter(student_id__in=ids).select_related("competency", "campaign"):
        value: LsuLevel | NotAssessed
        if r.not_assessed:
            value = NotAssessed(r.not_assessed)
        elif r.value is not None:
            value = LsuLevel(r.value)
        else:
            continue  # neither a level nor a reason: nothing was entered
        results.append(
            core_needs.ResultRecord(
                student=r.student_id,
                competency=r.competency.code,
                campaign=r.campaign_id,
                campaign_date=r.campaign.date,
                campaign_kind=core_needs.CampaignKind(r.campaign.kind),
                value=value,
                campaign_label=r.campaign.name,
            )
        )
    observations = [
        core_needs.Observation(
            student=o.student_id,
            date=o.date,
            signal=core_needs.Signal(o.signal),
            author=str(o.author) if o.author else "",
            competency=o.competency.code if o.competency else None,
            note=o.note,
            restricted=o.restricted,
            id=o.pk,
        )
        for o in Observation.objects.filter(student_id__in=ids).select_related(
            "competency", "author"
        )
    ]
    interviews = [
        core_needs.Interview(
            student=i.student_id,
            date=i.date,
            project=core_needs.Project(i.project),
            deepen=frozenset(c.code for c in i.deepen.all()),
            aspirations=i.aspirations,
            id=i.pk,
        )
        for i in Interview.objects.filter(student_id__in=ids).prefetch_related("deepen")
    ]
    return results, observations, interviews


def profile_to_json(profile: core_needs.NeedProfile) -> dict:
    return {
        need.competency: {
            "level": int(need.level),
            "kind": need.kind.value,
            "priority": need.priority,
            "reason": need.reason,
            "evidence": [
                {
                    "source": e.source.value,
                    "role": e.role.value,
                    "date": e.date.isoformat(),
                    "summary": e.summary,
                    "restricted": e.restricted,
                    "counted": e.role.counted,
                }
                for e in need.evidence
            ],
        }
        for need in profile.needs
    }


@transaction.atomic
def profiles_recompute(*, students) -> int:
    """Recompute many students' profiles with a handful of queries (imports, demo)."""
    students = list(students)
    if not students:
        return 0
    ids = [s.pk for s in students]
    rules = _rules_for(students[0])
    results, observations, interviews = records_for(ids)
    profiles = core_needs.compute_profiles(
        results, observations, interviews, students=ids, rules=rules
    )
    # The profiles are replaced wholesale; the audit trail records one change per pupil
    # whose profile actually changed, not a deletion and a creation for everyone.
    before = {p.student_id: p for p in NeedProfile.objects.filter(student_id__in=ids)}
    with trail.muted():
        NeedProfile.objects.filter(student_id__in=ids).delete()
    created = NeedProfile.objects.bulk_create(
        [
            NeedProfile(student_id=sid, as_of=p.as_of, needs=profile_to_json(p))
            for sid, p in profiles.items()
        ],
        batch_size=500,
    )
    trail.record(
        [(before.pop(p.student_id, None), p) for p in created]
        + [(old, None) for old in before.values()]
    )
    mark_changed(students[0].school_id)  # bulk writes send no model signals
    return len(profiles)


@transaction.atomic
def profile_recompute(*, student: Student) -> NeedProfile:
    results, observations, interviews = records_for([student.pk])
    profile = core_needs.compute_profile(
        student.pk, results, observations, interviews, rules=_rules_for(student)
    )
    stored, _created = NeedProfile.objects.update_or_create(
        student=student,
        defaults={"as_of": profile.as_of, "needs": profile_to_json(profile)},
    )
    return stored
