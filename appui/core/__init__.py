"""Domain logic of appui in plain Python.

Nothing under this package may import Django (an import-linter contract checks it), so
need profiles, hour accounting, the grouping solver, indicators and file parsers are
tested without a database.
"""
