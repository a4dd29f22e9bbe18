"""The retention job (개인정보 보호법 제21조): customers past their retention date are
anonymised (cases kept) or deleted (no case), held while a case is open, and the run is
recorded with its counts — as a background job, from the command, idempotent."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import schema_context

from core.audit.events import EventType
from core.audit.models import ActivityEvent
from core.customers.models import Case, Customer, SurveyResponse
from core.customers.retention import customers_retention_apply, customers_retention_start
from core.customers.services import case_close, case_receive, survey_answer
from core.jobs.models import Job, JobStatus
from tests.customers.conftest import intake


def _expired(customer: Customer) -> None:
    Customer.objects.filter(pk=customer.pk).update(
        retain_until=timezone.localdate() - timedelta(days=1))


def _customers(officer):
    """Expired: one with a closed, answered case; one with an open case; one with none.
    Not expired: one with a closed case."""
    closed, closed_token = case_receive(intake=intake(name="김만료"), channel="web")
    closed = case_close(case=closed, answer="답", actor=officer)
    survey_answer(case=closed, answers=[4] * 5, comment="제 번호는 010-1111-2222입니다")
    still_open, _ = case_receive(intake=intake(name="이진행"), channel="web")
    lone = Customer.objects.create(
        kind="expert", name="박전문", email="park@example.com", purpose="구독",
        consent_version="2026-1", consented_at=timezone.now(),
        retain_until=timezone.localdate())
    kept, _ = case_receive(intake=intake(name="최보유"), channel="web")
    for customer in (closed.customer, still_open.customer, lone):
        _expired(customer)
    return closed, closed_token, still_open, lone, kept


def test_expired_customers_are_anonymised_or_deleted_and_the_run_is_recorded(alpha, officer):
    with schema_context("alpha"):
        closed, token, still_open, lone, kept = _customers(officer)
        counts = customers_retention_apply()
        assert counts == {"anonymised": 1, "deleted": 1, "held": 1}
        erased = Customer.objects.get(pk=closed.customer_id)
        assert (erased.name, erased.email, erased.phone) == ("익명", "", "")
        assert erased.anonymised_at is not None
        assert Case.objects.get(pk=closed.pk).answer == "답"  # the record stays
        assert SurveyResponse.objects.get().comment == ""
        assert SurveyResponse.objects.get().answers == [4] * 5  # scores still roll up
        assert not Customer.objects.filter(pk=lone.pk).exists()
        assert Customer.objects.get(pk=still_open.customer_id).name == "이진행"
        assert Customer.objects.get(pk=kept.customer_id).name == "최보유"
        event = ActivityEvent.objects.get(type=EventType.CUSTOMERS_RETENTION_APPLIED)
        assert event.payload == counts
        # A second run finds nothing more to do.
        assert customers_retention_apply() == {"anonymised": 0, "deleted": 0, "held": 1}
    from tests.conftest import agency_client

    assert agency_client("alpha").get(f"/public/requests/{token}/").status_code == 404


def test_the_retention_job_runs_on_a_worker_and_reports_its_counts(
        alpha, officer, run_jobs, django_capture_on_commit_callbacks):
    with schema_context("alpha"):
        _customers(officer)
        with django_capture_on_commit_callbacks(execute=True):
            job = customers_retention_start()
        assert customers_retention_start().pk == job.pk  # one run a day
    run_jobs()
    with schema_context("alpha"):
        job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED
        assert (job.result["anonymised"], job.result["deleted"], job.result["held"]) == (1, 1, 1)
        assert "익명 처리 1명" in job.result["summary"]


def test_the_command_runs_every_agency_now_or_queues_the_job(alpha, officer, capsys):
    with schema_context("alpha"):
        _customers(officer)
    call_command("customers_retention", "--agency", "alpha", "--now")
    assert "alpha: anonymised 1, deleted 1, held 1" in capsys.readouterr().out
    call_command("customers_retention")
    assert "alpha: job" in capsys.readouterr().out
    with schema_context("alpha"):
        assert Job.objects.filter(key__startswith="customers.retention:").count() == 1
