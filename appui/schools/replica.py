"""Where the académie's cross-school reads go: the primary database, or a read replica.

An installation that serves a whole académie may give PostgreSQL a streaming replica and
point ``DATABASE_REPLICA_URL`` at it (``config/settings.py`` then declares the ``replica``
alias and ``DASHBOARD_DATABASE = "replica"``). The reads that compare schools — the académie
view and its exports, which read the summaries of every school — then go to the replica and
leave the primary to the schools' own pages. Everything a school does (its own dashboard,
which may compute and store its summary) stays on the primary: a replica lags by a moment,
and a page that has just written must read what it wrote.

Without a replica (the default, and ``make demo``) every read goes to ``default``.
"""

from django.conf import settings

DEFAULT = "default"


def dashboard_alias() -> str:
    """The database alias the académie's summaries are read from."""
    alias = getattr(settings, "DASHBOARD_DATABASE", DEFAULT) or DEFAULT
    return alias if alias in settings.DATABASES else DEFAULT
