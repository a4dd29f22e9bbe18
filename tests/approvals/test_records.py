"""The document card's records (issue 12 §1): 정책실명제 on policy documents, a 공고's
effective date, 보존기간 and 분류 from the document type — on the page and in the PDF."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context
from pypdf import PdfReader

from core.approvals import selectors, services
from core.approvals.models import Document, PolicyParticipant, StepRole
from core.audit.models import AuditEvent
from core.policies.models import Policy, PolicyKind
from tests.conftest import agency_client

R, C, A = StepRole.REVIEWER, StepRole.COOPERATOR, StepRole.APPROVER


@pytest.fixture
def people(alpha_people):
    with schema_context("alpha"):
        yield alpha_people


def _meeting():
    return [services.Participant("홍길동", "한국행정연구원 연구위원", "단계적 도입을 권고",
                                 datetime.date(2026, 11, 20)),
            services.Participant("성춘향", "혁신기획과 사무관", "")]


def _policy(people, **fields):
    document = services.document_draft(
        drafter=people.staff, title="2027년 정부혁신 종합계획", body="<p>추진 방향</p>",
        document_type="policy", participants=_meeting(), **fields)
    services.document_submit(document=document, actor=people.staff, line=[
        services.LineEntry(person=people.head, role=R),
        services.LineEntry(person=people.hr, role=C),
        services.LineEntry(person=people.admin, role=A)])
    services.step_approve(document=document, actor=people.head, opinion="예산 검토 필요")
    services.step_approve(document=document, actor=people.hr, opinion="협조 가능")
    return services.step_approve(document=document, actor=people.admin)


def _card(document):
    return selectors.document_for(person=document.drafter, pk=document.pk)


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_policy_document_records_everyone_who_took_part(people):
    document = _policy(people)

    entries = selectors.policy_record(_card(document))

    assert [(e.role, e.name) for e in entries] == [
        ("기안자", "최샘"), ("검토자", "김현"), ("협조자", "박하나"), ("결재권자", "이앨리스"),
        ("회의 참석자", "홍길동"), ("회의 참석자", "성춘향")]
    assert entries[1].opinion == "예산 검토 필요" and entries[2].opinion == "협조 가능"
    assert entries[4].position == "한국행정연구원 연구위원"
    assert entries[4].on == datetime.date(2026, 11, 20)


def test_the_policy_record_is_on_the_card_and_in_the_pdf(alpha_people):
    with schema_context("alpha"):
        document = _policy(alpha_people)
    staff = agency_client("alpha", alpha_people.staff.user)

    page = staff.get(f"/approvals/{document.pk}/").content.decode()
    pdf = _pdf_text(staff.get(f"/approvals/{document.pk}/pdf/").content)

    for text in (page, pdf):
        assert "정책실명제" in text
        assert "홍길동" in text and "단계적 도입을 권고" in text and "예산 검토 필요" in text


def test_a_general_document_has_no_policy_record_and_refuses_meeting_participants(people):
    general = services.document_draft(drafter=people.staff, title="일반", body="본문")
    assert selectors.policy_record(_card(general)) == []

    with pytest.raises(ValidationError, match="정책실명제 대상 문서에만"):
        services.document_draft(drafter=people.staff, title="회의 결과", body="본문",
                                participants=_meeting())
    assert not Document.objects.filter(title="회의 결과").exists()
    assert not PolicyParticipant.objects.exists()


def test_a_type_the_delegation_rule_marks_keeps_a_policy_record_too(people):
    rule = Policy.objects.get(kind=PolicyKind.DELEGATION)
    rule.data["rules"] = [{**r, "policy_record": True} if r["document_type"] == "budget" else r
                          for r in rule.data["rules"]]
    rule.save(update_fields=["data"])

    document = services.document_draft(drafter=people.staff, title="예산 편성", body="본문",
                                       document_type="budget", participants=_meeting()[:1])

    assert document.policy_record
    assert [e.name for e in selectors.policy_record(_card(document))] == ["최샘", "홍길동"]


def test_a_meeting_participant_without_a_name_is_refused(people):
    with pytest.raises(ValidationError, match="성명"):
        services.document_draft(drafter=people.staff, title="정책", body="본문",
                                document_type="policy",
                                participants=[services.Participant("", "소속", "발언")])
    assert not Document.objects.exists()


def test_a_notice_takes_effect_five_days_after_it_is_approved(people):
    document = services.document_draft(drafter=people.staff, title="채용 공고", body="본문",
                                       document_type="notice")
    assert selectors.notice_effect(document) == {"on": None, "days": 5,
                                                 "set_by_drafter": True}
    services.document_submit(document=document, actor=people.staff, line=[
        services.LineEntry(person=people.head, role=A)])
    done = services.step_approve(document=document, actor=people.head)

    today = timezone.localdate()
    assert done.effective_on == today + datetime.timedelta(days=5)
    assert selectors.notice_effect(done)["set_by_drafter"] is False


def test_a_notice_keeps_the_date_its_drafter_set_and_a_past_date_is_refused(people):
    later = timezone.localdate() + datetime.timedelta(days=30)
    document = services.document_draft(drafter=people.staff, title="공고", body="본문",
                                       document_type="notice", effective_on=later)
    services.document_submit(document=document, actor=people.staff, line=[
        services.LineEntry(person=people.head, role=A)])
    assert services.step_approve(document=document, actor=people.head).effective_on == later

    with pytest.raises(ValidationError, match="오늘이나 그 뒤"):
        services.document_draft(drafter=people.staff, title="지난 공고", body="본문",
                                document_type="notice",
                                effective_on=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="공고 문서에만"):
        services.document_draft(drafter=people.staff, title="일반", body="본문",
                                effective_on=later)
    assert Document.objects.count() == 1


def test_the_notice_card_and_pdf_show_when_it_takes_effect(alpha_people):
    with schema_context("alpha"):
        document = services.document_draft(drafter=alpha_people.staff, title="공고",
                                           body="본문", document_type="notice")
        services.document_submit(document=document, actor=alpha_people.staff, line=[
            services.LineEntry(person=alpha_people.head, role=A)])
        services.step_approve(document=document, actor=alpha_people.head)
    staff = agency_client("alpha", alpha_people.staff.user)
    effect = timezone.localdate() + datetime.timedelta(days=5)

    page = staff.get(f"/approvals/{document.pk}/").content.decode()
    pdf = _pdf_text(staff.get(f"/approvals/{document.pk}/pdf/").content)

    assert "효력 발생" in page and effect.strftime("%Y. %-m. %-d.") in page
    assert "공고 후 5일" in page
    assert "효력 발생" in pdf and effect.strftime("%Y. %-m. %-d.") in pdf


def test_retention_and_classification_come_from_the_document_type(people):
    general = services.document_draft(drafter=people.staff, title="일반", body="본문")
    policy = services.document_draft(drafter=people.staff, title="정책", body="본문",
                                     document_type="policy")
    chosen = services.document_draft(drafter=people.staff, title="선택", body="본문",
                                     retention="10", classification="조직 관리")

    assert (general.retention, general.classification) == ("3", "일반 행정")
    assert (policy.retention, policy.classification) == ("30", "정책 기획")
    assert (chosen.retention, chosen.classification) == ("10", "조직 관리")


def test_retention_is_editable_until_the_approver_signs_and_fixed_after(people):
    document = services.document_draft(drafter=people.staff, title="일반", body="본문")
    services.document_submit(document=document, actor=people.staff, line=[
        services.LineEntry(person=people.head, role=R),
        services.LineEntry(person=people.admin, role=A)])

    services.document_management_update(document=document, actor=people.head,
                                        retention="5", classification="성과 관리")
    document.refresh_from_db()
    assert (document.retention, document.classification) == ("5", "성과 관리")
    audit = AuditEvent.objects.filter(action="approvals.document_edited").latest("id")
    assert audit.changes["retention"] == ["3", "5"]
    with pytest.raises(ValidationError, match="기안자나 지금 결재할 차례"):
        services.document_management_update(document=document, actor=people.other,
                                            retention="1")

    services.step_approve(document=document, actor=people.head)
    services.step_approve(document=document, actor=people.admin)
    with pytest.raises(ValidationError, match="바꿀 수 없습니다"):
        services.document_management_update(document=document, actor=people.staff,
                                            retention="1")
    document.refresh_from_db()
    assert document.retention == "5"


def test_an_unknown_retention_is_refused_in_korean_and_nothing_is_written(people):
    with pytest.raises(ValidationError, match="보존기간을 목록에서"):
        services.document_draft(drafter=people.staff, title="일반", body="본문",
                                retention="99")
    assert not Document.objects.exists()


def test_the_card_and_pdf_show_retention_and_classification(alpha_people):
    with schema_context("alpha"):
        document = services.document_draft(drafter=alpha_people.staff, title="정책 보고",
                                           body="본문", document_type="policy")
    staff = agency_client("alpha", alpha_people.staff.user)

    page = staff.get(f"/approvals/{document.pk}/").content.decode()
    pdf = _pdf_text(staff.get(f"/approvals/{document.pk}/pdf/").content)

    for text in (page, pdf):
        assert "보존기간" in text and "30년" in text and "정책 기획" in text
    assert f'action="/approvals/{document.pk}/management/"' in page


def test_the_drafter_changes_retention_on_the_card(alpha_people):
    with schema_context("alpha"):
        document = services.document_draft(drafter=alpha_people.staff, title="일반",
                                           body="본문")
    staff = agency_client("alpha", alpha_people.staff.user)

    staff.post(f"/approvals/{document.pk}/management/",
               {"retention": "permanent", "classification": "법규"})
    refused = staff.post(f"/approvals/{document.pk}/management/",
                         {"retention": "forever"}, follow=True)

    with schema_context("alpha"):
        document.refresh_from_db()
    assert (document.retention, document.classification) == ("permanent", "법규")
    assert "목록에 있는 값 중에서 고르세요" in refused.content.decode()


def test_the_draft_page_takes_a_policy_meeting_and_a_retention(division_head):
    people = division_head
    staff = agency_client("alpha", people.staff.user)
    response = staff.post("/approvals/new/", {
        "title": "정책 기안", "body": "본문", "document_type": "policy", "disclosure": "public",
        "approver": people.admin.pk, "retention": "10", "classification": "",
        "meeting_on": "2026-11-20",
        "participants": "홍길동 / 한국행정연구원 / 단계적 도입\n성춘향"}, follow=True)
    assert response.status_code == 200

    with schema_context("alpha"):
        document = Document.objects.get(title="정책 기안")
        assert (document.retention, document.classification) == ("10", "정책 기획")
        assert [(p.name, p.affiliation, p.remark, p.meeting_on) for p in
                document.policy_participants.all()] == [
            ("홍길동", "한국행정연구원", "단계적 도입", datetime.date(2026, 11, 20)),
            ("성춘향", "", "", datetime.date(2026, 11, 20))]


def test_the_audit_trail_reads_the_meeting_participants_as_names(people):
    from core.audit.display import describe

    services.document_draft(drafter=people.staff, title="정책", body="본문",
                            document_type="policy", participants=_meeting())

    event = AuditEvent.objects.filter(action="approvals.document_drafted").latest("id")
    assert "회의 참석자: 홍길동, 성춘향" in [str(change) for change in describe(event)]
