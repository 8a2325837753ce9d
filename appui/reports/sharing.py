"""The académie's shared module catalogue (issue 19, item 7; seed 000: « les actions
pédagogiques remarquables … valorisées »): publish a module's snapshot, withdraw it, copy it into
another school of the académie, and read how modules spread.

The models live in planning (``appui.planning.models_sharing``); this service lives in reports
because a snapshot's results come from follow-up (:func:`module_results`) and are anonymised
exactly as the public page of a remarkable action shows them (:class:`PublicFigures`). A
snapshot never holds a name: the texts a coordinator shares are checked against the names of
the school's pupils and staff, partners are shared by kind only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from appui.core.indicators import Share, is_detailed, suppress
from appui.core.indicators import attendance as attendance_share
from appui.core.text import fold
from appui.diagnostics.models import Competency
from appui.followup.models import Session
from appui.followup.selectors.modules import held, held_groups, module_results
from appui.followup.selectors.records import session_records
from appui.planning.forms import ModuleForm
from appui.planning.models import Assignment, Group, Module, Partner, SharedModule, SharedModuleCopy
from appui.planning.services import catalogue_save
from appui.schools.models import Academy, School, SchoolYear, Staff, Student

from .views_modules import PublicFigures

#: The fields of a snapshot a coordinator sees in the preview and another school reads.
TEXT_FIELDS = ("title", "objective", "success_indicators", "session_plan")


class NamesFound(ValidationError):
    """A text to share names a pupil or a staff member of the school."""


# ----------------------------------------------------------------------------- the snapshot


def _share_json(share: Share | None) -> dict | None:
    return None if share is None else {"part": share.part, "whole": share.whole}


def share_of(value: dict | None) -> Share | None:
    """A snapshot's stored share back as a :class:`Share` (None: suppressed or nothing)."""
    return None if not value else Share(value["part"], value["whole"])


def anonymised_results(module: Module, year: SchoolYear | None, today: dt.date) -> dict:
    """The module's results over ``year`` as the académie may read them: the public page's
    figures (:class:`PublicFigures`: counts of 1 to 4 people and shares over fewer than 5
    people are None), as JSON."""
    figures = PublicFigures.of(module_results(module, year, today))
    return {
        "year": year.label if year else "",
        "groups": figures.groups,
        "students": figures.students,
        "sessions_held": figures.sessions_held,
        "attendance": _share_json(figures.attendance),
        "secure_before": _share_json(figures.secure_before),
        "secure_after": _share_json(figures.secure_after),
        "levels": [
            {"value": level[0], "code": level[1], "before": before, "after": after}
            for level, before, after in figures.levels
        ],
    }


def default_session_plan(module: Module, year: SchoolYear | None) -> str:
    """A first plan of sessions to share: the plans of work of the module's most recent held
    group this year, one line per session (the coordinator edits it before publishing)."""
    if year is None:
        return ""
    group = held_groups(module, year).order_by("-plan__period__number", "-pk").first()
    if group is None:
        return ""
    plans = (
        Session.objects.filter(group=group)
        .exclude(status=Session.Status.CANCELLED)
        .exclude(plan_of_work="")
        .order_by("date", "start_time")
        .values_list("plan_of_work", flat=True)
    )
    return "\n".join(
        _("Session %(n)s: %(plan)s") % {"n": n, "plan": " ".join(plan.split())}
        for n, plan in enumerate(plans, start=1)
    )


@dataclass
class Snapshot:
    """What publishing ``module`` will share, field by field (the preview shows exactly this)."""

    code: str
    title: str
    objective: str
    kind: str
    competency_code: str
    competency_label: str
    sessions: int
    min_size: int
    max_size: int
    success_indicators: str
    session_plan: str
    partner_kinds: list[str]
    results: dict = field(default_factory=dict)

    def fields(self) -> dict:
        return dict(self.__dict__)

    @property
    def kind_label(self) -> str:
        return str(Module.Kind(self.kind).label)


