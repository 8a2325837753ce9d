"""Reads of the diagnosis: grids, completion, heatmaps, profiles."""

import functools
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TypedDict

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Func, QuerySet, TextField, Value
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from appui.audit import trail
from appui.core import needs as core_needs
from appui.core.scales import LsuLevel
from appui.schools.models import Division, Level, School, Student
from appui.schools.selectors import students_of, with_division_of

from .models import Campaign, Competency, Framework, Interview, NeedProfile, Observation, Result

NEED_LABELS = {0: "aucun", 1: "léger", 2: "marqué", 3: "fort"}
KIND_LABELS = {
    "remediation": "soutien",
    "deepening": "approfondissement",
    "orientation": "orientation / projet",
}


def frameworks_of(school: School) -> QuerySet[Framework]:
    return Framework.objects.filter(school=school).annotate(competency_count=Count("competencies"))


def current_framework(school: School) -> Framework | None:
    return Framework.objects.filter(school=school).order_by("-created_at").first()


def campaign_competencies(campaign: Campaign) -> list[Competency]:
    return list(
        campaign.competencies.select_related("domain").order_by("domain__order", "order", "code")
    )


@dataclass
class Grid:
    students: list[Student]
    competencies: list[Competency]
    results: dict[tuple[int, int], Result]
    done_by_competency: dict[int, int]

    @property
    def cells(self) -> int:
        return len(self.students) * len(self.competencies)

    @property
    def done(self) -> int:
        return sum(self.done_by_competency.values())

    def rows(self):
        for student in self.students:
            yield student, [(c, self.results.get((student.pk, c.pk))) for c in self.competencies]


def grid(campaign: Campaign, division: Division) -> Grid:
    """The division's pupils of the campaign's year (its enrolments for another year than the
    current one) × the campaign's competencies, with the results entered."""
    students = list(
        students_of(campaign.year, division=division).order_by("last_name", "first_name")
    )
    competencies = campaign_competencies(campaign)
    results = {
        (r.student_id, r.competency_id): r
        for r in Result.objects.filter(campaign=campaign, student__in=students).select_related(
            "updated_by"
        )
    }
    done: dict[int, int] = defaultdict(int)
    for (_student, competency), _r in results.items():
        done[competency] += 1
    return Grid(students, competencies, results, done)


def completion_by_division(campaign: Campaign, divisions: QuerySet[Division]) -> list[dict]:
    """Per division: its pupils of the campaign's year, expected cells, entered cells,
    percentage."""
    competency_count = campaign.competencies.count()
    roster = with_division_of(students_of(campaign.year, level=campaign.level), campaign.year)
    division_of = dict(roster.values_list("pk", "year_division_id"))
    entered: Counter[int] = Counter()
    for student_id, n in (
        Result.objects.filter(
            campaign=campaign, student__in=students_of(campaign.year, level=campaign.level)
        )
        .values_list("student")
        .annotate(n=Count("pk"))
    ):
        entered[division_of[student_id]] += n
    pupils = Counter(division_of.values())
    rows = []
    for division in divisions:
        expected = pupils[division.pk] * competency_count
        done = entered[division.pk]
        rows.append(
            {
                "division": division,
                "students": pupils[division.pk],
                "expected": expected,
                "done": done,
                "percent": round(100 * done / expected) if expected else 0,
            }
        )
    return rows


def completion_by_competency(campaign: Campaign) -> list[dict]:
    """Per competency: entered cells out of the level's pupils of the campaign's year."""
    roster = students_of(campaign.year, level=campaign.level)
    students = roster.count()
    entered = dict(
        Result.objects.filter(campaign=campaign, student__in=roster)
        .values_list("competency")
        .annotate(n=Count("pk"))
    )
    return [
        {
            "competency": c,
            "done": entered.get(c.pk, 0),
            "expected": students,
            "percent": round(100 * entered.get(c.pk, 0) / students) if students else 0,
        }
        for c in campaign_competencies(campaign)
    ]


class HeatmapCell(TypedDict):
    """One student × competency cell of the heatmap."""

    level: int
    kind: str
    kind_label: str
    label: str
    known: bool


@dataclass
class Heatmap:
    competencies: list[Competency]
    rows: list[tuple[Student, list[HeatmapCell], str]]  # the student, the cells, their HTML
    summary: list[dict] = field(default_factory=list)


