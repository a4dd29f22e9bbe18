"""Concurrent actions on one document leave exactly one outcome; numbers stay gap-free.

These tests need committed rows and real parallel transactions, so they run outside the
per-test transaction: each thread has its own database connection, and the agency they use
is made (and committed) for the test under a unique subdomain."""

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from core.approvals import services
from core.approvals.models import Document, DocumentStatus, StepRole, StepStatus
from tenants.models import Agency
from tests.factories import make_personas, onboard_agency


@pytest.fixture
def db(django_db_setup, django_db_blocker):
    """pytest-django's ``db`` without its per-test transaction. Asking for ``db`` by name is
    what makes pytest-django create the test database for a run of this module alone."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def committed(db):
    """An agency with its personas, committed (the test database is dropped at the end)."""
    while True:
        code = f"8{secrets.randbelow(10**6):06d}"
        if not Agency.objects.filter(code=code).exists():
            break
    agency = onboard_agency(f"race-{secrets.token_hex(4)}", code=code)
    return make_personas(agency)


def _in_threads(schema: str, calls: list, workers: int) -> list:
    """Run each call in a pool of threads, all released together; return result or error."""
    barrier = threading.Barrier(min(workers, len(calls)))

    def run(call):
        try:
            connection.set_schema(schema)
            if len(calls) <= workers:
                barrier.wait()
            return call()
        except services.AlreadyHandled as refused:
            return refused
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, calls))


def _submitted(people, *line):
    with schema_context(people.agency.schema_name):
        document = services.document_draft(drafter=people.staff, title="동시 처리",
                                           body="본문")
        entries = [services.LineEntry(person=p, role=r) for p, r in line]
        return services.document_submit(document=document, actor=people.staff, line=entries)


def test_the_same_turn_acted_on_twice_at_once_counts_once(committed):
    people = committed
    document = _submitted(people, (people.head, StepRole.REVIEWER),
                          (people.admin, StepRole.APPROVER))
    approve = lambda: services.step_approve(document=document, actor=people.head)  # noqa: E731

    outcomes = _in_threads(people.agency.schema_name, [approve, approve], workers=2)

    assert sum(isinstance(o, Document) for o in outcomes) == 1
    assert sum(isinstance(o, services.AlreadyHandled) for o in outcomes) == 1
    with schema_context(people.agency.schema_name):
        assert document.actions.filter(kind="approved").count() == 1
        assert document.steps.get(person=people.admin).status == StepStatus.PENDING


def test_a_withdrawal_racing_an_approval_leaves_one_consistent_outcome(committed):
    people = committed
    for _ in range(3):
        document = _submitted(people, (people.head, StepRole.REVIEWER),
                              (people.admin, StepRole.APPROVER))
        outcomes = _in_threads(people.agency.schema_name, [
            lambda d=document: services.step_approve(document=d, actor=people.head),
            lambda d=document: services.document_withdraw(document=d, actor=people.staff),
        ], workers=2)

        assert sum(isinstance(o, services.AlreadyHandled) for o in outcomes) == 1
        with schema_context(people.agency.schema_name):
            document.refresh_from_db()
            head_step = document.steps.get(person=people.head)
            if document.status == DocumentStatus.WITHDRAWN:
                # Unsigned, and no longer their turn (a withdrawn document waits on nobody).
                assert head_step.status == StepStatus.WAITING and head_step.acted_at is None
            else:
                assert head_step.status == StepStatus.APPROVED
                assert not document.actions.filter(kind="withdrawn").exists()


def test_two_hundred_final_approvals_at_once_get_consecutive_distinct_numbers(committed):
    people = committed
    documents = [_submitted(people, (people.admin, StepRole.APPROVER)) for _ in range(200)]
    calls = [lambda d=d: services.step_approve(document=d, actor=people.admin)
             for d in documents]

    outcomes = _in_threads(people.agency.schema_name, calls, workers=8)

    assert all(isinstance(o, Document) for o in outcomes)
    with schema_context(people.agency.schema_name):
        serials = sorted(Document.objects.filter(status=DocumentStatus.APPROVED)
                         .values_list("serial", flat=True))
    assert serials == list(range(1, 201))
