"""A reviewer who disagrees rewrites the draft or writes an opinion, marked (의견 있음); a
reviewer who cannot review is skipped by the drafter with the reason shown in their box."""

import pytest
from django_tenants.utils import schema_context

from core.approvals import services
from core.approvals.models import Document, DocumentStatus, StepRole, StepStatus
from tests.conftest import agency_client

R, C, A = StepRole.REVIEWER, StepRole.COOPERATOR, StepRole.APPROVER


@pytest.fixture
def document(alpha_people):
    """최샘's draft: 김현 reviews, 박하나 co-operates, 이앨리스 approves."""
    people = alpha_people
    with schema_context("alpha"):
        draft = services.document_draft(drafter=people.staff, title="민원 개선안",
                                        body="<p>초안</p>")
        line = [services.LineEntry(person=people.head, role=R),
                services.LineEntry(person=people.hr, role=C),
                services.LineEntry(person=people.admin, role=A)]
        return services.document_submit(document=draft, actor=people.staff, line=line)


def test_a_reviewer_rewrites_the_draft_as_a_new_version_and_is_marked(alpha_people, document):
    head = agency_client("alpha", alpha_people.head.user)
    assert "기안문 직접 고치기" in head.get(f"/approvals/{document.pk}/").content.decode()
    response = head.post(f"/approvals/{document.pk}/revise/",
                         {"title": "민원 개선안 (수정)", "body": "<p>고친 안</p>"})
    assert response.status_code == 302
    head.post(f"/approvals/{document.pk}/act/", {"decision": "approve"})

    with schema_context("alpha"):
        document.refresh_from_db()
        versions = list(document.versions.values_list("version", "title"))
        kinds = list(document.actions.values_list("kind", flat=True))
    assert document.version == 2 and document.body == "<p>고친 안</p>"
    assert versions == [(1, "민원 개선안"), (2, "민원 개선안 (수정)")]
    assert kinds == ["submitted", "revised", "approved"]
    card = agency_client("alpha", alpha_people.staff.user).get(f"/approvals/{document.pk}/")
    card = card.content.decode()
    assert "검토 (의견 있음)" in card and "판 이력" in card
    pdf_boxes = agency_client("alpha", alpha_people.staff.user).get(
        f"/approvals/{document.pk}/pdf/")
    assert pdf_boxes.status_code == 200


def test_a_cooperator_may_only_write_an_opinion(alpha_people, document):
    with schema_context("alpha"):
        services.step_approve(document=document, actor=alpha_people.head)
    hr = agency_client("alpha", alpha_people.hr.user)
    response = hr.post(f"/approvals/{document.pk}/revise/",
                       {"title": "바꾼 제목", "body": "<p>바꾼 본문</p>"})
    assert response.status_code == 400
    assert "검토자만 직접 고칠 수 있습니다" in response.content.decode()
    hr.post(f"/approvals/{document.pk}/act/", {"decision": "approve", "opinion": "예산 확인 필요"})
    with schema_context("alpha"):
        document.refresh_from_db()
        step = document.steps.get(person=alpha_people.hr)
    assert document.title == "민원 개선안" and document.version == 1
    assert step.has_opinion


def test_the_drafter_skips_a_travelling_reviewer_with_a_reason(alpha_people, document):
    staff = agency_client("alpha", alpha_people.staff.user)
    assert "검토자 건너뛰기" in staff.get(f"/approvals/{document.pk}/").content.decode()
    refused = staff.post(f"/approvals/{document.pk}/skip/", {"reason": " "}, follow=True)
    assert "건너뛰는 사유를 입력하세요" in refused.content.decode()
    staff.post(f"/approvals/{document.pk}/skip/", {"reason": "해외 출장"})

    with schema_context("alpha"):
        steps = {s.person_id: s for s in document.steps.all()}
    assert steps[alpha_people.head.pk].status == StepStatus.SKIPPED
    assert steps[alpha_people.hr.pk].status == StepStatus.PENDING
    card = staff.get(f"/approvals/{document.pk}/").content.decode()
    assert "건너뜀" in card and "해외 출장" in card
    head = agency_client("alpha", alpha_people.head.user)
    late = head.post(f"/approvals/{document.pk}/act/", {"decision": "approve"}, follow=True)
    assert "이미 처리된 문서" in late.content.decode()


def test_only_the_drafter_skips_and_only_a_reviewer_at_their_turn(alpha_people, document):
    outsider = agency_client("alpha", alpha_people.hr.user)
    response = outsider.post(f"/approvals/{document.pk}/skip/", {"reason": "부재"}, follow=True)
    assert "기안자만 검토자를 건너뛸 수 있습니다" in response.content.decode()
    with schema_context("alpha"):
        services.step_approve(document=document, actor=alpha_people.head)
    staff = agency_client("alpha", alpha_people.staff.user)
    response = staff.post(f"/approvals/{document.pk}/skip/", {"reason": "부재"}, follow=True)
    assert "지금 건너뛸 수 있는 검토자가 없습니다" in response.content.decode()
    with schema_context("alpha"):
        assert Document.objects.get(pk=document.pk).status == DocumentStatus.IN_PROGRESS
        assert document.steps.get(person=alpha_people.hr).status == StepStatus.PENDING
