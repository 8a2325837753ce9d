"""The dashboards read summaries, not the raw records.

A :class:`~appui.steering.models.Summary` row holds, for one scope (school year, optionally a
level, a division or a period), the headline value of every indicator and the dashboard's
sections, computed at the school's *data version* for one day. The version
(:class:`~appui.steering.models.SummaryState`) grows by one — a single ``UPDATE`` — whenever a
record the indicators read changes: the model signals connected by :func:`connect_signals`,
and :data:`appui.schools.changes.records_changed` sent by the services that write in bulk.

- :func:`sections_for` gives a dashboard's sections: from the summary when it is fresh (same
  version, same day), else computed from the records as before, stored, and a refresh of the
  school's common scopes queued (:func:`enqueue_refresh`), so the next visitors read it.
- :func:`academy_rows` reads only the school-scope summaries (one query per table, whatever the
  number of schools): a school whose summary is stale or missing shows its last values and a
  refresh is queued; nothing is computed from the records during the request.
- :func:`refresh_school` recomputes a school's common scopes (``manage.py refresh_summaries``,
  the ``steering.refresh`` job).

Sections are stored as JSON and read back exactly: decimals and dates are tagged, the people
and milestones a section lists are stored by key and read again from the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import deque
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import F, Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from appui.core import indicators as ind
from appui.core.indicators import Share
from appui.core.io.tabular import Column
from appui.core.text import with_elision
from appui.schools.changes import records_changed
from appui.schools.models import Level, Period, School, SchoolYear, Student
from appui.schools.replica import DEFAULT as DEFAULT_DB
from appui.schools.replica import dashboard_alias
from appui.schools.selectors import current_year

from . import dashboard, selectors
from .dashboard import AcademyEntry, Bar, Section
from .models import Milestone, Summary, SummaryState

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------- data version

WATCHED = [
    # What ``dashboard.compute`` reads (``steering.selectors`` and the followup records), and
    # what the results kept by ``appui.schools.computed`` read (the hours, the LSU preview,
    # a plan's board and the inputs of its evaluation, the coordinator's to-do list).
    "schools.SchoolYear",
    "schools.Period",
    "schools.Level",
    "schools.Division",
    "schools.Student",
    "schools.Enrolment",
    "schools.Staff",
    "schools.Membership",
    "schools.Subject",
    "schools.Teaching",
    "planning.Module",
    "planning.Room",
    "planning.Slot",
    "planning.Round",
    "planning.Partner",
    "planning.Resource",
    "planning.Plan",
    "planning.Group",
    "planning.Assignment",
    "followup.Session",
    "followup.Attendance",
    "followup.ProgressMark",
    "followup.StageReview",
    "diagnostics.Competency",
    "diagnostics.Result",
    "diagnostics.NeedProfile",
    "tutoring.Tutor",
    "tutoring.Tutorship",
    "tutoring.TutorMeeting",
    "steering.Target",
    "steering.Milestone",
    "steering.Meeting",
    "steering.Decision",
    "steering.Action",
    "steering.Survey",
    "steering.Question",
    "steering.ScaleCount",
    "steering.Participation",
    "steering.Outcome",
    "steering.TrainingAction",
    "steering.PilotageRole",
    "interop.LsuSettings",
    "interop.LsuCouncil",
    "interop.LsuReport",
    "interop.LsuAssessment",
]
"""The models whose rows the indicators and the kept results read; a save or delete of one
bumps its school."""

BULK_DELETED = {"diagnostics.NeedProfile"}
"""Models only deleted in bulk by a service that says so (``records_changed``): no
``post_delete`` receiver, which would make Django fetch and signal every row."""


def _school_path(model: type[Model]) -> list[str] | None:
    """The shortest chain of foreign keys from ``model`` to its school (None: no such chain)."""
    queue: deque[tuple[type[Model], list[str]]] = deque([(model, [])])
    seen = {model}
    while queue:
        current, path = queue.popleft()
        if current is School:
            return path
        for f in current._meta.get_fields():
            target = f.related_model
            if target is None or target in seen:
                continue
            if (f.many_to_one or f.one_to_one) and f.concrete:
                seen.add(target)
                queue.append((target, [*path, f.name]))
    return None


_PATHS: dict[type[Model], list[str]] = {}


def _transaction_memo() -> dict | None:
    """What this transaction already did (schools bumped, schools looked up), or None
    outside a transaction. The memo lives as long as its ``on_commit`` marker: Django drops
    the marker when the transaction (or the savepoint it was set in) commits or rolls back,
    so a memo never outlives what it remembers."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        return None
    memo = getattr(conn, "_summaries_memo", None)
    if memo is not None and _pending(memo["marker"]):
        return memo

    def marker() -> None:
        conn._summaries_memo = None

    memo = {"marker": marker, "bumped": {}, "schools": {}}
    conn._summaries_memo = memo
    transaction.on_commit(marker)
    return memo


