"""Refreshing the database's statistics after a bulk import."""

from django.db import connection


def analyze_after_import() -> None:
    """Run ``ANALYZE`` on PostgreSQL, so the planner sees the rows an import just added
    (thousands at once) instead of the old statistics; nothing on other databases.
    Called once the import's transaction has committed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