def need_levels(students, codes) -> dict[int, dict[str, dict]]:
    """Per student (a queryset or ids): for each of ``codes`` in their need profile, its
    ``level`` and ``kind`` only, ``{student_id: {code: {"level": 2, "kind": "remediation"}}}``.

    Read in SQL from the stored profile: a whole profile (reasons and evidence for every
    competency) weighs kilobytes a pupil, and decoding hundreds of them took most of the time
    of the pages that show a level's pupils (heatmaps, the plan board, the solver's input).
    One query."""
    codes = sorted(set(codes))
    if not codes:
        return {}
    profiles = NeedProfile.objects.filter(student__in=students)
    if connection.vendor == "sqlite":
        # JSON_EXTRACT with many paths reads the document once and answers a JSON array
        # (each path on its own would read it again: 2 × codes times a pupil).
        paths = [f"$.{json.dumps(code)}.{key}" for code in codes for key in ("level", "kind")]
        extract = Func(
            F("needs"), *map(Value, paths), function="JSON_EXTRACT", output_field=TextField()
        )
        rows = (
            (student_id, json.loads(values))
            for student_id, values in profiles.annotate(picked=extract).values_list(
                "student_id", "picked"
            )
        )
    else:
        # Every path is read from one decompressed copy of the profile: ``needs || '{}'`` in a
        # subquery kept apart (``OFFSET 0``) decompresses the stored document once a row,
        # where each ``#>>`` on the column decompressed it again (2 × codes times a pupil);
        # and one SQL text instead of 2 × codes ORM expressions to compile. 65 → 12 ms for
        # 379 pupils and 20 competencies (bench/pages.py's plan pages).
        try:
            inner, params = (
                profiles.annotate(doc=Func(F("needs"), template="(%(expressions)s || '{}'::jsonb)"))
                .values_list("student_id", "doc")
                .query.sql_with_params()
            )
        except EmptyResultSet:  # no pupil (an empty list of ids)
            return {}
        picks = ", ".join(["p.doc #>> %s::text[]"] * (2 * len(codes)))
        keys = [[code, key] for code in codes for key in ("level", "kind")]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT p.student_id, {picks} FROM ({inner} OFFSET 0) AS p", [*keys, *params]
            )
            rows = ((student_id, values) for student_id, *values in cursor.fetchall())
    out: dict[int, dict[str, dict]] = {}
    for student_id, values in rows:
        needs = out[student_id] = {}
        for index, code in enumerate(codes):
            level, kind = values[2 * index], values[2 * index + 1]
            if level is not None:
                needs[code] = {"level": int(level), "kind": kind or ""}
    return out


def heatmap(students: QuerySet[Student], competencies: list[Competency]) -> Heatmap:
    """Need levels of students × competencies, and how many students at each level."""
    student_list = list(students.select_related("division"))
    levels = need_levels([s.pk for s in student_list], [c.code for c in competencies])
    rows = []
    counts = {c.code: [0, 0, 0, 0] for c in competencies}
    kinds: dict[str, defaultdict[str, int]] = {c.code: defaultdict(int) for c in competencies}
    # Hundreds of rows: the link to each pupil's profile is reversed once, not once a row.
    profile_url = reverse("diagnostics:student-profile", args=[_PK]).replace(str(_PK), "{}")
    for student in student_list:
        student.profile_url = profile_url.format(student.pk)  # type: ignore[attr-defined]
        needs = levels.get(student.pk, {})
        cells: list[HeatmapCell] = []
        for competency in competencies:
            need = needs.get(competency.code, {})
            level = int(need.get("level", 0))
            kind = need.get("kind", "")
            counts[competency.code][level] += 1
            if level:
                kinds[competency.code][kind] += 1
            cells.append(
                {
                    "level": level,
                    "kind": kind,
                    "kind_label": KIND_LABELS.get(kind, ""),
                    "label": NEED_LABELS[level],
                    "known": competency.code in needs,
                }
            )
        rows.append((student, cells, _cells_html(cells)))
    total = len(student_list) or 1
    summary = [
        {
            "competency": c,
            "counts": counts[c.code],
            "widths": [round(100 * n / total, 1) for n in counts[c.code]],
            "needing": sum(counts[c.code][1:]),
            "deepening": kinds[c.code].get("deepening", 0),
        }
        for c in competencies
    ]
    return Heatmap(competencies, rows, summary)


_PK = 987654321  # a placeholder primary key, replaced in reversed URLs
_MARKS = {"deepening": "▲", "orientation": "◆"}


