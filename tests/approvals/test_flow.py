"""A draft goes up its approval line, turn by turn, and is numbered at final approval."""

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from core.approvals import services
from core.approvals.models import Document, DocumentStatus, StepRole, StepStatus
from core.approvals.selectors import approval_queue, document_for
from core.audit.models import AuditEvent
from core.org.models import PersonStatus
from core.org.services import person_update
from tests.factories import PersonFactory

R, C, A = StepRole.REVIEWER, StepRole.COOPERATOR, StepRole.APPROVER


@pytest.fixture
def people(alpha_people):
    with schema_context("alpha"):
        yield alpha_people


def _draft(people, **fields):
    return services.document_draft(drafter=people.staff, title="2026년 정부혁신 추진계획",
                                   body="<p>추진 배경</p><script>alert(1)</script>", **fields)


def _line(people, *entries):
    return [services.LineEntry(person=getattr(people, name), role=role, parallel=parallel)
            for name, role, parallel in entries]


def test_a_document_passes_each_turn_and_gets_its_number_at_final_approval(people):
    document = _draft(people)
    assert "<script>" not in document.body
    services.document_submit(document=document, actor=people.staff, line=_line(
        people, ("head", R, False), ("hr", C, False), ("admin", A, False)))

    assert list(approval_queue(person=people.head)) == [document]
    assert not approval_queue(person=people.admin).exists()
    services.step_approve(document=document, actor=people.head, opinion="이견 없음")
    assert list(approval_queue(person=people.hr)) == [document]
    services.step_approve(document=document, actor=people.hr)
    done = services.step_approve(document=document, actor=people.admin)

    assert done.status == DocumentStatus.APPROVED
    assert done.number == "혁신기획과-1"
    assert [a.kind for a in document.actions.all()] == [
        "submitted", "approved", "approved", "approved", "completed"]
    assert AuditEvent.objects.filter(action="approvals.document_completed").count() == 1


def test_parallel_cooperators_are_asked_at_once_and_both_must_agree(people):
    document = _draft(people)
    services.document_submit(document=document, actor=people.staff, line=_line(
        people, ("hr", C, True), ("other", C, True), ("admin", A, False)))

    assert approval_queue(person=people.hr).exists() and approval_queue(
        person=people.other).exists()
    services.step_approve(document=document, actor=people.other)
    assert not approval_queue(person=people.admin).exists()
    services.step_approve(document=document, actor=people.hr)
    assert approval_queue(person=people.admin).exists()


def test_a_returned_document_is_redrafted_and_resubmitted_as_a_new_version(people):
    document = _draft(people)
    line = _line(people, ("head", R, False), ("admin", A, False))
    services.document_submit(document=document, actor=people.staff, line=line)

    with pytest.raises(ValidationError, match="반려 사유"):
        services.step_return(document=document, actor=people.head, reason=" ")
    services.step_return(document=document, actor=people.head, reason="예산 근거 보완")
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.RETURNED

    services.document_submit(document=document, actor=people.staff, line=line)
    document.refresh_from_db()
    assert (document.version, document.status) == (2, DocumentStatus.IN_PROGRESS)
    assert document.versions.count() == 2
    assert document.actions.filter(kind="returned", note="예산 근거 보완").exists()


def test_hold_keeps_the_turn_until_the_signer_decides(people):
    document = _draft(people)
    services.document_submit(document=document, actor=people.staff,
                             line=_line(people, ("admin", A, False)))
    services.step_hold(document=document, actor=people.admin, reason="관계부처 협의 후 결재")

    assert Document.objects.get(pk=document.pk).status == DocumentStatus.HELD
    assert approval_queue(person=people.admin).exists()
    assert services.step_approve(document=document, actor=people.admin).status == "approved"


