"""At final approval a document reaches its recipients; internal ones register receipt in
their unit's register; approved documents can be circulated, with read receipts."""

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from core.approvals import services
from core.approvals.models import DocumentRecipient, StepRole
from core.approvals.selectors import document_for, unit_inbox
from tests.conftest import agency_client


@pytest.fixture
def people(alpha_people):
    with schema_context("alpha"):
        yield alpha_people


def _approved(people, **recipients):
    document = services.document_draft(drafter=people.staff, title="협조 요청", body="본문",
                                       **recipients)
    services.document_submit(document=document, actor=people.staff, line=[
        services.LineEntry(person=people.head, role=StepRole.APPROVER)])
    return services.step_approve(document=document, actor=people.head)


def test_an_approved_document_reaches_the_recipient_units_inbox(people):
    before = services.document_draft(drafter=people.staff, title="미결", body="본문",
                                     recipient_units=[people.hr.unit])
    document = _approved(people, recipient_units=[people.hr.unit],
                         external_recipients=["행정안전부장관"])

    assert list(unit_inbox(person=people.other)) == [document]  # same unit as Hana
    assert before not in unit_inbox(person=people.other)
    assert document_for(person=people.other, pk=document.pk) == document
    external = document.recipients.get(unit__isnull=True)
    assert external.external_name == "행정안전부장관" and external.dispatched_at


def test_receipt_takes_the_next_number_of_the_receiving_units_register(people):
    own = _approved(people)  # 혁신기획과-1
    document = _approved(people, recipient_units=[people.staff.unit, people.hr.unit])
    recipient = document.recipients.get(unit=people.hr.unit)

    received = services.receipt_register(recipient=recipient, actor=people.other)

    assert received.receipt_number == "성과관리과-1"
    assert own.number == "혁신기획과-1" and document.number == "혁신기획과-2"
    mine = document.recipients.get(unit=people.staff.unit)
    assert services.receipt_register(recipient=mine, actor=people.staff).receipt_number == (
        "혁신기획과-3")  # produced and received documents share one register
    with pytest.raises(services.AlreadyHandled):
        services.receipt_register(recipient=recipient, actor=people.hr)


def test_only_members_of_the_receiving_unit_register_receipt(people):
    document = _approved(people, recipient_units=[people.hr.unit])
    with pytest.raises(ValidationError, match="수신 부서의 직원만"):
        services.receipt_register(recipient=document.recipients.get(), actor=people.staff)
    assert DocumentRecipient.objects.get().received_at is None


def test_circulation_logs_the_first_reading(people):
    document = _approved(people)
    services.document_circulate(document=document, people=[people.other], actor=people.staff)
    assert document_for(person=people.other, pk=document.pk) == document

    client = agency_client("alpha", people.other.user)
    assert client.get(f"/approvals/{document.pk}/").status_code == 200
    circulation = document.circulations.get()
    assert circulation.read_at is not None
    card = agency_client("alpha", people.staff.user).get(f"/approvals/{document.pk}/")
    assert "열람" in card.content.decode()


def test_documents_in_progress_cannot_be_circulated(people):
    document = services.document_draft(drafter=people.staff, title="진행 중", body="본문")
    with pytest.raises(ValidationError, match="결재가 끝난 문서만"):
        services.document_circulate(document=document, people=[people.other],
                                    actor=people.staff)


def test_receipt_from_the_document_page(alpha_people):
    with schema_context("alpha"):
        document = _approved(alpha_people, recipient_units=[alpha_people.hr.unit])
        recipient = document.recipients.get()
    client = agency_client("alpha", alpha_people.hr.user)
    assert "(으)로 접수" in client.get(f"/approvals/{document.pk}/").content.decode()
    response = client.post(f"/approvals/{document.pk}/receive/{recipient.pk}/", follow=True)
    assert "접수했습니다: 성과관리과-1" in response.content.decode()