def _pending(marker) -> bool:
    """Whether ``marker`` (an ``on_commit`` callback) still waits for the commit: Django drops
    it when its transaction, or the savepoint it was registered in, is rolled back."""
    return any(entry[1] is marker for entry in transaction.get_connection().run_on_commit)


def school_of(instance: Model) -> int | None:
    """The school an instance of a watched model belongs to (one query at most, none for a
    parent already looked up in this transaction)."""
    path = _PATHS.get(type(instance)) or _school_path(type(instance))
    if not path:
        return None
    first: Any = instance._meta.get_field(path[0])
    ref = getattr(instance, first.attname)
    if ref is None:
        return None
    if len(path) == 1:
        return ref
    related = first.related_model
    memo = _transaction_memo()
    if memo is not None and (related, ref) in memo["schools"]:
        return memo["schools"][(related, ref)]
    school_id = (
        related._default_manager.filter(pk=ref).values_list("__".join(path[1:]), flat=True).first()
    )
    if memo is not None:
        memo["schools"][(related, ref)] = school_id
    return school_id


def bump(school_id: int) -> None:
    """The school's records changed: its summaries are stale from now on. Within one
    transaction the school is bumped once (until a summary is stored in it). A school with no
    state has no summary yet (:func:`versions` creates the state before any is computed), and
    a school being deleted lost its state: nothing to do for either."""
    memo = _transaction_memo()
    if memo is not None:
        done = memo["bumped"].get(school_id)
        if done is not None and _pending(done):  # bumped, and not rolled back since
            return
    SummaryState.objects.filter(school_id=school_id).update(
        version=F("version") + 1, changed_at=timezone.now()
    )
    if memo is not None:

        def bumped() -> None:
            """Marks this bump: gone if its savepoint rolls back."""

        memo["bumped"][school_id] = bumped
        transaction.on_commit(bumped)


def forget_bumps() -> None:
    """A summary was stored at the current version: the next change must bump again."""
    memo = _transaction_memo()
    if memo is not None:
        memo["bumped"].clear()


def versions(school_ids, *, using: str = DEFAULT_DB) -> dict[int, int]:
    """The data version of each school, its state created (version 0) if it had none: read
    before the records a summary is computed from, so a later change always bumps it.

    ``using`` reads the versions from that database (the académie's read replica, with the
    summaries read there: both as of the same moment); a missing state is still created on
    the primary."""
    school_ids = list(school_ids)
    found = dict(
        SummaryState.objects.using(using)
        .filter(school_id__in=school_ids)
        .values_list("school_id", "version")
    )
    missing = [pk for pk in school_ids if pk not in found]
    if missing:
        SummaryState.objects.bulk_create(
            [SummaryState(school_id=pk) for pk in missing], ignore_conflicts=True
        )
        found.update(
            SummaryState.objects.filter(school_id__in=missing).values_list("school_id", "version")
        )
    return {pk: found.get(pk, 0) for pk in school_ids}


