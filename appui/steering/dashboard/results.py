"""Reading a scope's records once: :func:`compute` gathers them (``selectors``) into a
:class:`Results` that every section and headline works from."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from appui.core import indicators as ind
from appui.core.hours import SessionRecord

from .. import selectors
from ..models import Survey


@dataclass
class Results:
    """Everything the dashboards show for one scope, computed once."""

    scope: selectors.Scope
    levels: list = field(default_factory=list)
    level_names: dict[ind.Ref, str] = field(default_factory=dict)
    division_names: dict[int, str] = field(default_factory=dict)
    periods: list = field(default_factory=list)
    spans: list[ind.PeriodSpan] = field(default_factory=list)
    places: list[ind.StudentPlace] = field(default_factory=list)
    groups: selectors.GroupData = field(default_factory=selectors.GroupData)
    prepared: selectors.GroupData = field(default_factory=selectors.GroupData)
    sessions: list[SessionRecord] = field(default_factory=list)
    recorded_sessions: int = 0
    marks: list[ind.MarkRecord] = field(default_factory=list)
    diagnosis: list[ind.DiagnosisResult] = field(default_factory=list)
    coverage: list[ind.CoverageRecord] = field(default_factory=list)
    teachers: list[int] = field(default_factory=list)
    tutoring: dict = field(default_factory=dict)
    surveys: list[dict] = field(default_factory=list)
    outcomes: list = field(default_factory=list)
    milestones: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    meetings: dict[str, int] = field(default_factory=dict)
    meeting_records: list[ind.MeetingRecord] = field(default_factory=list)
    trainings: list[ind.TrainingRecord] = field(default_factory=list)
    partners: list[ind.MobilisationRecord] = field(default_factory=list)
    # Filled on first use by the headlines: hours per level and division, and the plain
    # records of the scope (key None) or of one of its levels.
    hours: tuple[list[ind.HoursRow], list[ind.HoursRow]] | None = None
    records: dict[int | None, ind.ScopeRecords] = field(default_factory=dict)

    @property
    def period_ids(self) -> list[int]:
        """The periods the period-bound indicators look at (the chosen one, or all)."""
        if self.scope.period is not None:
            return [self.scope.period.pk]
        return [p.pk for p in self.periods]

    def groups_in_scope(self, level: int | None = None) -> list[ind.GroupRecord]:
        wanted = set(self.period_ids)
        return [
            g
            for g in self.groups.records
            if g.period in wanted and (level is None or g.level == level)
        ]

    def sessions_in_scope(self, level: int | None = None) -> list[SessionRecord]:
        spans = [s for s in self.spans if s.id in set(self.period_ids)]
        levels = {g.id: g.level for g in self.groups.records}
        return [
            s
            for s in self.sessions
            if any(span.contains(s.date) for span in spans)
            and (level is None or levels.get(s.group) == level)
        ]


def compute(scope: selectors.Scope) -> Results:
    from appui.schools.models import Division

    results = Results(scope=scope)
    results.levels = selectors.levels(scope)
    results.level_names = {lv.pk: lv.name for lv in results.levels}
    results.division_names = dict(
        Division.objects.filter(level__in=results.levels).values_list("pk", "code")
    )
    results.periods = selectors.periods(scope)
    results.spans = selectors.period_spans(results.periods)
    results.places = selectors.present_students(scope)
    results.groups = selectors.published_groups(scope)
    results.prepared = selectors.prepared_groups(scope)
    sessions = selectors.session_records(results.groups)
    results.recorded_sessions = len(sessions.recorded)
    results.sessions = sessions.all
    results.marks = selectors.mark_records(results.groups)
    results.diagnosis = selectors.diagnosis_results(scope, results.places)
    results.coverage = selectors.coverage_records(scope, results.groups)
    results.teachers = selectors.teachers(scope.school)
    results.tutoring = selectors.tutoring(scope)
    results.surveys = _surveys(scope)
    results.outcomes = selectors.outcomes(
        scope.school,
        scope.year.start_year,
        results.levels if (scope.level or scope.division or scope.allowed_level_ids) else None,
    )
    results.milestones = selectors.milestones(scope)
    results.targets = selectors.targets(scope)
    results.decisions, results.actions = selectors.open_decisions(scope)
    results.meeting_records = selectors.meeting_records(scope)
    results.meetings = ind.instance_counts(results.meeting_records, scope.today)
    results.trainings = selectors.training_records(scope)
    results.partners = selectors.partner_records(results.groups)
    return results


def _surveys(scope: selectors.Scope) -> list[dict]:
    surveys = []
    for survey in (
        Survey.objects.filter(year=scope.year, published_at__isnull=False)
        .prefetch_related("levels")
        .order_by("opens_on", "pk")
    ):
        data = selectors.survey_results(survey)
        scale: dict[int, int] = defaultdict(int)
        for counts in data["counts"].values():
            for value, n in counts.items():
                scale[value] += n
        data["survey"] = survey
        data["satisfaction"] = ind.satisfaction(dict(scale))
        data["rate"] = ind.response_rate(data["total"], sum(data["population"].values()))
        data["detailed"] = ind.is_detailed(data["total"])
        surveys.append(data)
    return surveys
