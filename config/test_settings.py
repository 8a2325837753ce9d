"""Settings for the test suite: the real settings with a throwaway key and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client and the browser tests' live server speak plain HTTP: no redirect to HTTPS
# (tests/test_deploy_check.py checks the production defaults in their own process).
SECURE_SSL_REDIRECT = False
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Serve static files from the apps' folders without a collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A file (not in-memory) SQLite test database: the browser tests' live server answers several
# requests at once, each on its own connection, as in production.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile

    # No WAL here: the test database file is deleted and recreated between runs, and a
    # stale -wal file beside a new database reads as a disk I/O error.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA synchronous=OFF;"  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"appui-test-{os.getpid()}.sqlite3")
    }

# The read replica's alias (appui.schools.replica), a mirror of the test database: the
# académie view reads the primary unless a test asks for the replica (DASHBOARD_DATABASE).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
DASHBOARD_DATABASE = "default"

# Tasks run inline in tests; the grouping solver gets a short time limit.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
GROUPING_TIME_LIMIT = 3.0
DEMO_SOLVE_SECONDS = 1.0
