"""Writing to and reading the audit trail (django-auditlog's ``LogEntry`` + ``StudentLink``).

Ordinary saves and deletes of tracked models (``tracked.py``) are logged by auditlog's
signals, with the user the ``AuditMiddleware`` put in the context; ``connect()`` adds the
pupil links to each of those entries. Bulk writes (``bulk_create``, ``bulk_update``,
``QuerySet.update``) send no signal, so the services that use them call this module — one
place, a couple of queries per batch whatever its size:

- ``record_created(objs)`` after a ``bulk_create``;
- ``record_updates(objs, fields)`` *before* a ``bulk_update`` (it reads the stored values);
- ``record(pairs)`` for any (before, after) pairs a service already holds;
- ``record_moves(subject, before, after)`` for a whole plan's placements replaced at once
  (a solve, a restore): one entry per operation, naming each pupil whose group changed;
- ``muted()`` around writes whose per-row signals would be redundant with one of the above;
- ``record_access(notes)`` when restricted notes are shown (auditlog's ACCESS action).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled, auditlog_value, disable_auditlog
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from auditlog.signals import post_log, pre_log
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.db.models.signals import pre_save
from django.utils import timezone
from django.utils.text import capfirst

from .models import StudentLink
from .tracked import students_of, tracking

Action = LogEntry.Action
_MARK = "appui.audit"
BATCH = 500


# --------------------------------------------------------------------------- signals


def _pre_log(sender, instance, action, **kwargs):
    # The pupils are read before the entry is written; auditlog hands this value to the
    # post_log receivers (``pre_log_results``).
    if tracking(sender) is None:
        return None
    try:
        return (_MARK, students_of(instance))
    except models.ObjectDoesNotExist:
        return (_MARK, [])


def _post_log(sender, instance, log_entry=None, pre_log_results=(), **kwargs):
    if log_entry is None:
        return
    for _receiver, result in pre_log_results:
        if isinstance(result, tuple) and result and result[0] == _MARK:
            _link([log_entry], [result[1]])


def connect() -> None:
    pre_log.connect(_pre_log, dispatch_uid="appui.audit.pre_log")
    post_log.connect(_post_log, dispatch_uid="appui.audit.post_log")


# --------------------------------------------------------------------------- writing


def _context() -> dict[str, Any]:
    """Who is acting (set per request by the middleware; nobody in a command).

    auditlog leaves its context variable set after its context manager exits (only the
    signal it connected is removed), so the value counts only while that signal is still
    connected: a stale user from an earlier request is never written.
    """
    try:
        data = auditlog_value.get()
    except LookupError:
        return {}
    duid = data.get("signal_duid")
    if not any(key[0] == duid for key, *_rest in pre_save.receivers):
        return {}
    actor = data.get("actor")
    return {
        "actor": actor,
        "actor_email": getattr(actor, "email", None) if actor is not None else None,
        "remote_addr": data.get("remote_addr"),
        "remote_port": data.get("remote_port"),
    }


def _disabled() -> bool:
    try:
        return auditlog_disabled.get()
    except LookupError:
        return False


def _repr(obj: models.Model) -> str:
    # No str(obj) here: most __str__ read related rows, one query per row of a batch.
    return f"{capfirst(obj._meta.verbose_name)} #{obj.pk}"


def _link(entries: Sequence[LogEntry], pupils: Sequence[Iterable[int]]) -> None:
    StudentLink.objects.bulk_create(
        [
            StudentLink(entry_id=entry.pk, student_id=student_id)
            for entry, ids in zip(entries, pupils, strict=True)
            for student_id in sorted(set(ids))
        ],
        batch_size=BATCH,
    )


def _write(rows: Sequence[tuple[LogEntry, Iterable[int]]]) -> int:
    if not rows:
        return 0
    entries = LogEntry.objects.bulk_create([entry for entry, _ in rows], batch_size=BATCH)
    _link(entries, [ids for _, ids in rows])
    return len(entries)


def _entry(obj: models.Model, action: int, changes: Any, **extra: Any) -> LogEntry:
    return LogEntry(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_pk=str(obj.pk),
        object_id=obj.pk if isinstance(obj.pk, int) else None,
        object_repr=extra.pop("object_repr", None) or _repr(obj),
        action=action,
        changes=changes,
        cid=get_cid(),
        timestamp=timezone.now(),
        **_context(),
        **extra,
    )


def record(
    pairs: Iterable[tuple[models.Model | None, models.Model | None]],
    *,
    fields: Sequence[str] | None = None,
) -> int:
    """Log (before, after) pairs: (None, obj) a creation, (obj, None) a deletion, (old, new)
    an update (only when a tracked field changed; ``fields`` limits the comparison)."""
    if _disabled():
        return 0
    rows = []
    for old, new in pairs:
        obj = new if new is not None else old
        if obj is None or tracking(type(obj)) is None:
            continue
        action = Action.CREATE if old is None else Action.DELETE if new is None else Action.UPDATE
        changes = model_instance_diff(old, new, fields_to_check=fields)
        if not changes and action == Action.UPDATE:
            continue
        rows.append((_entry(obj, action, changes or {}), students_of(obj)))
    return _write(rows)


def record_created(objs: Iterable[models.Model]) -> int:
    """Log rows written by ``bulk_create`` (they must have their primary keys)."""
    return record((None, obj) for obj in objs)


def record_updates(objs: Iterable[models.Model], fields: Sequence[str]) -> int:
    """Call *before* ``bulk_update(objs, fields)``: compares the stored values with the new
    ones and logs the rows that change (one query per 500 rows)."""
    objs = [obj for obj in objs if obj.pk is not None]
    if not objs or _disabled() or tracking(type(objs[0])) is None:
        return 0
    model = type(objs[0])
    stored: dict[Any, models.Model] = {}
    for start in range(0, len(objs), BATCH):
        chunk = [obj.pk for obj in objs[start : start + BATCH]]
        stored.update(model._base_manager.only(*fields).in_bulk(chunk))
    return record(((stored[obj.pk], obj) for obj in objs if obj.pk in stored), fields=fields)


def record_queryset_update(queryset: QuerySet, **values: Any) -> int:
    """Call *before* ``queryset.update(**values)`` with plain values (no expressions)."""
    if _disabled() or tracking(queryset.model) is None:
        return 0
    pairs = []
    for old in queryset:
        new = copy.copy(old)
        for name, value in values.items():
            setattr(new, name, value)
        pairs.append((old, new))
    return record(pairs, fields=list(values))


def record_moves(
    subject: models.Model, *, before: dict[int, str], after: dict[int, str], label: str
) -> int:
    """One entry for an operation that replaces many pupils' placements at once (a solve, a
    restored version): ``before``/``after`` map each pupil to a description of where they
    were and are; only pupils whose description changes are named and linked."""
    if _disabled():
        return 0
    moved = {
        str(pk): [before.get(pk, "None"), after.get(pk, "None")]
        for pk in sorted(set(before) | set(after))
        if before.get(pk) != after.get(pk)
    }
    if not moved:
        return 0
    entry = _entry(
        subject,
        Action.UPDATE,
        {},
        object_repr=str(subject),
        additional_data={"moves": moved, "label": label},
    )
    return _write([(entry, [int(pk) for pk in moved])])


def record_event(objs: Iterable[models.Model], *, label: str, value: str) -> int:
    """One entry per record for something that is not a field change (an anonymisation):
    shown in the history as « label : — → value »."""
    if _disabled():
        return 0
    return _write(
        [(_entry(obj, Action.UPDATE, {label: ["None", value]}), students_of(obj)) for obj in objs]
    )


def record_access(notes: Iterable[models.Model]) -> int:
    """Log that the current user was shown these records (restricted notes)."""
    if _disabled():
        return 0
    return _write([(_entry(note, Action.ACCESS, None), students_of(note)) for note in notes])


@contextmanager
def muted() -> Iterator[None]:
    """No per-row signal entries inside (the caller records the operation itself)."""
    with disable_auditlog():
        yield


# --------------------------------------------------------------------------- reading


def entries_for(student_id: int) -> QuerySet[LogEntry]:
    """Every entry about one pupil, newest first."""
    return (
        LogEntry.objects.filter(student_links__student_id=student_id)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def forget(student_ids: Iterable[int]) -> int:
    """Remove these pupils from the trail (retention purge): entries about them alone are
    deleted; an entry shared with another pupil (a sibling's guardian, a plan's moves) loses
    its link and the pupil's line. Returns the number of entries deleted."""
    ids = sorted(set(student_ids))
    if not ids:
        return 0
    linked = set(StudentLink.objects.filter(student_id__in=ids).values_list("entry_id", flat=True))
    shared = set(
        StudentLink.objects.filter(entry_id__in=linked)
        .exclude(student_id__in=ids)
        .values_list("entry_id", flat=True)
    )
    gone = [str(pk) for pk in ids]
    for entry in LogEntry.objects.filter(pk__in=shared, additional_data__has_key="moves"):
        moves = entry.additional_data["moves"]
        for pk in gone:
            moves.pop(pk, None)
        entry.save(update_fields=["additional_data"])
    StudentLink.objects.filter(student_id__in=ids).delete()
    deleted, _detail = LogEntry.objects.filter(pk__in=linked - shared).delete()
    return deleted