def snapshot_of(
    module: Module, *, session_plan: str, year: SchoolYear | None, today: dt.date
) -> Snapshot:
    """The snapshot of ``module`` with ``session_plan`` as the coordinator wrote it."""
    results = module_results(module, year, today)
    return Snapshot(
        code=module.code,
        title=module.title,
        objective=module.objective,
        kind=module.kind,
        competency_code=module.competency.code,
        competency_label=module.competency.label,
        sessions=module.sessions,
        min_size=module.min_size,
        max_size=module.max_size,
        success_indicators=module.success_indicators,
        session_plan="\n".join(line.rstrip() for line in session_plan.strip().splitlines()),
        # Kinds of the partners (module's and sessions'), sorted, never a name or a contact.
        partner_kinds=sorted({partner.kind for partner in results.partners}),
        results=anonymised_results(module, year, today),
    )


def names_in(texts: list[str], school: School) -> list[str]:
    """The pupils' and staff members' full names of ``school`` that ``texts`` contain (first
    and last name in either order, accents and case ignored)."""
    haystack = f" {' '.join(re.sub(r'[^a-z0-9]+', ' ', fold(t)) for t in texts)} "
    found = set()
    people = list(Student.objects.filter(school=school).values_list("first_name", "last_name"))
    people += list(Staff.objects.filter(school=school).values_list("first_name", "last_name"))
    for first, last in people:
        first_f, last_f = (re.sub(r"[^a-z0-9]+", " ", fold(n or "")).strip() for n in (first, last))
        if not first_f or not last_f:
            continue
        if f" {first_f} {last_f} " in haystack or f" {last_f} {first_f} " in haystack:
            found.add(f"{first} {last}")
    return sorted(found)


def check_no_names(snapshot: Snapshot, school: School) -> None:
    """Refuse (``NamesFound``) a snapshot whose texts name a pupil or a staff member."""
    found = names_in([getattr(snapshot, name) for name in TEXT_FIELDS], school)
    if found:
        raise NamesFound(
            _(
                "The texts to share name people of the school (%(names)s): "
                "remove every name before publishing."
            )
            % {"names": ", ".join(found)}
        )


# ----------------------------------------------------------------------------- writes


@transaction.atomic
def shared_module_publish(
    *, module: Module, user, session_plan: str, year: SchoolYear | None, today: dt.date
) -> SharedModule:
    """Publish ``module`` to its school's académie, or update its snapshot (version + 1)."""
    school = module.school
    if school.academy_id is None:
        raise ValidationError(_("This school belongs to no académie."))
    snapshot = snapshot_of(module, session_plan=session_plan, year=year, today=today)
    check_no_names(snapshot, school)
    shared = SharedModule.objects.select_for_update().filter(module=module).first()
    values = snapshot.fields() | {
        "academy_id": school.academy_id,
        "school": school,
        "published_by": user,
        "published_at": timezone.now(),
        "withdrawn_at": None,
    }
    if shared is None:
        return SharedModule.objects.create(module=module, version=1, **values)
    for name, value in values.items():
        setattr(shared, name, value)
    shared.version += 1
    shared.save()
    return shared


@transaction.atomic
def shared_module_withdraw(*, shared: SharedModule) -> None:
    """Hide ``shared`` from the catalogue (its copies stay in the schools that made them)."""
    SharedModule.objects.filter(pk=shared.pk, withdrawn_at=None).update(withdrawn_at=timezone.now())


def matching_competency(shared: SharedModule, school: School) -> Competency | None:
    """The competency of ``school`` with the shared module's code (its newest framework)."""
    return (
        Competency.objects.filter(
            framework__school=school, retired=False, code=shared.competency_code
        )
        .order_by("-framework__created_at", "-pk")
        .first()
    )


def free_code(code: str, school: School) -> str:
    """``code``, or ``code-2``, ``code-3``… : the first one no module of ``school`` has."""
    taken = set(Module.objects.filter(school=school).values_list("code", flat=True))
    base = code.strip().upper()[:26]
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def shared_module_copy(
    *, shared: SharedModule, school: School, user, competency: Competency, code: str
) -> Module:
    """Create a module in ``school`` from ``shared``: not offered until reviewed, no staff,
    no partner (they are the source school's). Saved through the catalogue's own form and
    service, so the copy obeys every rule of a module typed by hand."""
    form = ModuleForm(
        data={
            "code": code,
            "title": shared.title,
            "objective": shared.objective,
            "competency": competency.pk,
            "kind": shared.kind,
            "sessions": shared.sessions,
            "success_indicators": shared.success_indicators,
            "min_size": shared.min_size,
            "max_size": shared.max_size,
            "room_needs": "",
            "public_summary": "",
        },
        instance=Module(school=school),
        school=school,
    )
    if not form.is_valid():
        raise ValidationError([str(e) for errors in form.errors.values() for e in errors])
    catalogue_save(form=form, version=None)
    module: Module = form.instance
    SharedModuleCopy.objects.create(
        shared=shared,
        school=school,
        module=module,
        version=shared.version,
        copied_by=user,
        copied_at=timezone.now(),
    )
    return module


