"""Background jobs carry their agency, refuse to run without one, run once, retry a bounded
number of times and show the outcome only to the person who started them."""

import html

import pytest
from django.db import connection
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tenants.utils import schema_context

from core.audit.models import AuditEvent
from core.jobs.models import Job, JobStatus
from core.jobs.runner import JobRefused, job_start
from tenants.models import AgencyStatus
from tests.conftest import agency_client, console_client
from tests.jobs import sample_jobs


def _start(agency, task, person, *, key="k", **params) -> Job:
    with schema_context(agency.schema_name):
        return job_start(job_task=task, title="시험 작업", key=key, actor=person.user,
                         params=params)


def _job(agency, job: Job) -> Job:
    with schema_context(agency.schema_name):
        return Job.objects.get(pk=job.pk)


def _queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.order_by("enqueued_at"))


def test_a_job_runs_in_the_schema_of_the_agency_that_started_it(
        alpha_people, beta_people, run_jobs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(alpha_people.agency, sample_jobs.where_job, alpha_people.hr)

    run_jobs()

    done = _job(alpha_people.agency, job)
    assert done.status == JobStatus.SUCCEEDED and done.attempts == 1
    assert done.result == {"summary": "alpha", "items": ["6"]}
    assert _queued()[0].args_kwargs["args"] == ["alpha", str(job.pk)]
    assert connection.schema_name == "public"  # the worker came back out of the agency


def test_a_job_enqueued_for_one_agency_cannot_be_run_in_another(
        alpha_people, beta_people, run_jobs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(alpha_people.agency, sample_jobs.where_job, alpha_people.hr)
    DBTaskResult.objects.all().delete()

    sample_jobs.where_job.enqueue("beta", str(job.pk))  # alpha's job id, beta's schema
    run_jobs()

    [attempt] = _queued()
    assert attempt.status == "FAILED" and attempt.exception_class_path.endswith("JobRefused")
    assert _job(alpha_people.agency, job).status == JobStatus.QUEUED
    with schema_context("beta"):
        assert not Job.objects.exists()


@pytest.mark.parametrize("schema", ["", "public", "standard_template", "nowhere"])
def test_a_job_without_a_real_agency_is_refused_before_any_work(alpha, run_jobs, schema):
    sample_jobs.where_job.enqueue(schema, "00000000-0000-0000-0000-000000000000")
    run_jobs()
    [attempt] = _queued()
    assert attempt.status == "FAILED" and attempt.exception_class_path.endswith("JobRefused")


def test_a_suspended_agencys_jobs_do_not_run(alpha_people, run_jobs,
                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(alpha_people.agency, sample_jobs.where_job, alpha_people.hr)
    alpha_people.agency.status = AgencyStatus.SUSPENDED
    alpha_people.agency.save(update_fields=["status"])

    run_jobs()

    assert "is suspended" in _queued()[0].traceback
    assert _job(alpha_people.agency, job).status == JobStatus.QUEUED


def test_an_agency_job_cannot_be_started_from_the_console(alpha_people):
    with pytest.raises(JobRefused):
        job_start(job_task=sample_jobs.where_job, title="x", key="x", actor=None)


def test_a_job_delivered_twice_does_its_work_once(alpha_people, run_jobs,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(alpha_people.agency, sample_jobs.flaky_job, alpha_people.hr, succeed_on=1)
    run_jobs()
    sample_jobs.flaky_job.enqueue("alpha", str(job.pk))  # the queue delivers it again

    run_jobs()

    done = _job(alpha_people.agency, job)
    assert done.status == JobStatus.SUCCEEDED and done.attempts == 1
    assert [t.return_value for t in _queued()] == [
        {"job": str(job.pk), "status": "succeeded"}, {"job": str(job.pk), "skipped": True}]


def test_the_same_work_started_twice_joins_the_unfinished_job(alpha_people,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _start(alpha_people.agency, sample_jobs.where_job, alpha_people.hr, key="same")
        second = _start(alpha_people.agency, sample_jobs.where_job, alpha_people.hr, key="same")
    assert first.pk == second.pk
    assert len(_queued()) == 1
    with schema_context("alpha"):
        assert AuditEvent.objects.filter(action="jobs.job_started").count() == 1


def test_a_failing_job_is_retried_and_then_succeeds(alpha_people, run_jobs,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(alpha_people.agency, sample_jobs.flaky_job, alpha_people.hr, succeed_on=2)

    run_jobs()

    done = _job(alpha_people.agency, job)
    assert (done.status, done.attempts, done.error) == (JobStatus.SUCCEEDED, 2, "")
    assert [t.status for t in _queued()] == ["FAILED", "SUCCESSFUL"]


def test_a_job_that_keeps_failing_stops_and_tells_its_starter(alpha_people, run_jobs,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(alpha_people.agency, sample_jobs.flaky_job, alpha_people.hr)

    run_jobs()

    failed = _job(alpha_people.agency, job)
    assert (failed.status, failed.attempts) == (JobStatus.FAILED, 3)
    assert len(_queued()) == 3  # bounded: no fourth attempt
    page = agency_client("alpha", alpha_people.hr.user).get(f"/jobs/{job.pk}/")
    body = html.unescape(page.content.decode())
    assert page.status_code == 200
    assert "실패" in body and "3번 모두 실패했습니다 (ConnectionError)" in body
    assert "every 2s" not in body  # a finished job's page stops polling


def test_a_waiting_retry_is_shown_with_its_reason(alpha_people, settings, run_jobs,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(alpha_people.agency, sample_jobs.flaky_job, alpha_people.hr)
    settings.HARMONY_JOB_RETRY_DELAYS = [600, 600]  # (run_jobs keeps the worker's connection)

    db_worker.Worker(queue_names=["*"], interval=0, batch=True, backend_name="default",
                     startup_delay=False, max_tasks=1, worker_id="once",
                     excluded_queue_names=[]).run()

    page = agency_client("alpha", alpha_people.hr.user).get(
        f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    body = html.unescape(page.content.decode())
    assert "재시도 대기" in body and "600초 뒤 다시 시도합니다" in body
    assert 'hx-trigger="every 2s"' in body and "<html" not in body  # a fragment, still polling


def test_the_job_page_shows_progress_and_polls_every_two_seconds(alpha_people):
    job = _start(alpha_people.agency, sample_jobs.gated_job, alpha_people.hr)
    with schema_context("alpha"):
        Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, done=1234, total=5000)

    page = agency_client("alpha", alpha_people.hr.user).get(f"/jobs/{job.pk}/")

    body = page.content.decode()
    assert page.status_code == 200
    assert "진행 중" in body and "1,234 / 5,000건" in body and 'value="24"' in body
    assert f'hx-get="/jobs/{job.pk}/" hx-trigger="every 2s"' in body


def test_only_the_starter_sees_a_job_and_never_from_another_agency(alpha_people, beta_people):
    job = _start(alpha_people.agency, sample_jobs.where_job, alpha_people.hr)
    url = f"/jobs/{job.pk}/"

    assert agency_client("alpha", alpha_people.hr.user).get(url).status_code == 200
    assert agency_client("alpha", alpha_people.admin.user).get(url).status_code == 404
    assert agency_client("beta", beta_people.hr.user).get(url).status_code == 404
    assert agency_client("beta", beta_people.admin.user).get(url).status_code == 404
    assert agency_client("alpha").get(url).status_code == 302  # signed out: to the sign-in


def test_an_agencys_job_is_not_found_on_the_console(alpha_people, central_user):
    job = _start(alpha_people.agency, sample_jobs.where_job, alpha_people.hr)
    assert console_client(central_user).get(f"/jobs/{job.pk}/").status_code == 404
