"""« A school's records changed »: the signal services send after writes that bypass the model
signals (``bulk_create``, ``QuerySet.update``/``delete``), so that what is computed from those
records (the steering dashboards' summaries) knows it is stale.

The apps below steering send it; steering listens (``steering.summaries``).
"""

from django.dispatch import Signal

records_changed = Signal()
"""Sent with ``school_id`` (an int) after a bulk write to the records of that school."""


def mark_changed(school_id: int | None) -> None:
    """Say that the records of school ``school_id`` changed (nothing for None)."""
    if school_id is not None:
        records_changed.send(sender=None, school_id=school_id)
