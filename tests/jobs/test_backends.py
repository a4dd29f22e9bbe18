"""Which queue carries the jobs: the database by default (tables in the public schema only,
so one worker serves every agency), RQ when a Redis URL is configured."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection
from django_tasks import task_backends

REPO = Path(__file__).resolve().parents[2]
SHOW_BACKEND = ("from django.conf import settings; from django_tasks import task_backends; "
                "print(type(task_backends['default']).__name__, settings.RQ_QUEUES['default']"
                "['URL'])")


def _tables_in(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables "
                       "WHERE table_schema = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def test_the_embedded_default_is_the_database_queue_in_the_public_schema_only(alpha):
    assert type(task_backends["default"]).__module__.startswith("django_tasks_db")
    assert "django_tasks_database_dbtaskresult" in _tables_in("public")
    assert "django_tasks_database_dbtaskresult" not in _tables_in("alpha")
    # Each schema keeps its own jobs, like its own audit trail.
    assert "jobs_job" in _tables_in("public") and "jobs_job" in _tables_in("alpha")


def test_a_redis_url_moves_the_jobs_to_rq():
    environment = {**os.environ, "CACHE_URL": "redis://127.0.0.1:6390/0",
                   "DATABASE_URL": "postgres://harmony@127.0.0.1:5432/harmony"}
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", SHOW_BACKEND],
                            cwd=REPO, env=environment, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["RQBackend", "redis://127.0.0.1:6390/0"]
    assert not hasattr(settings, "RQ_QUEUES")  # this test process has no Redis URL
