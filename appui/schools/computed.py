"""Results computed from a school's records, kept while the school's data version and the day
stay the same (the rule of the steering summaries: same version, same day).

A page whose figures fold a year of records (the hours of a level, the hours index, the staff
service) asks :func:`kept` for them: the first request after a change computes them, the next
ones read them from Django's cache — each process's memory by default, Redis shared by every
web node when ``CACHE_URL`` is set (``docs/deploiement.md``). The version is read before the
records: a change committed meanwhile makes the kept result stale, never wrongly fresh.

The version grows whenever a record of the school changes (``appui.schools.changes``); what
is kept must therefore be computed only from records whose changes bump it (the models
``steering.summaries.WATCHED`` lists, and the bulk writes that send ``records_changed``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.utils.translation import get_language

from .changes import data_version, kept_at_version

T = TypeVar("T")

#: How long the cache holds a kept result (seconds); a change of version or of day makes it
#: unused sooner.
KEPT_SECONDS = 3600


def kept(
    school_id: int, name: str, parts: Iterable[object], today: dt.date, compute: Callable[[], T]
) -> T:
    """``compute()``, or the result it gave for the same ``name`` and ``parts`` (ids, in
    order) at the school's current data version, on ``today``, in the current language."""
    version = data_version(school_id)
    if version is None:
        return compute()
    key = ":".join(
        [
            "appui-kept",
            name,
            str(school_id),
            str(version),
            today.isoformat(),
            get_language() or "",
            ",".join(str(part) for part in parts),
        ]
    )
    found = cache.get(key)
    if found is not None:
        return found
    result = compute()
    cache.set(key, result, KEPT_SECONDS)
    kept_at_version()
    return result
