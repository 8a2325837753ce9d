"""« A school's records changed »: the signal services send after writes that bypass the model
signals (``bulk_create``, ``QuerySet.update``/``delete``), so that what is computed from those
records (the steering dashboards' summaries) knows it is stale.

The apps below steering send it; steering listens (``steering.summaries``).
"""

from collections.abc import Callable

from django.dispatch import Signal

records_changed = Signal()
"""Sent with ``school_id`` (an int) after a bulk write to the records of that school."""


def mark_changed(school_id: int | None) -> None:
    """Say that the records of school ``school_id`` changed (nothing for None)."""
    if school_id is not None:
        records_changed.send(sender=None, school_id=school_id)


_version_reader: Callable[[int], int] | None = None
_on_kept: Callable[[], None] | None = None


def read_versions_with(reader: Callable[[int], int], on_kept: Callable[[], None]) -> None:
    """Steering says how a school's data version is read (``SteeringConfig.ready``) — the
    number that grows whenever ``records_changed`` or a watched model's signal fires — and
    what to do once a result is kept at that version (the next change must bump it again,
    even within the same transaction)."""
    global _version_reader, _on_kept
    _version_reader, _on_kept = reader, on_kept


def data_version(school_id: int) -> int | None:
    """The data version of school ``school_id``, or None when no app keeps one."""
    return None if _version_reader is None else _version_reader(school_id)


def kept_at_version() -> None:
    """A result computed from the records was kept at the version :func:`data_version` gave."""
    if _on_kept is not None:
        _on_kept()
