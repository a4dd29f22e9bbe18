"""Links from a case to task cards and approval documents, progress shared with the customer,
closure that needs an approved document, stages per case type, and staff downloads of a
case's attachments (issue 9 §2)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from core.approvals import services as approvals
from core.approvals.models import StepRole
from core.audit.events import EventType
from core.audit.models import AuditEvent
from core.customers import services
from core.customers.models import Case, CaseLink, CaseStatus
from core.work import services as work
from core.work.models import ProgressReport
from tests.conftest import agency_client
from tests.customers.conftest import intake


@pytest.fixture
def law_case(alpha_people):
    """A 법령 해석 질의: its type says the answer needs an approved document."""
    with schema_context("alpha"):
        case, token = services.case_receive(intake=intake(case_type="law_inquiry"), channel="web")
        case.handling_unit = alpha_people.head.unit
        case.save(update_fields=["handling_unit"])
        case.token = token
        return case


def _document(people, *, approve: bool):
    """A reply drafted by 최샘 with 김현 as approver: on 김현's turn, or approved."""
    document = approvals.document_draft(drafter=people.staff, title="법령 해석 회신", body="본문")
    approvals.document_submit(
        document=document,
        actor=people.staff,
        line=[approvals.LineEntry(person=people.head, role=StepRole.APPROVER)],
    )
    if approve:
        document = approvals.step_approve(document=document, actor=people.head)
    return document


def test_closing_without_an_approved_document_is_refused_in_korean(alpha_people, law_case):
    people = alpha_people
    with schema_context("alpha"):
        with pytest.raises(ValidationError) as refused:
            services.case_close(case=law_case, answer="해석 결과입니다.", actor=people.head)
        assert "결재가 끝난 문서" in str(refused.value)
        services.case_link_document(
            case=law_case, document=_document(people, approve=False), actor=people.head
        )
        with pytest.raises(ValidationError):
            services.case_close(case=law_case, answer="해석 결과입니다.", actor=people.head)
        case = Case.objects.get()
        assert case.status != CaseStatus.CLOSED and case.answer == ""
        assert not AuditEvent.objects.filter(action=EventType.CASE_CLOSED).exists()
        services.case_link_document(
            case=law_case, document=_document(people, approve=True), actor=people.head
        )
        services.case_close(case=law_case, answer="해석 결과입니다.", actor=people.head)
        assert Case.objects.get().status == CaseStatus.CLOSED


def test_the_case_page_says_why_the_answer_was_refused(alpha_people, law_case):
    client = agency_client("alpha", alpha_people.head.user)
    response = client.post(f"/cases/{law_case.pk}/close/", {"answer": "답변"}, follow=True)
    assert "결재가 끝난 문서를 연결해야" in response.content.decode()


def test_a_shared_progress_report_shows_on_the_status_page(alpha_people, case):
    people = alpha_people
    with schema_context("alpha"):
        task = work.task_create(actor=people.staff, owner=people.staff, title="주차 단속 강화")
        client = agency_client("alpha", people.head.user)
        response = client.post(f"/cases/{case.pk}/link-task/", {"task": task.pk})
        assert response.status_code == 302
        assert CaseLink.objects.get().task == task
        work.progress_report(
            task=task,
            actor=people.staff,
            percent=30,
            text="단속 구역을 정했습니다.",
            share_with_customers=True,
        )
        work.progress_report(
            task=task, actor=people.staff, percent=35, text="내부 인력 배치 검토 중"
        )
    page = agency_client("alpha").get(f"/public/requests/{case.token}/").content.decode()
    assert "단속 구역을 정했습니다." in page and "진척률 30%" in page
    assert "내부 인력 배치" not in page


def test_the_task_card_marks_a_report_for_customers(alpha_people):
    people = alpha_people
    with schema_context("alpha"):
        task = work.task_create(actor=people.staff, owner=people.staff, title="민원 개선")
    client = agency_client("alpha", people.staff.user)
    client.post(
        f"/work/{task.pk}/progress/",
        {"percent": 10, "text": "착수했습니다.", "share_with_customers": "on"},
    )
    with schema_context("alpha"):
        assert ProgressReport.objects.get().share_with_customers is True


def test_links_need_a_handler_and_a_readable_document(alpha_people, case):
    people = alpha_people
    with schema_context("alpha"):
        task = work.task_create(actor=people.staff, owner=people.staff, title="주차 단속")
        with pytest.raises(ValidationError):
            services.case_link_task(case=case, task=task, actor=people.other)
        other_document = approvals.document_draft(
            drafter=people.other, title="남의 초안", body="본문"
        )
        with pytest.raises(ValidationError):
            services.case_link_document(case=case, document=other_document, actor=people.head)
        link = services.case_link_task(case=case, task=task, actor=people.head)
        services.case_unlink(case=case, link_id=link.pk, actor=people.head)
        assert not CaseLink.objects.exists()
        assert list(
            AuditEvent.objects.filter(action__in=[EventType.CASE_LINKED, EventType.CASE_UNLINKED])
            .order_by("id")
            .values_list("action", flat=True)
        ) == [EventType.CASE_LINKED, EventType.CASE_UNLINKED]


def test_a_case_moves_through_its_types_stages_and_the_customer_reads_each(alpha_people, case):
    people = alpha_people
    with schema_context("alpha"):
        assert case.stage == "접수"
        with pytest.raises(ValidationError):
            services.case_stage_set(case=case, stage="결재", actor=people.head)
        client = agency_client("alpha", people.head.user)
        client.post(f"/cases/{case.pk}/stage/", {"stage": "검토"})
        moved = Case.objects.get()
        assert moved.stage == "검토" and moved.status == CaseStatus.IN_PROGRESS
    page = agency_client("alpha").get(f"/public/requests/{case.token}/").content.decode()
    assert "‘검토’ 단계를 진행하고 있습니다." in page


def test_staff_download_a_cases_attachment_and_the_download_is_recorded(alpha_people):
    people = alpha_people
    upload = SimpleUploadedFile("현장사진.pdf", b"%PDF-1.4 photo", content_type="application/pdf")
    with schema_context("alpha"):
        case, _token = services.case_receive(intake=intake(), channel="web", attachments=[upload])
        case.handling_unit = people.head.unit
        case.save(update_fields=["handling_unit"])
        attachment = case.attachments.get()
    url = f"/cases/{case.pk}/attachments/{attachment.pk}/"
    response = agency_client("alpha", people.head.user).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 photo"
    assert response["Cache-Control"] == "private, no-store"
    outsider = agency_client("alpha", people.other.user)
    assert outsider.get(url).status_code == 404
    assert (
        agency_client("alpha", people.head.user)
        .get(f"/cases/{case.pk}/attachments/{attachment.pk + 999}/")
        .status_code
        == 404
    )
    with schema_context("alpha"):
        record = AuditEvent.objects.get(action=EventType.CASE_ATTACHMENT_DOWNLOADED)
        assert record.changes == {"file": "현장사진.pdf"}
        assert record.actor_id == people.head.user_id
