"""A real worker beside the tests, on committed data: a thread running django-tasks-db's
``db_worker`` loop against the test database, as `make run` runs one beside the server.

Like the browser tests (read tests/browser/conftest.py), these tests cannot use a test
transaction: the worker's own connection would not see it, and ``transactional_db``'s
TRUNCATE is refused by the audit trail. So they commit, under subdomains and codes unique to
the run, and drop what they made when the module ends (the append-only audit events stay).
"""

import html
import re
import secrets
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tenants.utils import schema_context

from core.jobs.models import Job, JobStatus
from core.jobs.runner import job_start
from core.jobs.sweeps import jobs_stale_recover
from core.org.models import Person
from tenants.models import Agency
from tenants.services import agency_refresh_people_count
from tests.committed import agency_drop
from tests.conftest import agency_client
from tests.factories import make_personas, onboard_agency
from tests.jobs import sample_jobs

ROWS = 2_000
DEADLINE_SECONDS = 240


@pytest.fixture(scope="module")
def agencies(django_db_setup, django_db_blocker):
    """Two committed agencies with their personas; dropped again when the module ends."""
    run = secrets.token_hex(3)
    with django_db_blocker.unblock():
        made = [onboard_agency(f"lw-{run}-{label}", code=f"8{secrets.randbelow(10**6):06d}",
                               name_ko=f"작업{label}") for label in ("a", "b")]
        try:
            yield [make_personas(agency) for agency in made]
        finally:
            schemas = [agency.schema_name for agency in made]
            DBTaskResult.objects.filter(args_kwargs__args__0__in=schemas).delete()
            for agency in Agency.objects.filter(schema_name__in=schemas):
                agency_drop(agency)


@pytest.fixture
def db(django_db_setup, django_db_blocker):
    """pytest-django's ``db`` without its transaction: the worker must see the data."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture(autouse=True)
def _test_database(db):
    """Asking for ``db`` is what makes pytest-django create the test database."""


@pytest.fixture(scope="module")
def live_worker(agencies):
    """django-tasks-db's worker loop in a thread, polling every 0.1 s."""
    worker = Worker(queue_names=["*"], interval=0.1, batch=False, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id="live-test-worker",
                    excluded_queue_names=[])

    def run() -> None:
        try:
            worker.run()
        finally:
            connections.close_all()  # or the test database could not be dropped

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield worker
    worker.running = False
    thread.join(timeout=30)


def _job(schema: str, pk) -> Job:
    with schema_context(schema):
        return Job.objects.get(pk=pk)


def _wait_until(predicate, what: str):
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what}")


def _people_csv(count: int) -> bytes:
    rows = [f"LW-{n:05d},직원{n},lw{n}@example.go.kr,,9급,주무관,staff,재직"
            for n in range(count)]
    return ("직원번호,성명,이메일,부서코드,직급,직위,역할,상태\n" + "\n".join(rows)).encode()


def test_the_page_shows_a_running_jobs_progress_then_its_end(agencies, live_worker):
    a, _b = agencies
    schema = a.agency.schema_name
    sample_jobs.GATE.clear()
    with schema_context(schema):
        job = job_start(job_task=sample_jobs.gated_job, title="기다리는 작업",
                        key=secrets.token_hex(4), actor=a.hr.user)
    client = agency_client(schema.replace("_", "-"), a.hr.user)
    url = f"/jobs/{job.pk}/"

    running = _wait_until(lambda: (lambda body: "3 / 10건" in body and body)(
        client.get(url, HTTP_HX_REQUEST="true").content.decode()), "progress on the page")
    assert "진행 중" in running and 'hx-trigger="every 2s"' in running
    sample_jobs.GATE.set()
    finished = _wait_until(lambda: (lambda body: "완료" in body and body)(
        client.get(url, HTTP_HX_REQUEST="true").content.decode()), "the job's end")
    assert "every 2s" not in finished and "10 / 10건" in finished


def test_a_big_import_runs_in_its_agency_only_and_refreshes_the_head_count_once(
        agencies, live_worker):
    a, b = agencies
    schema, other = a.agency.schema_name, b.agency.schema_name
    client = agency_client(schema.replace("_", "-"), a.hr.user)
    upload = SimpleUploadedFile("people.csv", _people_csv(ROWS), content_type="text/csv")
    other_count = Agency.objects.get(schema_name=other).people_count

    with mock.patch("tenants.services.agency_refresh_people_count",
                    wraps=agency_refresh_people_count) as refresh:
        response = client.post("/org/import/", {"kind": "people", "file": upload})
        assert response.status_code == 302
        pk = re.search(r"/jobs/([0-9a-f-]+)/", response["Location"]).group(1)
        seen: set[int] = set()

        def finished() -> Job | None:
            job = _job(schema, pk)
            if job.status == JobStatus.RUNNING:
                seen.add(job.done)
            return job if job.is_finished else None

        job = _wait_until(finished, "the import job")

    assert job.status == JobStatus.SUCCEEDED, job.error
    assert any(0 < done < ROWS for done in seen), seen  # progress showed while it ran
    assert (job.done, job.total) == (ROWS, ROWS)
    refresh.assert_called_once_with(schema_name=schema)
    assert Agency.objects.get(schema_name=schema).people_count == ROWS + 6
    body = html.unescape(client.get(f"/jobs/{pk}/").content.decode())
    assert f"새로 등록 {ROWS}건" in body
    # The other agency was not touched, and cannot see the job.
    with schema_context(other):
        assert Person.objects.count() == 6 and not Job.objects.exists()
    assert Agency.objects.get(schema_name=other).people_count == other_count
    beta_client = agency_client(other.replace("_", "-"), b.admin.user)
    assert beta_client.get(f"/jobs/{pk}/").status_code == 404


def test_a_running_job_beats_so_the_sweep_leaves_it_alone(agencies, live_worker, settings):
    settings.HARMONY_JOB_HEARTBEAT_SECONDS = 0.2
    a, _b = agencies
    schema = a.agency.schema_name
    sample_jobs.GATE.clear()
    with schema_context(schema):
        job = job_start(job_task=sample_jobs.gated_job, title="오래 걸리는 작업",
                        key=secrets.token_hex(4), actor=a.hr.user)
    first = _wait_until(lambda: _job(schema, job.pk).heartbeat_at, "the job to be claimed")
    _wait_until(lambda: _job(schema, job.pk).heartbeat_at > first, "a heartbeat")
    try:
        with schema_context(schema):
            assert jobs_stale_recover(silent_for=timedelta(seconds=30)) == []
            assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING
    finally:
        sample_jobs.GATE.set()
    _wait_until(lambda: _job(schema, job.pk).status == JobStatus.SUCCEEDED, "the job's end")