# ----------------------------------------------------------------------------- reads


def listed(academy: Academy | int | None) -> QuerySet[SharedModule]:
    """The entries of an académie's catalogue (withdrawn ones hidden)."""
    if academy is None:
        return SharedModule.objects.none()
    return SharedModule.objects.filter(academy=academy, withdrawn_at=None).select_related("school")


def search(queryset: QuerySet[SharedModule], *, query: str = "", kind: str = "", school=None):
    """Entries whose title, objective, competency code or kind match every word of ``query``."""
    for word in query.split():
        kinds = [value for value, label in Module.Kind.choices if word.lower() in str(label)]
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(objective__icontains=word)
            | Q(competency_code__icontains=word)
            | Q(competency_label__icontains=word)
            | Q(kind__icontains=word)
            | Q(kind__in=kinds)
        )
    if kind:
        queryset = queryset.filter(kind=kind)
    if school:
        queryset = queryset.filter(school_id=school)
    return queryset


@dataclass
class CopiesResults:
    """What the copies of one shared module gave, added up: no school, no name."""

    schools: list[School] = field(default_factory=list)
    copies: int = 0
    groups: int = 0
    students: int = 0
    attendance: Share = Share(0, 0)

    @property
    def students_shown(self) -> int | None:
        return suppress(self.students)

    @property
    def attendance_shown(self) -> Share | None:
        detailed = is_detailed(self.students) and not self.attendance.suppressed()
        return self.attendance if detailed else None


@dataclass
class Diffusion:
    shared: SharedModule
    copies: CopiesResults

    @property
    def source_attendance(self) -> Share | None:
        return share_of(self.shared.results.get("attendance"))


def diffusion(academy: Academy, today: dt.date) -> list[Diffusion]:
    """Every module published in ``academy`` (withdrawn ones too: their copies live on), with
    its copies and what they gave since: groups run (held), pupils served and attendance,
    added over the copies — a fixed number of queries whatever the number of modules."""
    shared_modules = list(
        SharedModule.objects.filter(academy=academy)
        .select_related("school")
        .order_by("withdrawn_at", "title", "pk")
    )
    copies = list(
        SharedModuleCopy.objects.filter(shared__in=shared_modules)
        .select_related("school")
        .order_by("copied_at", "pk")
    )
    by_shared: dict[int, CopiesResults] = defaultdict(CopiesResults)
    shared_of_module: dict[int, int] = {}
    for copy in copies:
        result = by_shared[copy.shared_id]
        result.copies += 1
        if copy.school not in result.schools:
            result.schools.append(copy.school)
        if copy.module_id:
            shared_of_module[copy.module_id] = copy.shared_id
    groups = list(
        held(Group.objects.filter(module_id__in=shared_of_module)).values_list("pk", "module_id")
    )
    shared_of_group = {pk: shared_of_module[module_id] for pk, module_id in groups}
    for shared_id in shared_of_group.values():
        by_shared[shared_id].groups += 1
    members: dict[int, set[int]] = defaultdict(set)
    for group_id, student_id in Assignment.objects.filter(group_id__in=shared_of_group).values_list(
        "group_id", "student_id"
    ):
        members[shared_of_group[group_id]].add(student_id)
    for shared_id, students in members.items():
        by_shared[shared_id].students = len(students)
    records: dict[int, list] = defaultdict(list)
    for record in session_records(list(shared_of_group)).all:
        records[shared_of_group[record.group]].append(record)
    for shared_id, shared_records in records.items():
        by_shared[shared_id].attendance = attendance_share(shared_records, as_of=today)
    return [Diffusion(shared=s, copies=by_shared[s.pk]) for s in shared_modules]


def partner_kind_labels(kinds: list[str]) -> list[str]:
    labels = dict(Partner.Kind.choices)
    return [str(labels.get(kind, kind)) for kind in kinds]
