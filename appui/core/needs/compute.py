"""The rules R1–R7 (see the package docstring and ``docs/besoins.md``): one competency, one
student's profile, every student's profiles, and a profile's history."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from appui.core.scales import LsuLevel, NotAssessed

from .records import (
    CompetencyNeed,
    Evidence,
    Interview,
    NeedProfile,
    Observation,
    ResultRecord,
)
from .rules import DEFAULT_RULES, NeedRules
from .vocabulary import (
    _KIND_ORDER,
    AMBITIOUS_PROJECTS,
    EvidenceRole,
    EvidenceSource,
    NeedKind,
    NeedLevel,
    Signal,
    StudentId,
    _clamp,
    _order,
)

# --------------------------------------------------------------------------- helpers


def _fmt(day: dt.date) -> str:
    """``10/09/2026`` (no strftime: it depends on the locale and is slow)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _count(n: int, singular: str, plural: str) -> str:
    """``0 point fort``, ``1 point fort``, ``2 points forts`` (French: 0 takes the singular)."""
    return f"{n} {singular if n <= 1 else plural}"


def _phrase(level: NeedLevel) -> str:
    """``aucun besoin (0)``, ``besoin marqué (2)``."""
    return "aucun besoin (0)" if level == 0 else f"besoin {level.label} ({int(level)})"


NEED_OF_RESULT: dict[LsuLevel, int] = {
    LsuLevel.INSUFFICIENT: 3,
    LsuLevel.FRAGILE: 2,
    LsuLevel.SATISFACTORY: 0,
    LsuLevel.VERY_GOOD: 0,
}
"""Rule R1's table, the one place that says which result is a need: MI → 3, MF → 2, and
« maîtrise satisfaisante » (MS) is *not* a need (0), like « très bonne maîtrise » (TBM).

MS is mastery in the LSU's own terms; counting it as a light need coloured almost every cell
of the heatmaps and told pupils and families that a satisfactory result was a problem, when AP
should help the pupil « retrouver une image positive de lui-même » and is never « une
punition » (seed 003, § 2 « Les objectifs » and § 9 « Conclusion »)."""


def _need_of(value: LsuLevel) -> int:
    """Rule R1: the need a result stands for (:data:`NEED_OF_RESULT`)."""
    return NEED_OF_RESULT[value]