def test_the_drafter_withdraws_only_until_someone_has_acted(people):
    first = _draft(people)
    services.document_submit(document=first, actor=people.staff,
                             line=_line(people, ("head", R, False), ("admin", A, False)))
    assert services.document_withdraw(document=first, actor=people.staff).status == "withdrawn"
    assert not approval_queue(person=people.head).exists()

    second = _draft(people)
    services.document_submit(document=second, actor=people.staff,
                             line=_line(people, ("head", R, False), ("admin", A, False)))
    services.step_approve(document=second, actor=people.head)
    with pytest.raises(services.AlreadyHandled):
        services.document_withdraw(document=second, actor=people.staff)


def test_only_the_person_whose_turn_it_is_can_act(people):
    document = _draft(people)
    services.document_submit(document=document, actor=people.staff,
                             line=_line(people, ("head", R, False), ("admin", A, False)))
    for outsider in (people.admin, people.other, people.staff):
        with pytest.raises(ValidationError):
            services.step_approve(document=document, actor=outsider)
    assert document.steps.get(person=people.head).status == StepStatus.PENDING


def test_acting_twice_or_on_a_finished_document_is_already_handled(people):
    document = _draft(people)
    services.document_submit(document=document, actor=people.staff,
                             line=_line(people, ("head", R, False), ("admin", A, False)))
    services.step_approve(document=document, actor=people.head)
    with pytest.raises(services.AlreadyHandled, match="이미 처리된 문서"):
        services.step_approve(document=document, actor=people.head)
    services.step_approve(document=document, actor=people.admin)
    with pytest.raises(services.AlreadyHandled):
        services.step_return(document=document, actor=people.admin, reason="늦은 반려")


@pytest.mark.parametrize(("entries", "message"), [
    ((), "결재권자"),
    ((("head", R, False),), "결재권자"),
    ((("head", A, False), ("admin", A, False)), "한 명"),
    ((("head", R, False), ("head", A, False)), "두 번"),
    ((("staff", A, False),), "기안자는"),
])
def test_bad_lines_are_refused_and_nothing_changes(people, entries, message):
    document = _draft(people)
    with pytest.raises(ValidationError, match=message):
        services.document_submit(document=document, actor=people.staff,
                                 line=_line(people, *entries))
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT and not document.steps.exists()


def test_a_departed_person_cannot_be_put_on_a_line(people):
    person_update(person=people.head, actor=None, status=PersonStatus.LEFT)
    people.head.refresh_from_db()
    document = _draft(people)
    with pytest.raises(ValidationError, match="퇴직"):
        services.document_submit(document=document, actor=people.staff,
                                 line=_line(people, ("head", A, False)))


@pytest.mark.parametrize(("fields", "message"), [
    ({"body": ""}, "본문을 입력"),
    ({"body": "가" * 200_001}, "너무 깁니다"),
    ({"title": "  "}, "제목"),
    ({"disclosure": "closed"}, "제9조제1항"),
])
def test_bad_drafts_are_refused(people, fields, message):
    before = Document.objects.count()
    with pytest.raises(ValidationError, match=message):
        services.document_draft(**{"drafter": people.staff, "title": "제목", "body": "본문",
                                   **fields})
    assert Document.objects.count() == before


def test_only_the_drafter_and_the_line_can_read_a_document(people):
    document = _draft(people)
    services.document_submit(document=document, actor=people.staff,
                             line=_line(people, ("admin", A, False)))
    stranger = PersonFactory(unit=people.staff.unit)
    assert document_for(person=people.admin, pk=document.pk) == document
    assert document_for(person=people.staff, pk=document.pk) == document
    assert document_for(person=stranger, pk=document.pk) is None
    assert document_for(person=people.hr, pk=document.pk) is None


def test_a_plain_text_body_becomes_paragraphs_with_its_text_escaped(people):
    document = services.document_draft(drafter=people.staff, title="보고",
                                       body="첫 문단\n둘째 줄\n\n2 < 3 & 5 > 4")
    assert document.body == "<p>첫 문단<br>둘째 줄</p>\n\n<p>2 &lt; 3 &amp; 5 &gt; 4</p>"
