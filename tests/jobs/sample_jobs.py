"""Jobs that exist only for the tests: they tell where they ran and fail on demand."""

import threading

from django.db import connection

from core.jobs.runner import agency_task

# Opened by a test to let ``gated_job`` finish (it waits at most 30 seconds).
GATE = threading.Event()


@agency_task()
def where_job(job, progress) -> dict:
    """Report the schema it ran in and how many people that agency has."""
    from core.org.models import Person

    progress(1, 2, step="절반")
    return {"summary": connection.schema_name, "items": [str(Person.objects.count())]}


@agency_task()
def flaky_job(job, progress) -> dict:
    """Fail (as a lost connection would) until attempt ``params["succeed_on"]``."""
    if job.attempts < job.params.get("succeed_on", 99):
        raise ConnectionError("the directory server did not answer")
    return {"summary": f"attempt {job.attempts}"}


@agency_task()
def gated_job(job, progress) -> dict:
    progress(3, 10, step="기다리는 중")
    GATE.wait(30)
    return {"summary": "done"}