def _mean_up(values: Sequence[int]) -> int:
    """Mean rounded up, in integers (no float, so no platform difference)."""
    return -(-sum(values) // len(values))


def _result_summary(record: ResultRecord) -> str:
    assert isinstance(record.value, LsuLevel)
    name = f" « {record.campaign_label} »" if record.campaign_label else ""
    return (
        f"{record.campaign_kind.label.capitalize()}{name} du {_fmt(record.campaign_date)} : "
        f"{record.value.label.lower()} ({record.value.code})"
    )


def _observation_summary(obs: Observation) -> str:
    author = f" par {obs.author}" if obs.author else ""
    return f"{obs.signal.observed} le {_fmt(obs.date)}{author}"


def _result_key(record: ResultRecord) -> tuple[object, ...]:
    value = record.value.value if isinstance(record.value, NotAssessed) else str(int(record.value))
    return (-record.campaign_date.toordinal(), _order(record.campaign), value)


def _observation_key(obs: Observation) -> tuple[object, ...]:
    return (
        -obs.date.toordinal(),
        obs.signal.value,
        obs.author,
        _order(obs.id),
        obs.note,
        obs.restricted,
    )


def _interview_key(interview: Interview) -> tuple[object, ...]:
    return (
        interview.date,
        _order(interview.id),
        interview.project.value,
        tuple(sorted(interview.deepen)),
        interview.aspirations,
    )


def _interview_evidence(interview: Interview, role: EvidenceRole, summary: str) -> Evidence:
    return Evidence(
        source=EvidenceSource.INTERVIEW,
        role=role,
        date=interview.date,
        summary=summary,
        ref=interview.id,
    )


_SOURCE_ORDER = {
    EvidenceSource.RESULT: 0,
    EvidenceSource.OBSERVATION: 1,
    EvidenceSource.INTERVIEW: 2,
}


def _evidence_key(item: Evidence) -> tuple[object, ...]:
    return (
        -item.date.toordinal(),
        _SOURCE_ORDER[item.source],
        _order(item.ref),
        item.summary,
        item.role.value,
        item.note,
    )


# --------------------------------------------------------------------------- one competency


@dataclass
class _Work:
    """Scratch state while computing one competency."""

    evidence: list[Evidence] = field(default_factory=list)
    reason: list[str] = field(default_factory=list)


def _observation_evidence(obs: Observation, role: EvidenceRole) -> Evidence:
    return Evidence(
        source=EvidenceSource.OBSERVATION,
        role=role,
        date=obs.date,
        summary=_observation_summary(obs),
        ref=obs.id,
        signal=obs.signal,
        author=obs.author,
        note=obs.note,
        restricted=obs.restricted,
    )


def _record_observations(
    observations: Sequence[Observation], since: dt.date | None, work: _Work
) -> list[Observation]:
    """Every observation as evidence; returns those counted (dated on or after ``since``)."""
    ordered = sorted(observations, key=_observation_key)
    counted = [o for o in ordered if since is None or o.date >= since]
    for obs in ordered:
        if since is None or obs.date >= since:
            role = (
                EvidenceRole.CONFIRMS
                if obs.signal is Signal.DIFFICULTY
                else EvidenceRole.ATTENUATES
            )
        else:
            role = EvidenceRole.HISTORY
        work.evidence.append(_observation_evidence(obs, role))
    return counted


def _record_results(results: Sequence[ResultRecord], dates: Sequence[dt.date], work: _Work) -> None:
    """Every result as evidence: latest date, the date before, or history."""
    for record in results:
        if record.campaign_date == dates[0]:
            role = EvidenceRole.LATEST
        elif len(dates) > 1 and record.campaign_date == dates[1]:
            role = EvidenceRole.PREVIOUS
        else:
            role = EvidenceRole.HISTORY
        assert isinstance(record.value, LsuLevel)
        work.evidence.append(
            Evidence(
                source=EvidenceSource.RESULT,
                role=role,
                date=record.campaign_date,
                summary=_result_summary(record),
                ref=record.campaign,
                value=record.value,
                campaign_kind=record.campaign_kind,
            )
        )


def _without_results(
    counted: Sequence[Observation], n_diff: int, n_strength: int, observed: str, work: _Work
) -> NeedLevel:
    """R4: no result at all, the observations alone set the level."""
    authors = {o.author for o in counted if o.signal is Signal.DIFFICULTY}
    net = n_diff - n_strength
    if net >= 2 and len(authors) >= 2:
        level = NeedLevel.MARKED
    elif net > 0:
        level = NeedLevel.LIGHT
    else:
        level = NeedLevel.NONE
    if counted:
        by = f" (difficultés relevées par {_count(len(authors), 'personne', 'personnes')})"
        work.reason.append(
            f"Aucun résultat de diagnostic ; {observed}{by if authors else ''} → {_phrase(level)}."
        )
    return level


def _last_result(latest: Sequence[ResultRecord], day: dt.date, work: _Work) -> NeedLevel:
    """R1: the need of the most recent result (mean rounded up when several share its date)."""
    base = _clamp(_mean_up([_need_of(r.value) for r in latest if isinstance(r.value, LsuLevel)]))
    if len(latest) == 1:
        only = latest[0]
        assert isinstance(only.value, LsuLevel)
        work.reason.append(
            f"Dernier résultat : {only.value.label.lower()} ({only.value.code}), "
            f"{only.campaign_kind.label} du {_fmt(only.campaign_date)} "
            f"→ {_phrase(base)}."
        )
    else:
        codes = ", ".join(r.value.code for r in latest if isinstance(r.value, LsuLevel))
        work.reason.append(
            f"Derniers résultats du {_fmt(day)} : {codes} ; moyenne arrondie au cran "
            f"supérieur → {_phrase(base)}."
        )
    return base


def _rapid_progress(
    base: NeedLevel, previous: Sequence[ResultRecord], day: dt.date, work: _Work
) -> NeedLevel:
    """R2: after a drop of two steps of need or more since the campaign before (MI → MS,
    MF → MS, MF → TBM…), one step is kept to consolidate."""
    if not previous:
        return base
    before = _mean_up([_need_of(r.value) for r in previous if isinstance(r.value, LsuLevel)])
    if base > before - 2:
        return base
    level = _clamp(base + 1)
    codes = ", ".join(r.value.code for r in previous if isinstance(r.value, LsuLevel))
    work.reason.append(
        f"Progrès rapide depuis le {_fmt(day)} ({codes}) : un cran de besoin est "
        f"maintenu pour consolider → {_phrase(level)}."
    )
    return level


def _observed_since(level: NeedLevel, net: int, observed: str, work: _Work) -> NeedLevel:
    """R3: observations since the last result move the level one step at most."""
    if net > 0:
        effect = "besoin confirmé" if level == NeedLevel.STRONG else "un cran de plus"
        level = _clamp(level + 1)
    elif net < 0:
        effect = "un cran de moins" if level > 0 else "aucun besoin à atténuer"
        level = _clamp(level - 1)
    else:
        effect = "pas de changement"
    work.reason.append(f"Depuis ce diagnostic : {observed} → {effect}, {_phrase(level)}.")
    return level


def _support(
    results: Sequence[ResultRecord], observations: Sequence[Observation], work: _Work
) -> tuple[NeedLevel, bool, bool]:
    """Rules R1–R4. Returns (support level, has results, strong)."""
    results = sorted(results, key=_result_key)
    dates = sorted({r.campaign_date for r in results}, reverse=True)
    counted = _record_observations(observations, dates[0] if dates else None, work)
    n_diff = sum(1 for o in counted if o.signal is Signal.DIFFICULTY)
    n_strength = len(counted) - n_diff
    observed = f"{_count(n_diff, 'difficulté observée', 'difficultés observées')} et " + _count(
        n_strength, "point fort observé", "points forts observés"
    )
    if not results:
        level = _without_results(counted, n_diff, n_strength, observed, work)
        return level, False, n_strength > n_diff

    _record_results(results, dates, work)
    latest = [r for r in results if r.campaign_date == dates[0]]
    level = _last_result(latest, dates[0], work)
    if len(dates) > 1:
        previous = [r for r in results if r.campaign_date == dates[1]]
        level = _rapid_progress(level, previous, dates[1], work)
    if counted:
        level = _observed_since(level, n_diff - n_strength, observed, work)
    # At ease (rule R6): no need left, and either every latest result is « très bonne
    # maîtrise » or strengths were observed since. A satisfactory result alone is no need,
    # and no reason to deepen either.
    top = all(r.value is LsuLevel.VERY_GOOD for r in latest)
    return level, True, level == NeedLevel.NONE and (top or n_strength > n_diff)


def _orientation_level(
    code: str, support: NeedLevel, interview: Interview | None, rules: NeedRules, work: _Work
) -> NeedLevel:
    """R5: an orientation competency's level, raised by the project's target and the wish."""
    level = support
    if interview is None:
        return level
    target = rules.target(interview.project)
    if target is not None and target.competency == code:
        work.evidence.append(
            _interview_evidence(
                interview,
                EvidenceRole.PROJECT,
                f"Entretien du {_fmt(interview.date)} : projet « {interview.project.label} »",
            )
        )
        work.reason.append(
            f"Projet « {interview.project.label} » (entretien du {_fmt(interview.date)}) "
            f"→ besoin d'orientation {target.level.label} ({int(target.level)})."
        )
        level = max(level, target.level)
    if code in interview.deepen:
        work.evidence.append(
            _interview_evidence(
                interview,
                EvidenceRole.WISH,
                f"Entretien du {_fmt(interview.date)} : l'élève souhaite y travailler",
            )
        )
        work.reason.append("L'élève souhaite y travailler → besoin d'orientation au moins léger.")
        level = max(level, NeedLevel.LIGHT)
    return level


def _deepening_level(
    interview: Interview | None,
    *,
    strong: bool,
    has_results: bool,
    wish: bool,
    ambitious: bool,
    work: _Work,
) -> NeedLevel:
    """R6: the level of a deepening need, one step per ground (at least 1, at most 3)."""
    grounds: list[str] = []
    if strong:
        grounds.append("compétence maîtrisée" if has_results else "points forts observés")
    if interview is not None and wish:
        grounds.append(f"souhait de l'élève (entretien du {_fmt(interview.date)})")
        work.evidence.append(
            _interview_evidence(
                interview,
                EvidenceRole.WISH,
                f"Entretien du {_fmt(interview.date)} : l'élève souhaite approfondir",
            )
        )
    if interview is not None and ambitious:
        grounds.append(f"projet « {interview.project.label} »")
        work.evidence.append(
            _interview_evidence(
                interview,
                EvidenceRole.PROJECT,
                f"Entretien du {_fmt(interview.date)} : projet « {interview.project.label} »",
            )
        )
    level = _clamp(max(1, len(grounds)))
    work.reason.append(
        f"Approfondissement : {', '.join(grounds)} → niveau {level.label} ({int(level)})."
    )
    return level


def _wish_postponed(interview: Interview, work: _Work) -> None:
    """A wish to deepen a competency that first needs support is kept for the record."""
    work.evidence.append(
        _interview_evidence(
            interview,
            EvidenceRole.HISTORY,
            f"Entretien du {_fmt(interview.date)} : l'élève souhaite approfondir",
        )
    )
    work.reason.append(
        "L'élève souhaite approfondir cette compétence, mais le diagnostic montre "
        "d'abord un besoin de soutien."
    )


def _competency_need(
    code: str,
    results: Sequence[ResultRecord],
    observations: Sequence[Observation],
    interview: Interview | None,
    rules: NeedRules,
) -> CompetencyNeed:
    """Apply rules R1–R7 to one competency of one student."""
    work = _Work()
    support, has_results, strong = _support(results, observations, work)
    project = interview.project if interview else None
    wish = interview is not None and code in interview.deepen
    level = support
    kind = NeedKind.REMEDIATION

    if rules.is_orientation(code):  # R5
        kind = NeedKind.ORIENTATION
        level = _orientation_level(code, support, interview, rules, work)
    else:
        ambitious = project in AMBITIOUS_PROJECTS and code in rules.disciplinary
        deepen = (support == NeedLevel.NONE and (strong or wish or ambitious)) or (
            support == NeedLevel.LIGHT and (wish or ambitious)
        )
        if deepen:  # R6
            kind = NeedKind.DEEPENING
            level = _deepening_level(
                interview,
                strong=strong and support == NeedLevel.NONE,
                has_results=has_results,
                wish=wish,
                ambitious=ambitious,
                work=work,
            )
        elif wish and interview is not None:  # R7, the wish waits
            _wish_postponed(interview, work)

    if level > 0:
        work.reason.append(f"Besoin retenu : {kind.label}, {level.label} ({int(level)}).")
    else:
        work.reason.append("Aucun besoin retenu.")
    return CompetencyNeed(
        competency=code,
        level=level,
        kind=kind,
        support_level=support,
        priority=None,
        evidence=tuple(sorted(work.evidence, key=_evidence_key)),
        reason=" ".join(work.reason),
    )


# --------------------------------------------------------------------------- profiles


def _latest_interview(interviews: Iterable[Interview]) -> Interview | None:
    chosen = sorted(interviews, key=_interview_key)
    return chosen[-1] if chosen else None


def _ranked(computed: Sequence[CompetencyNeed]) -> tuple[CompetencyNeed, ...]:
    """Needs above 0 numbered by priority (level, then kind, then code), then level-0 ones."""
    ranked = sorted(
        (n for n in computed if n.level > 0),
        key=lambda n: (-n.level, _KIND_ORDER[n.kind], n.competency),
    )
    return tuple(replace(n, priority=rank) for rank, n in enumerate(ranked, start=1)) + tuple(
        n for n in computed if n.level == 0
    )


def compute_profile(
    student: StudentId,
    results: Iterable[ResultRecord],
    observations: Iterable[Observation] = (),
    interviews: Iterable[Interview] = (),
    *,
    rules: NeedRules = DEFAULT_RULES,
    as_of: dt.date | None = None,
) -> NeedProfile:
    """The need profile of ``student`` (records of other students are ignored).

    ``as_of`` computes the profile as it stood on that date: records dated later are left
    out (for the history across campaigns). The latest interview (by date) gives the project
    and the wishes.
    """

    def visible(day: dt.date) -> bool:
        return as_of is None or day <= as_of

    results_by_code: dict[str, list[ResultRecord]] = defaultdict(list)
    for record in results:
        if (
            record.student == student
            and visible(record.campaign_date)
            and isinstance(record.value, LsuLevel)
        ):
            results_by_code[record.competency].append(record)
    observations_by_code: dict[str, list[Observation]] = defaultdict(list)
    general: list[Evidence] = []
    for obs in observations:
        if obs.student != student or not visible(obs.date):
            continue
        if obs.competency is None:
            general.append(_observation_evidence(obs, EvidenceRole.CONTEXT))
        else:
            observations_by_code[obs.competency].append(obs)
    interview = _latest_interview(i for i in interviews if i.student == student and visible(i.date))

    codes = set(results_by_code) | set(observations_by_code)
    if interview is not None:
        codes |= interview.deepen
        general.append(
            _interview_evidence(
                interview,
                EvidenceRole.CONTEXT,
                f"Entretien du {_fmt(interview.date)} : projet « {interview.project.label} »",
            )
        )
        target = rules.target(interview.project)
        if target is not None:
            codes.add(target.competency)

    computed = [
        _competency_need(
            code,
            results_by_code.get(code, []),
            observations_by_code.get(code, []),
            interview,
            rules,
        )
        for code in sorted(codes)
    ]
    return NeedProfile(
        student=student,
        as_of=as_of,
        project=interview.project if interview else None,
        needs=_ranked(computed),
        general=tuple(sorted(general, key=_evidence_key)),
    )


def compute_profiles(
    results: Iterable[ResultRecord],
    observations: Iterable[Observation] = (),
    interviews: Iterable[Interview] = (),
    *,
    students: Iterable[StudentId] = (),
    rules: NeedRules = DEFAULT_RULES,
    as_of: dt.date | None = None,
) -> dict[StudentId, NeedProfile]:
    """Profiles of every student found in the records, plus every student in ``students``.

    Keys are in a stable order (ints, then strings, each sorted).
    """
    results_by: dict[StudentId, list[ResultRecord]] = defaultdict(list)
    observations_by: dict[StudentId, list[Observation]] = defaultdict(list)
    interviews_by: dict[StudentId, list[Interview]] = defaultdict(list)
    for record in results:
        results_by[record.student].append(record)
    for obs in observations:
        observations_by[obs.student].append(obs)
    for interview in interviews:
        interviews_by[interview.student].append(interview)
    everyone = set(students) | set(results_by) | set(observations_by) | set(interviews_by)
    return {
        student: compute_profile(
            student,
            results_by.get(student, []),
            observations_by.get(student, []),
            interviews_by.get(student, []),
            rules=rules,
            as_of=as_of,
        )
        for student in sorted(everyone, key=_order)
    }


def profile_history(
    student: StudentId,
    results: Iterable[ResultRecord],
    observations: Iterable[Observation] = (),
    interviews: Iterable[Interview] = (),
    *,
    rules: NeedRules = DEFAULT_RULES,
) -> tuple[tuple[dt.date, NeedProfile], ...]:
    """The student's profile as it stood at each of their campaign dates, oldest first."""
    results = [r for r in results if r.student == student]
    observations = [o for o in observations if o.student == student]
    interviews = [i for i in interviews if i.student == student]
    dates = sorted({r.campaign_date for r in results if isinstance(r.value, LsuLevel)})
    return tuple(
        (day, compute_profile(student, results, observations, interviews, rules=rules, as_of=day))
        for day in dates
    )