def _on_change(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # fixtures
        return
    school_id = school_of(instance)
    if school_id is not None:
        bump(school_id)


def _on_m2m(sender, instance, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _on_change(sender, instance)


def _on_records_changed(sender, school_id: int, **kwargs) -> None:
    bump(school_id)


def _on_school_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A school's own fields (its holiday zone: the dates of every slot) changed."""
    if not (raw or created):
        bump(instance.pk)


def connect_signals() -> None:
    """Connect the version bumps (``SteeringConfig.ready``)."""
    for label in WATCHED:
        model = apps.get_model(label)
        path = _school_path(model)
        if path is None:
            raise LookupError(f"{label}: no foreign key leads to a school.")
        _PATHS[model] = path
        uid = f"summaries:{label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid + ":save")
        if label not in BULK_DELETED:
            post_delete.connect(_on_change, sender=model, dispatch_uid=uid + ":delete")
        for m2m in model._meta.many_to_many:
            m2m_changed.connect(
                _on_m2m, sender=m2m.remote_field.through, dispatch_uid=f"{uid}:{m2m.name}"
            )
    records_changed.connect(_on_records_changed, dispatch_uid="summaries:records_changed")
    post_save.connect(_on_school_saved, sender=School, dispatch_uid="summaries:school")


# --------------------------------------------------------------------------- JSON


def _encode(value: Any) -> Any:
    """A value of a section as JSON; decimals and dates tagged to come back as they were."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"$map": [[_encode(k), _encode(v)] for k, v in value.items()]}
    raise TypeError(f"Cannot store {type(value).__name__} in a summary.")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if "$d" in value:
            return Decimal(value["$d"])
        if "$dt" in value:
            return dt.datetime.fromisoformat(value["$dt"])
        if "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        if "$map" in value:
            return {_decode(k): _decode(v) for k, v in value["$map"]}
    return value


_BAR_FIELDS = [f.name for f in fields(Bar)]


def section_to_json(section: Section) -> dict:
    """A section as stored (its download links are the page's, not stored)."""
    names: dict | None = None
    if section.names:
        first = section.names[0]
        kind = "student" if isinstance(first, Student) else "milestone"
        if not all(
            isinstance(n, Student if kind == "student" else Milestone) for n in section.names
        ):
            raise TypeError(f"{section.key}: cannot store the names of this section.")
        names = {"kind": kind, "pks": [n.pk for n in section.names]}
    return {
        "key": section.key,
        "title": str(section.title),
        "seeds": str(section.seeds),
        "formula": str(section.formula),
        "headline": str(section.headline),
        "detail": str(section.detail),
        "bars": [[_encode(getattr(bar, name)) for name in _BAR_FIELDS] for bar in section.bars],
        "legend": [[str(css), str(label)] for css, label in section.legend],
        "columns": [[c.key, str(c.header), c.width] for c in section.columns],
        "rows": [{k: _encode(v) for k, v in row.items()} for row in section.rows],
        "notes": [str(note) for note in section.notes],
        "names": names,
        "empty": str(section.empty),
    }


def _names(stored: dict | None) -> list:
    if not stored:
        return []
    pks = stored["pks"]
    if stored["kind"] == "student":
        return list(selectors.student_names(pks).values())
    by_pk = Milestone.objects.in_bulk(pks)
    return [by_pk[pk] for pk in pks if pk in by_pk]


def section_from_json(data: dict) -> Section:
    return Section(
        key=data["key"],
        title=data["title"],
        seeds=data["seeds"],
        formula=data["formula"],
        headline=data["headline"],
        detail=data["detail"],
        bars=[Bar(**dict(zip(_BAR_FIELDS, _decode(b), strict=True))) for b in data["bars"]],
        legend=[(css, label) for css, label in data["legend"]],
        columns=[Column(key, header, width) for key, header, width in data["columns"]],
        rows=[{k: _decode(v) for k, v in row.items()} for row in data["rows"]],
        notes=list(data["notes"]),
        names=_names(data["names"]),
        empty=data["empty"],
    )


def value_to_json(value: ind.Value) -> dict | None:
    """A headline value: a share keeps its part and whole, a rate its digits."""
    if value is None:
        return None
    if isinstance(value, Share):
        return {"part": value.part, "whole": value.whole, "value": _encode(value.rate)}
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"Cannot store {type(value).__name__} as a headline value.")
    if isinstance(value, int):
        return {"count": value, "value": value}
    return {"value": _encode(value)}


def value_from_json(data: dict | None) -> ind.Value:
    if data is None:
        return None
    if "whole" in data:
        return Share(data["part"], data["whole"])
    if "count" in data:
        return int(data["count"])
    return _decode(data["value"])


# --------------------------------------------------------------------------- storing, reading


FORMAT = 2
"""The summaries' format: raise it when what a summary stores changes."""


def fingerprint() -> str:
    """The indicators and sections a summary was drawn with (declarations and format): a
    deployment that changes them reads other rows, never a summary drawn by older code."""
    described = repr(
        (
            FORMAT,
            [
                (s.key, str(s.label), s.section, str(s.formula), s.academy, s.people)
                for s in ind.INDICATORS.values()
            ],
            sorted(dashboard.BUILDERS),
        )
    )
    return hashlib.sha256(described.encode()).hexdigest()[:10]


def scope_key(scope: selectors.Scope, language: str | None = None) -> str:
    """The row of a scope: its year, level, division and period, the page's language and the
    :func:`fingerprint` of the code that draws it."""
    parts = [
        f"y{scope.year.pk}",
        f"l{scope.level.pk if scope.level else '-'}",
        f"d{scope.division.pk if scope.division else '-'}",
        f"p{scope.period.pk if scope.period else '-'}",
        language or translation.get_language() or "",
        fingerprint(),
    ]
    return ":".join(parts)


def cacheable(scope: selectors.Scope) -> bool:
    """A dashboard scope a summary is kept for (not a coordinator's partial view of a school)."""
    return not scope.allowed_level_ids


@dataclass
class Dashboard:
    """A dashboard as read: its sections and headline values, and whether they came from a
    fresh summary (``computed_at`` says when)."""

    sections: list[Section]
    headlines: dict[str, ind.Value]
    from_summary: bool
    computed_at: dt.datetime | None = None
    stale: bool = False
    periods: dict = field(default_factory=dict)


def store(scope: selectors.Scope, version: int) -> Dashboard:
    """Compute the scope from the records and keep it as the summary of ``version``."""
    results = dashboard.compute(scope)
    sections = dashboard.all_school_sections(results)
    headlines = dashboard.headline_shares(results)
    now = timezone.now()
    if cacheable(scope):
        forget_bumps()
        Summary.objects.update_or_create(
            key=scope_key(scope),
            defaults={
                "school": scope.school,
                "year": scope.year,
                "level": scope.level,
                "division": scope.division,
                "period": scope.period,
                "language": translation.get_language() or "",
                "as_of": scope.today,
                "data_version": version,
                "computed_at": now,
                "headlines": {k: value_to_json(v) for k, v in headlines.items()},
                "sections": [section_to_json(s) for s in sections],
            },
        )
    return Dashboard(sections=sections, headlines=headlines, from_summary=False, computed_at=now)


def is_fresh(summary: Summary, version: int, today: dt.date) -> bool:
    return summary.data_version == version and summary.as_of == today


def sections_for(scope: selectors.Scope, *, refresh: bool = True) -> Dashboard:
    """The dashboard of ``scope``: read from its summary when fresh; else computed from the
    records, stored, and (``refresh``) a refresh of the school's common scopes queued."""
    if not cacheable(scope):
        results = dashboard.compute(scope)
        return Dashboard(
            sections=dashboard.all_school_sections(results),
            headlines=dashboard.headline_shares(results),
            from_summary=False,
        )
    # The version is read before the records: a change committed meanwhile makes the stored
    # summary stale rather than wrongly fresh.
    version = versions([scope.school.pk])[scope.school.pk]
    summary = Summary.objects.filter(key=scope_key(scope), school=scope.school).first()
    if summary is not None and is_fresh(summary, version, scope.today):
        return Dashboard(
            sections=[section_from_json(s) for s in summary.sections],
            headlines={k: value_from_json(v) for k, v in summary.headlines.items()},
            from_summary=True,
            computed_at=summary.computed_at,
        )
    computed = store(scope, version)
    if refresh:
        enqueue_refresh([scope.school])
    return computed


def target_rows(scope: selectors.Scope) -> list[dict]:
    """Every target of the scope with its measured value and status, as the dashboard's
    « targets » section has them: read from the scope's summary when fresh (computed and
    stored otherwise, like the dashboard), never from the raw records when it is fresh."""
    section = next(s for s in sections_for(scope).sections if s.key == "targets")
    measured = {row["target_id"]: row["measured"] for row in section.rows}
    return [
        dashboard.target_row(target, measured.get(target.pk)) for target in selectors.targets(scope)
    ]


def common_scopes(school: School, year: SchoolYear, today: dt.date) -> list[selectors.Scope]:
    """The scopes most visited: the whole school (all periods, then each period) and each
    level over all periods."""
    scopes = [selectors.Scope(school=school, year=year, today=today)]
    scopes += [
        selectors.Scope(school=school, year=year, today=today, period=period)
        for period in Period.objects.filter(year=year).order_by("number")
    ]
    scopes += [
        selectors.Scope(school=school, year=year, today=today, level=level)
        for level in Level.objects.filter(year=year).order_by("order", "pk")
    ]
    return scopes


def refresh_school(school: School, *, today: dt.date | None = None, force: bool = False) -> int:
    """Recompute the school's common scopes of its current year that are not fresh (all of
    them with ``force``); the number recomputed."""
    year = current_year(school)
    if year is None:
        return 0
    today = today or timezone.localdate()
    version = versions([school.pk])[school.pk]
    fresh = set()
    if not force:
        fresh = {
            s.key
            for s in Summary.objects.filter(school=school, year=year).only(
                "key", "data_version", "as_of"
            )
            if is_fresh(s, version, today)
        }
    # Rows drawn by other code (a deployment since) are never read again.
    Summary.objects.filter(school=school).exclude(key__endswith=f":{fingerprint()}").delete()
    done = 0
    for scope in common_scopes(school, year, today):
        if scope_key(scope) in fresh:
            continue
        store(scope, version)
        done += 1
    return done


@task()
def refresh_summaries(school_ids: list[int], job_id: int | None = None) -> str:
    """The ``steering.refresh`` job: the common dashboard scopes of schools recomputed."""
    from appui.jobs.services import job_progress

    with job_progress(job_id) as job:
        if job.skip:
            return "skipped"
        schools = list(School.objects.filter(pk__in=school_ids).order_by("pk"))
        done = 0
        for number, school in enumerate(schools):
            job.step(number, len(schools), school.name)
            done += refresh_school(school)
        job.finish(
            summary=ngettext(
                "Dashboards brought up to date: %(n)s view recomputed.",
                "Dashboards brought up to date: %(n)s views recomputed.",
                done,
            )
            % {"n": done}
        )
        return "done"


def enqueue_refresh(schools: list[School]):
    """Queue the refresh of schools' summaries: one job per school (``summaries:<pk>``), or
    one for several (the académie view); a refresh already queued is not queued again."""
    from appui.jobs.services import start_job

    if not schools:
        return None
    pks = sorted(s.pk for s in schools)
    if len(pks) == 1:
        key = f"summaries:{pks[0]}"
        title = with_elision(
            _("Dashboards of %(school)s brought up to date") % {"school": schools[0].name},
            schools[0].name,
        )
    else:
        digest = hashlib.sha256(",".join(map(str, pks)).encode()).hexdigest()[:16]
        key = f"summaries:academy:{digest}"
        title = ngettext(
            "Dashboards of %(n)s school brought up to date",
            "Dashboards of %(n)s schools brought up to date",
            len(pks),
        ) % {"n": len(pks)}
    return start_job(
        "steering.refresh",
        key,
        refresh_summaries,
        pks,
        title=title,
        school=schools[0] if len(pks) == 1 else None,
    )


# --------------------------------------------------------------------------- académie


def _values(headlines: dict) -> dict[str, ind.Value]:
    return {k: value_from_json(v) for k, v in headlines.items()}


def academy_rows(schools: list[School], *, refresh: bool = True) -> list[AcademyEntry]:
    """The académie view's data, read from the school-scope summaries only: a fixed number
    of queries whatever the number of schools. A school whose summary is missing or stale
    keeps its last values, is marked ``stale`` and (``refresh``) a refresh is queued."""
    today = timezone.localdate()
    # The académie's read replica when there is one (appui.schools.replica): these reads
    # cover every school, and a summary a moment old is what this page shows anyway.
    db = dashboard_alias()
    by_pk = {s.pk: s for s in schools}
    years = {
        y.school_id: y
        for y in SchoolYear.objects.using(db).filter(school__in=list(by_pk), is_current=True)
    }
    current = versions(list(by_pk), using=db)
    # Plain tuples, not model instances: a hundred schools have over a thousand rows.
    found = (
        Summary.objects.using(db)
        .filter(
            year__in=list(years.values()),
            level__isnull=True,
            division__isnull=True,
            key__endswith=f":{fingerprint()}",
        )
        .values_list(
            "school_id",
            "period_id",
            "period__name",
            "period__number",
            "as_of",
            "data_version",
            "headlines",
            "language",
        )
    )
    language = translation.get_language() or ""
    # Per school and period (None: the whole year), the row in the page's language if any.
    chosen: dict[tuple[int, int | None], tuple] = {}
    for row in found:
        key = (row[0], row[1])
        if key not in chosen or row[7] == language:
            chosen[key] = row
    whole: dict[int, tuple] = {}
    periods: dict[int, list[tuple]] = {}
    for (school_id, period_id), row in chosen.items():
        if period_id is None:
            whole[school_id] = row
        else:
            periods.setdefault(school_id, []).append(row)
    rows = []
    to_refresh: list[School] = []
    for school in schools:
        year = years.get(school.pk)
        if year is None:  # no current year: nothing to compare
            continue
        summary = whole.get(school.pk)
        stale = (
            summary is None
            or summary[5] != current[school.pk]  # data_version
            or summary[4] != today  # as_of
        )
        if stale:
            to_refresh.append(school)
        rows.append(
            AcademyEntry(
                school=school,
                values=_values(summary[6]) if summary else None,
                by_period=[
                    (row[2], _values(row[6]))
                    for row in sorted(periods.get(school.pk, []), key=lambda row: row[3])
                ],
                stale=stale,
            )
        )
    if refresh and to_refresh:
        enqueue_refresh(to_refresh)
    return rows
