"""The agency's data version (core/audit/version.py) on committed data: it moves after the
commit of anything written in the agency, never on rollback, and what pages kept under the old
one is not served again — a change shows on the very next read, for everyone."""

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from core.audit import version
from core.audit.version import data_version
from core.work import services as work
from tests.committed import committed, db  # noqa: F401 — fixtures
from tests.conftest import agency_client


@pytest.fixture
def after_commit(monkeypatch):
    """The version as it moves in production: after the commit, not after each statement."""
    monkeypatch.setattr(version, "EAGER", False)


def _schema(people) -> str:
    return people.agency.schema_name


def test_a_write_moves_the_version_once_it_commits_and_never_on_rollback(
        committed, after_commit):  # noqa: F811
    people = committed
    with schema_context(_schema(people)):
        before = data_version()
        with transaction.atomic():
            work.task_create(actor=people.staff, owner=people.staff, title="보고서 작성")
            assert data_version() == before  # not yet: a reader would not see the task
        moved = data_version()
        assert moved > before

        with pytest.raises(RuntimeError), transaction.atomic():
            work.task_create(actor=people.staff, owner=people.staff, title="취소될 과제")
            raise RuntimeError
        assert data_version() == moved  # nothing was committed


def test_a_write_outside_a_transaction_moves_the_version_at_once(
        committed, after_commit):  # noqa: F811
    from core.org.models import Person

    people = committed
    with schema_context(_schema(people)):
        before = data_version()
        Person.objects.filter(pk=people.staff.pk).update(phone="02-123-4567")
        assert data_version() > before


def test_a_document_submitted_shows_in_the_queue_and_on_the_home_page_at_once(
        committed, after_commit):  # noqa: F811
    people = committed
    subdomain = people.agency.schema_name.replace("_", "-")
    head = agency_client(subdomain, people.head.user)
    staff = agency_client(subdomain, people.staff.user)
    for path in ("/", "/approvals/"):  # read, and kept
        assert "야간 민원 대응 계획" not in head.get(path).content.decode()
        assert head.get(path).status_code == 200

    response = staff.post("/approvals/new/", {
        "title": "야간 민원 대응 계획", "document_type": "general", "body": "<p>계획</p>",
        "disclosure": "public", "disclosure_ground": "", "reviewers": [], "cooperators": [],
        "approver": people.head.pk})
    assert response.status_code == 302

    queue, home = (head.get(path).content.decode() for path in ("/approvals/", "/"))
    assert "야간 민원 대응 계획" in queue
    assert "야간 민원 대응 계획" in home
    assert '<span id="nav-count-approvals"> <span class="hm-badge">1<span' in home

    # Signed: off the queue at once, for the head and in the drafter's card.
    with schema_context(_schema(people)):
        from core.approvals.models import Document

        document = Document.objects.get(title="야간 민원 대응 계획")
    card = staff.get(f"/approvals/{document.pk}/").content.decode()
    head.post(f"/approvals/{document.pk}/act/", {"decision": "approve", "opinion": ""})
    assert "야간 민원 대응 계획" not in head.get("/approvals/").content.decode()
    assert staff.get(f"/approvals/{document.pk}/").content.decode() != card