def _cells_html(cells: list[HeatmapCell]) -> str:
    """The row's heatmap cells as HTML, built here: a level holds thousands of cells and
    rendering each through the template language took most of the page's time. A cell
    depends on its level, kind and whether it is known only: each is formatted once."""
    # Every part comes from format_html, which escapes the values.
    return mark_safe("".join(_cell_html(c["level"], c["kind"], c["known"]) for c in cells))


@functools.lru_cache(maxsize=256)
def _cell_html(level: int, kind: str, known: bool) -> str:
    kind_label = KIND_LABELS.get(kind, "")
    title = NEED_LABELS[level] + (f" — {kind_label}" if kind_label else "")
    text = (str(level) + (_MARKS.get(kind, "") if level else "")) if known else "·"
    return format_html(
        '<td class="need need-{}" data-value="{}" title="{}">{}</td>', level, level, title, text
    )


def level_competencies(level: Level) -> list[Competency]:
    """Competencies assessed in the level's campaigns this year, else the current framework's."""
    assessed = (
        Competency.objects.filter(campaigns__level=level)
        .select_related("domain")
        .distinct()
        .order_by("domain__order", "order", "code")
    )
    if assessed.exists():
        return list(assessed)
    framework = current_framework(level.year.school)
    if framework is None:
        return []
    return list(
        framework.competencies.filter(retired=False)
        .select_related("domain")
        .order_by("domain__order", "order")
    )


def student_history(student: Student) -> list[dict]:
    """The student's results campaign by campaign, newest first."""
    by_campaign: dict[int, dict] = {}
    for result in (
        Result.objects.filter(student=student)
        .select_related("campaign", "competency")
        .order_by("-campaign__date", "competency__order")
    ):
        entry = by_campaign.setdefault(
            result.campaign_id, {"campaign": result.campaign, "results": []}
        )
        entry["results"].append(result)
    return list(by_campaign.values())


def campaigns_visible(access, year) -> list[Campaign]:
    from .access import can_view_campaign

    campaigns = Campaign.objects.filter(year=year).select_related("level", "period")
    return [c for c in campaigns if can_view_campaign(access, c)]


def student_notes(
    student: Student, *, restricted: bool
) -> tuple[QuerySet[Interview], QuerySet[Observation]]:
    """A student's interviews and observations; the restricted ones only when ``restricted``
    (``SchoolAccess.can_see_restricted_notes``). The one place that filters restricted notes."""
    interviews = Interview.objects.filter(student=student).select_related("author")
    observations = Observation.objects.filter(student=student).select_related(
        "author", "competency"
    )
    if not restricted:
        interviews = interviews.filter(restricted=False)
        observations = observations.filter(restricted=False)
    else:
        # Every display of restricted notes is a read in the pupil's audit trail (who, which
        # note, when), recorded here, the one place that hands them out.
        trail.record_access(
            [*interviews.filter(restricted=True), *observations.filter(restricted=True)]
        )
    return interviews, observations


# --------------------------------------------------------------------------- family view


def positive_inputs(
    student: Student,
) -> tuple[list[core_needs.Measure], list[core_needs.WorkNeed], dict[str, str]]:
    """What the positive summary of pupils and families reads from the diagnosis: the
    student's results as measures, the stored profile's needs in priority order, and the
    labels of the school's competencies (the newest framework's label wins). Three queries."""
    measures = [
        core_needs.Measure(code, day, LsuLevel(value))
        for code, day, value in Result.objects.filter(
            student=student, value__isnull=False
        ).values_list("competency__code", "campaign__date", "value")
        if value is not None  # never, by the filter; says so to the type checker
    ]
    stored = NeedProfile.objects.filter(student=student).values_list("needs", flat=True).first()
    ranked = sorted(
        (stored or {}).items(),
        key=lambda item: (item[1].get("priority") is None, item[1].get("priority") or 0, item[0]),
    )
    needs = [
        core_needs.WorkNeed(code, need.get("kind", "remediation"), int(need.get("level", 0)))
        for code, need in ranked
    ]
    labels = dict(
        Competency.objects.filter(framework__school_id=student.school_id)
        .order_by("framework__created_at", "pk")
        .values_list("code", "label")
    )
    return measures, needs, labels


def positive_summary(student: Student) -> core_needs.PositiveSummary:
    """The pupil's strengths, progress and aims from the diagnosis alone (follow-up adds the
    teacher's marks and the current modules' goals on the student page)."""
    measures, needs, labels = positive_inputs(student)
    return core_needs.positive_summary(measures, needs, labels=labels)
