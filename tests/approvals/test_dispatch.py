"""At final approval a document reaches its recipients; internal ones register receipt in
their unit's register; approved documents can be circulated, with read receipts."""

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from core.approvals import services
from core.approvals.models import DocumentRecipient, StepRole
from core.approvals.selectors import document_for, unit_inbox
from core.org.models import Role, RoleCode
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
    assert "성과관리과로 접수" in client.get(f"/approvals/{document.pk}/").content.decode()
    response = client.post(f"/approvals/{document.pk}/receive/{recipient.pk}/", follow=True)
    assert "접수했습니다: 성과관리과-1" in response.content.decode()


def _closed(people):
    """A 비공개 document Sam drafted, reviewed by Olivia and approved by Hyun."""
    document = services.document_draft(drafter=people.staff, title="비공개 보고", body="본문",
                                       disclosure="closed", disclosure_ground=5)
    services.document_submit(document=document, actor=people.staff, line=[
        services.LineEntry(person=people.other, role=StepRole.REVIEWER),
        services.LineEntry(person=people.head, role=StepRole.APPROVER)])
    services.step_approve(document=document, actor=people.other)
    return services.step_approve(document=document, actor=people.head)


def test_someone_only_circulated_a_document_cannot_circulate_it_on(people):
    document = _approved(people)
    services.document_circulate(document=document, people=[people.other], actor=people.staff)

    with pytest.raises(ValidationError, match="공람할 수 있는 사람은"):
        services.document_circulate(document=document, people=[people.hr], actor=people.other)

    assert not document.circulations.filter(person=people.hr).exists()


def test_a_circulated_reader_gets_no_circulation_button_or_page(alpha_people):
    with schema_context("alpha"):
        document = _approved(alpha_people)
        services.document_circulate(document=document, people=[alpha_people.other],
                                    actor=alpha_people.staff)
    reader = agency_client("alpha", alpha_people.other.user)

    card = reader.get(f"/approvals/{document.pk}/").content.decode()

    assert f"/approvals/{document.pk}/circulate/" not in card
    assert reader.get(f"/approvals/{document.pk}/circulate/").status_code == 403
    assert reader.post(f"/approvals/{document.pk}/circulate/",
                       {"people": [alpha_people.hr.pk]}).status_code == 403


def test_a_closed_document_is_circulated_only_by_its_drafter_and_approver(people):
    document = _closed(people)
    people.admin.roles.add(Role.objects.get(code=RoleCode.RECORDS_OFFICER))
    refused = "비공개 문서는 기안자와 결재권자만"

    for outsider in (people.other, people.admin):  # a reviewer; a records officer
        with pytest.raises(ValidationError, match=refused):
            services.document_circulate(document=document, people=[people.hr], actor=outsider)
    services.document_circulate(document=document, people=[people.hr], actor=people.staff)
    services.document_circulate(document=document, people=[people.admin], actor=people.head)

    assert set(document.circulations.values_list("person", flat=True)) == {
        people.hr.pk, people.admin.pk}


def test_the_line_the_receiving_handler_and_records_officers_circulate_a_public_one(people):
    document = _approved(people, recipient_units=[people.hr.unit])
    services.receipt_register(recipient=document.recipients.get(), actor=people.hr)
    people.admin.roles.add(Role.objects.get(code=RoleCode.RECORDS_OFFICER))

    for actor in (people.head, people.hr, people.admin):
        services.document_circulate(document=document, people=[people.other], actor=actor)
