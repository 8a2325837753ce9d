"""A pupil's history as the head reads it: filtered entries, each described in plain French
(field names from the models' verbose names, choices by their labels, related rows by name).

Display needs no import of the apps above: each entry's model comes from its content type.
Related rows named in a page of entries are read with one query per model, whatever the
number of entries shown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .tracked import TRACKED
from .trail import entries_for

Action = LogEntry.Action
ACTION_LABELS = {
    Action.CREATE: gettext_lazy("record created"),
    Action.UPDATE: gettext_lazy("record changed"),
    Action.DELETE: gettext_lazy("record deleted"),
    Action.ACCESS: gettext_lazy("record read"),
}


@dataclass(frozen=True)
class Filters:
    kind: int | None = None  # a content type id
    action: int | None = None
    actor: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Row:
    entry: LogEntry
    when: dt.datetime
    author: str
    kind: str
    action: str
    subject: str
    changes: list[Change] = field(default_factory=list)


def kinds() -> list[tuple[int, str]]:
    """The kinds of record a history can hold (content type id, French name)."""
    from django.apps import apps

    models_ = [apps.get_model(t.label) for t in TRACKED]
    types = ContentType.objects.get_for_models(*models_)
    return sorted(
        ((ct.pk, str(capfirst(model._meta.verbose_name))) for model, ct in types.items()),
        key=lambda item: item[1],
    )


def history(student_id: int, filters: Filters) -> QuerySet[LogEntry]:
    entries = entries_for(student_id)
    if filters.kind is not None:
        entries = entries.filter(content_type_id=filters.kind)
    if filters.action is not None:
        entries = entries.filter(action=filters.action)
    if filters.actor is not None:
        entries = entries.filter(actor_id=filters.actor)
    tz = timezone.get_current_timezone()
    if filters.start is not None:
        entries = entries.filter(
            timestamp__gte=dt.datetime.combine(filters.start, dt.time.min, tzinfo=tz)
        )
    if filters.end is not None:
        entries = entries.filter(
            timestamp__lt=dt.datetime.combine(
                filters.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz
            )
        )
    return entries


def authors(student_id: int) -> list[tuple[int, str]]:
    """Everyone who appears in the pupil's history, for the author filter."""
    from django.contrib.auth import get_user_model

    ids = entries_for(student_id).exclude(actor=None).values_list("actor_id", flat=True)
    users = get_user_model().objects.filter(pk__in=ids.order_by().distinct())
    return sorted(((u.pk, _author(u)) for u in users), key=lambda item: item[1])


def _author(user: Any) -> str:
    if user is None:
        return _("appui (import or automatic task)")
    return user.get_full_name() or user.get_username()


_EMPTY = {"None", "", "null"}


def _plain(field: models.Field | None, value: Any, names: dict) -> str:
    if value is None or (isinstance(value, str) and value in _EMPTY):
        return "—"
    if field is None:
        return str(value)
    if field.is_relation:
        return names.get((field.related_model, str(value)), str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("yes") if value in ("True", True) else _("no")
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        try:
            return dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    return str(value)


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def describe(entries: list[LogEntry], student_id: int) -> list[Row]:
    """Rows for a page of entries (two queries plus one per kind of related row)."""
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in (entry.changes or {}).items():
            field = _field(model, name)
            if field is not None and field.is_relation and field.related_model is not None:
                wanted[field.related_model].update(
                    v for v in values if isinstance(v, str) and v not in _EMPTY
                )
    names: dict[tuple[Any, str], str] = {}
    for related, pks in wanted.items():
        pk_field = related._meta.pk
        keys = []
        for pk in pks:
            try:
                keys.append(pk_field.to_python(pk))
            except Exception:  # noqa: BLE001 — a value stored by an older version
                continue
        for pk, obj in related._base_manager.select_related().in_bulk(keys).items():
            names[(related, str(pk))] = str(obj)
    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        kind = capfirst(model._meta.verbose_name) if model else entry.content_type.model
        row = Row(
            entry=entry,
            when=timezone.localtime(entry.timestamp),
            author=_author(entry.actor),
            kind=str(kind),
            action=str(ACTION_LABELS.get(entry.action, entry.action)),
            subject=entry.object_repr,
        )
        moves = (entry.additional_data or {}).get("moves")
        if moves is not None:
            before, after = moves.get(str(student_id), ["None", "None"])
            label = (entry.additional_data or {}).get("label") or _("group")
            row.changes.append(
                Change(str(label), _plain(None, before, {}), _plain(None, after, {}))
            )
        for name, values in (entry.changes or {}).items():
            if name == "id" or not isinstance(values, list | tuple) or len(values) != 2:
                continue
            field = _field(model, name)
            label = capfirst(field.verbose_name) if field is not None else name
            row.changes.append(
                Change(str(label), _plain(field, values[0], names), _plain(field, values[1], names))
            )
        rows.append(row)
    return rows
