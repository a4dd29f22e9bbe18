"""Statuses that tell the truth to each reader (issue 12 §2), and 공람 designated by the
received document's 처리담당자, to people or whole units (issue 12 §1)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from core.approvals import selectors, services
from core.approvals.models import Circulation, StepRole, StepStatus
from core.audit.models import AuditEvent
from tests.conftest import agency_client
from tests.factories import PersonFactory

R, C, A = StepRole.REVIEWER, StepRole.COOPERATOR, StepRole.APPROVER


@pytest.fixture
def people(alpha_people):
    with schema_context("alpha"):
        yield alpha_people


def _submitted(people, *line):
    document = services.document_draft(drafter=people.staff, title="진행 문서", body="본문")
    return services.document_submit(document=document, actor=people.staff, line=[
        services.LineEntry(person=getattr(people, name), role=role, parallel=parallel)
        for name, role, parallel in line])


def _approved(people, **recipients):
    document = services.document_draft(drafter=people.staff, title="협조 요청", body="본문",
                                       **recipients)
    services.document_submit(document=document, actor=people.staff, line=[
        services.LineEntry(person=people.head, role=A)])
    return services.step_approve(document=document, actor=people.head)


def test_a_withdrawn_document_no_longer_says_it_is_someones_turn(alpha_people):
    with schema_context("alpha"):
        document = _submitted(alpha_people, ("head", R, False), ("admin", A, False))
        services.document_withdraw(document=document, actor=alpha_people.staff)
        assert not document.steps.filter(status=StepStatus.PENDING).exists()
        assert selectors.turns_waiting_by_person(person_ids=[alpha_people.head.pk]) == {}

    page = agency_client("alpha", alpha_people.staff.user).get(
        f"/approvals/{document.pk}/").content.decode()
    assert "결재할 차례" not in page and "회수" in page


def test_a_return_closes_the_parallel_co_operators_turn(people):
    document = _submitted(people, ("hr", C, True), ("other", C, True), ("admin", A, False))
    services.step_return(document=document, actor=people.hr, reason="근거 보완")

    other = document.steps.get(person=people.other)
    assert other.status == StepStatus.WAITING
    assert not selectors.approval_queue(person=people.other).exists()


def test_a_reader_opening_a_circulated_document_is_not_shown_unread(alpha_people):
    with schema_context("alpha"):
        document = _approved(alpha_people)
        services.document_circulate(document=document, people=[alpha_people.other],
                                    actor=alpha_people.staff)

    page = agency_client("alpha", alpha_people.other.user).get(
        f"/approvals/{document.pk}/").content.decode()

    assert "미열람" not in page and "열람" in page
    with schema_context("alpha"):
        assert Circulation.objects.get().read_at is not None


def test_a_reader_opening_it_through_the_api_is_recorded_as_reading(alpha_people):
    from tests.approvals.test_api import _api

    with schema_context("alpha"):
        document = _approved(alpha_people)
        services.document_circulate(document=document, people=[alpha_people.other],
                                    actor=alpha_people.staff)

    answer = _api(alpha_people, "other").get(f"/api/v1/documents/{document.pk}/").json()

    assert answer["circulations"][0]["read_at"] is not None


def test_a_received_document_waiting_for_receipt_does_not_say_complete(alpha_people):
    with schema_context("alpha"):
        document = _approved(alpha_people, recipient_units=[alpha_people.hr.unit])
    other = agency_client("alpha", alpha_people.other.user)  # same unit as Hana

    inbox = other.get("/approvals/?box=inbox").content.decode()
    card = other.get(f"/approvals/{document.pk}/").content.decode()
    drafter_card = agency_client("alpha", alpha_people.staff.user).get(
        f"/approvals/{document.pk}/").content.decode()

    assert "접수 대기" in inbox and 'hm-badge">완료</span>' not in inbox
    assert "접수 대기" in card
    assert "<dd>완료 ·" in drafter_card  # the sender's status is complete

    with schema_context("alpha"):
        services.receipt_register(recipient=document.recipients.get(),
                                  actor=alpha_people.other)
    assert "접수 대기" not in other.get("/approvals/?box=inbox").content.decode()


def test_receipt_names_the_handler_who_then_designates_the_circulation(people):
    document = _approved(people, recipient_units=[people.hr.unit])
    recipient = services.receipt_register(recipient=document.recipients.get(), actor=people.hr,
                                          handler=people.other)
    assert recipient.handler == people.other
    received = AuditEvent.objects.filter(action="approvals.document_received").latest("id")
    assert "정올리" in received.changes["note"]

    document = selectors.document_for(person=people.other, pk=document.pk)
    services.document_circulate(document=document, people=[people.admin], actor=people.other)
    with pytest.raises(ValidationError, match="처리담당자"):
        services.document_circulate(document=document, people=[people.admin], actor=people.hr)


def test_the_handler_must_belong_to_the_receiving_unit(people):
    document = _approved(people, recipient_units=[people.hr.unit])
    with pytest.raises(ValidationError, match="처리담당자는 수신 부서"):
        services.receipt_register(recipient=document.recipients.get(), actor=people.hr,
                                  handler=people.staff)
    assert document.recipients.get().received_at is None


def test_a_whole_unit_can_be_named_to_read_it(people):
    colleague = PersonFactory(name="윤동료", unit=people.hr.unit)
    PersonFactory(name="퇴직자", unit=people.hr.unit, status="left")
    document = _approved(people)

    services.document_circulate(document=document, people=[], units=[people.hr.unit],
                                actor=people.staff)

    readers = set(document.circulations.values_list("person__name", flat=True))
    assert readers == {people.hr.name, people.other.name, colleague.name}
    assert document.actions.filter(kind="circulated").get().note == "성과관리과"


def test_a_past_deadline_or_nobody_named_is_refused(people):
    document = _approved(people)
    with pytest.raises(ValidationError, match="오늘이나 그 뒤"):
        services.document_circulate(document=document, people=[people.other],
                                    actor=people.staff,
                                    deadline=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="사람이나 부서"):
        services.document_circulate(document=document, people=[], actor=people.staff)
    assert not Circulation.objects.exists()


def test_the_circulation_page_names_a_whole_unit(alpha_people):
    with schema_context("alpha"):
        document = _approved(alpha_people)
    staff = agency_client("alpha", alpha_people.staff.user)

    staff.post(f"/approvals/{document.pk}/circulate/", {"units": [alpha_people.hr.unit.pk]})
    refused = staff.post(f"/approvals/{document.pk}/circulate/", {})

    assert refused.status_code == 400 and "사람이나 부서" in refused.content.decode()
    with schema_context("alpha"):
        assert set(document.circulations.values_list("person", flat=True)) == {
            alpha_people.hr.pk, alpha_people.other.pk}


def test_the_receipt_form_names_the_handler(alpha_people):
    with schema_context("alpha"):
        document = _approved(alpha_people, recipient_units=[alpha_people.hr.unit])
        recipient = document.recipients.get()
    hr = agency_client("alpha", alpha_people.hr.user)
    assert 'name="handler"' in hr.get(f"/approvals/{document.pk}/").content.decode()

    hr.post(f"/approvals/{document.pk}/receive/{recipient.pk}/",
            {"handler": alpha_people.other.pk})

    with schema_context("alpha"):
        recipient.refresh_from_db()
    assert recipient.handler_id == alpha_people.other.pk and recipient.receipt_serial
