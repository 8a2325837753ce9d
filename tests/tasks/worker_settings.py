"""Settings of the RQ worker the task tests start: the test settings, tasks on RQ.

The database (the test database of the pytest process, a file for SQLite) and Redis come
from DATABASE_URL and REDIS_URL, set by ``tests/tasks/conftest.py``.
"""

import os

from config.test_settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
RQ_QUEUES = {"default": {"URL": os.environ["REDIS_URL"], "DEFAULT_TIMEOUT": 120}}
