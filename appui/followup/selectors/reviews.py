"""Stage reviews: the facts a review is drafted from, and who sees which review."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from appui.core.scales import LsuLevel
from appui.diagnostics.models import Competency, NeedProfile
from appui.planning.models import Assignment, Group, Plan
from appui.schools.models import Division, Period, Student
from appui.schools.selectors import division_students

from ..models import Attendance, ProgressMark, Session, StageReview

LEVEL_LABELS = {level.value: level.label for level in LsuLevel}
"""French LSU labels (1 → « Maîtrise insuffisante »…), used in drafted review texts."""

HELD_PLAN_STATUSES = [Plan.Status.PUBLISHED, Plan.Status.SUPERSEDED]
"""Plans whose groups may have met: the published one and those it replaced."""

# --------------------------------------------------------------------------- reviews


def _student_groups_in(students: list[Student], period: Period) -> dict[int, list[Group]]:
    """Groups of the period each student belongs to (published, or replaced after being held)."""
    by_student: dict[int, list[Group]] = defaultdict(list)
    assignments = Assignment.objects.filter(
        student__in=students,
        group__plan__period=period,
        group__plan__status__in=HELD_PLAN_STATUSES,
    ).select_related("group__module__competency", "group__plan")
    for assignment in assignments:
        by_student[assignment.student_id].append(assignment.group)
    return by_student


@dataclass
class _PeriodData:
    """What the period's sessions say about some students, read once for all of them."""

    groups: dict[int, list[Group]]
    held_by_group: dict[int, list[int]]
    attendance: dict[tuple[int, int], str]
    marks: dict[tuple[int, int], list[ProgressMark]]


def _period_data(students: list[Student], period: Period) -> _PeriodData:
    groups = _student_groups_in(students, period)
    group_ids = {g.pk for gs in groups.values() for g in gs}
    held_by_group: dict[int, list[int]] = defaultdict(list)
    for session_id, group_id in Session.objects.filter(
        group_id__in=group_ids, status=Session.Status.DONE
    ).values_list("pk", "group_id"):
        held_by_group[group_id].append(session_id)
    session_ids = [pk for ids in held_by_group.values() for pk in ids]
    attendance = {
        (session_id, student_id): status
        for session_id, student_id, status in Attendance.objects.filter(
            session_id__in=session_ids, student__in=students
        ).values_list("session_id", "student_id", "status")
    }
    marks: dict[tuple[int, int], list] = defaultdict(list)
    for mark in (
        ProgressMark.objects.filter(session_id__in=session_ids, student__in=students)
        .exclude(author_kind=ProgressMark.AuthorKind.PEER)
        .select_related("session")
        .order_by("session__date", "session__start_time", "pk")
    ):
        marks[(mark.student_id, mark.session.group_id)].append(mark)
    return _PeriodData(groups, held_by_group, attendance, marks)


def _module_facts(student: Student, data: _PeriodData) -> tuple[dict[int, dict], Counter]:
    """Per module the student followed: sessions held and attended, first and last levels;
    and the student's attendance statuses over all of them."""
    modules: dict[int, dict] = {}
    totals: Counter = Counter()
    for group in data.groups.get(student.pk, []):
        sessions = data.held_by_group.get(group.pk, [])
        if group.plan.status != Plan.Status.PUBLISHED and not sessions:
            continue
        module = modules.setdefault(
            group.module_id,
            {
                "code": group.module.code,
                "title": group.module.title,
                "objective": group.module.objective,
                "competency": group.module.competency.code,
                "held": 0,
                "attended": 0,
                "first_level": None,
                "last_level": None,
                "self_level": None,
            },
        )
        for session_id in sessions:
            status = data.attendance.get((session_id, student.pk), "unrecorded")
            totals[status] += 1
            module["held"] += 1
            if status in ("present", "late"):
                module["attended"] += 1
        for mark in data.marks.get((student.pk, group.pk), []):
            if mark.author_kind == ProgressMark.AuthorKind.TEACHER:
                module["first_level"] = module["first_level"] or mark.level
                module["last_level"] = mark.level
            else:
                module["self_level"] = mark.level
    return modules, totals


def _attendance_facts(totals: Counter) -> dict:
    held = sum(totals.values())
    attended = totals["present"] + totals["late"]
    return {
        "held": held,
        "attended": attended,
        "present": totals["present"],
        "late": totals["late"],
        "absent": totals["absent"],
        "excused": totals["excused"],
        "unrecorded": totals["unrecorded"],
        "rate": round(attended / held, 3) if held else None,
    }


def _strengths_and_next(
    modules: dict[int, dict], attendance: dict, needs: dict, competencies: dict[str, str]
) -> tuple[list[str], list[str]]:
    """Drafted texts: objectives reached and to consolidate, exemplary attendance, then the
    profile's needs by priority (deepening ones as strengths, at most 4 next steps)."""
    strengths, next_steps = [], []
    for module in modules.values():
        if (module["last_level"] or 0) >= 3:
            strengths.append(f"Objectif atteint : {module['objective']} ({module['title']}).")
        elif module["last_level"]:
            next_steps.append(f"Consolider : {module['objective']} ({module['title']}).")
    rate = attendance["rate"]
    if rate is not None and rate >= 0.95 and attendance["held"] >= 3:
        strengths.append("Assiduité exemplaire en accompagnement personnalisé.")
    worked = {m["competency"] for m in modules.values()}
    ranked = sorted(
        (
            (need.get("priority"), code, need)
            for code, need in needs.items()
            if need.get("priority") is not None
        ),
        key=lambda item: (item[0], item[1]),
    )
    for _priority, code, need in ranked:
        label = competencies.get(code, code)
        if need.get("kind") == "deepening":
            strengths.append(f"Peut approfondir : {label}.")
        elif len(next_steps) < 4 and code not in worked:
            next_steps.append(f"Travailler : {label}.")
    return strengths, next_steps


def review_facts(students: list[Student], period: Period) -> dict[int, dict]:
    """For each student, what the period's data says (JSON-ready; French texts)."""
    students = list(students)
    data = _period_data(students, period)
    profiles = {p.student_id: p.needs for p in NeedProfile.objects.filter(student__in=students)}
    competencies = {
        c.code: c.label
        for c in Competency.objects.filter(framework__school_id=period.year.school_id)
    }
    facts = {}
    for student in students:
        modules, totals = _module_facts(student, data)
        attendance = _attendance_facts(totals)
        strengths, next_steps = _strengths_and_next(
            modules, attendance, profiles.get(student.pk) or {}, competencies
        )
        facts[student.pk] = {
            "modules": list(modules.values()),
            "attendance": attendance,
            "strengths": strengths,
            "next": next_steps,
        }
    return facts


def division_reviews(
    division: Division, period: Period
) -> list[tuple[Student, StageReview | None]]:
    # The division's pupils of its own year (its enrolments when that year is not current).
    students = list(division_students(division))
    reviews = {
        r.student_id: r for r in StageReview.objects.filter(period=period, student__in=students)
    }
    return [(s, reviews.get(s.pk)) for s in students]


def visible_reviews(student: Student, *, staff: bool) -> QuerySet[StageReview]:
    reviews = student.stage_reviews.select_related("period__year").order_by(
        "-period__year__start_year", "-period__number"
    )
    return reviews if staff else reviews.filter(status=StageReview.Status.VALIDATED)
