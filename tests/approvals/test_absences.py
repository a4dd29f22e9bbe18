"""Absences: the acting official signs the absent person's turns (대결), marked on the
document, and the absent person acknowledges them afterwards (후결)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from core.approvals import services
from core.approvals.models import Document, DocumentStatus, SignMark, StepRole
from core.approvals.selectors import after_the_fact_queue, approval_queue
from core.policies.services import absence_registrars_update
from tests.conftest import agency_client

TODAY = timezone.localdate()


@pytest.fixture
def people(alpha_people):
    with schema_context("alpha"):
        yield alpha_people


def _away(people, **dates):
    """Alice the approver is on a business trip; Hyun acts for her."""
    return services.absence_register(
        person=people.admin, acting=people.head, kind="trip", actor=people.admin,
        starts_on=dates.get("starts_on", TODAY), ends_on=dates.get("ends_on", TODAY))


def _submitted(people):
    document = services.document_draft(drafter=people.staff, title="출장 중 결재", body="본문")
    return services.document_submit(document=document, actor=people.staff, line=[
        services.LineEntry(person=people.admin, role=StepRole.APPROVER)])


def test_the_acting_official_signs_while_the_approver_is_away(people):
    _away(people)
    document = _submitted(people)
    assert list(approval_queue(person=people.head)) == [document]

    services.step_approve(document=document, actor=people.head)

    step = document.steps.get()
    assert (step.sign_mark, step.acted_by) == (SignMark.PROXY, people.head)
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.APPROVED
    assert list(after_the_fact_queue(person=people.admin)) == [document]

    services.step_acknowledge(document=document, actor=people.admin)
    assert not after_the_fact_queue(person=people.admin).exists()
    with pytest.raises(services.AlreadyHandled):
        services.step_acknowledge(document=document, actor=people.admin)


def test_outside_the_absence_the_acting_official_cannot_sign(people):
    _away(people, starts_on=TODAY + timedelta(days=1), ends_on=TODAY + timedelta(days=3))
    document = _submitted(people)
    assert not approval_queue(person=people.head).exists()
    with pytest.raises(ValidationError, match="차례가 아닙니다"):
        services.step_approve(document=document, actor=people.head)


@pytest.mark.parametrize(("fields", "message"), [
    ({"acting": "admin"}, "자기 자신"),
    ({"ends_on": TODAY - timedelta(days=1)}, "종료일"),
    ({"actor": "other"}, "부재를 등록할 권한이 없습니다"),
])
def test_bad_absences_are_refused(people, fields, message):
    arguments = {"person": people.admin, "acting": people.head, "kind": "leave",
                 "starts_on": TODAY, "ends_on": TODAY, "actor": people.admin}
    arguments.update({k: getattr(people, v) if isinstance(v, str) else v
                      for k, v in fields.items()})
    with pytest.raises(ValidationError, match=message):
        services.absence_register(**arguments)


def test_overlapping_absences_are_refused(people):
    _away(people, ends_on=TODAY + timedelta(days=5))
    with pytest.raises(ValidationError, match="이미 등록된 부재"):
        _away(people, starts_on=TODAY + timedelta(days=2), ends_on=TODAY + timedelta(days=9))


def test_absences_are_registered_and_acknowledged_from_the_pages(alpha_people):
    admin = agency_client("alpha", alpha_people.admin.user)
    response = admin.post("/approvals/absences/", {
        "person": alpha_people.admin.pk, "acting": alpha_people.head.pk, "kind": "leave",
        "starts_on": TODAY.isoformat(), "ends_on": TODAY.isoformat(), "reason": "연가"})
    assert response.status_code == 302
    with schema_context("alpha"):
        document = _submitted(alpha_people)
    head = agency_client("alpha", alpha_people.head.user)
    head.post(f"/approvals/{document.pk}/act/", {"decision": "approve"})

    card = admin.get(f"/approvals/{document.pk}/").content.decode()
    assert "대결" in card and "후결하세요" in card
    admin.post(f"/approvals/{document.pk}/acknowledge/")
    assert "출장 중 결재" not in admin.get("/approvals/?box=after").content.decode()


def test_a_drafter_acting_for_their_approver_cannot_sign_their_own_document(people):
    """Sam drafts for Alice's signature and is registered as her acting official."""
    services.absence_register(person=people.admin, acting=people.staff, kind="trip",
                              actor=people.admin, starts_on=TODAY, ends_on=TODAY)
    document = _submitted(people)

    assert not approval_queue(person=people.staff).exists()
    with pytest.raises(ValidationError, match="자신이 기안한 문서에는 대결할 수 없습니다"):
        services.step_approve(document=document, actor=people.staff)
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.IN_PROGRESS


def test_the_document_page_offers_a_drafter_no_proxy_signature(alpha_people):
    with schema_context("alpha"):
        services.absence_register(person=alpha_people.admin, acting=alpha_people.staff,
                                  kind="trip", actor=alpha_people.admin, starts_on=TODAY,
                                  ends_on=TODAY)
        document = _submitted(alpha_people)
    client = agency_client("alpha", alpha_people.staff.user)

    card = client.get(f"/approvals/{document.pk}/").content.decode()
    client.post(f"/approvals/{document.pk}/act/", {"decision": "approve"})

    assert f'/approvals/{document.pk}/act/' not in card
    with schema_context("alpha"):
        assert Document.objects.get(pk=document.pk).status == DocumentStatus.IN_PROGRESS


def _register(people, *, person, actor, acting=None):
    return services.absence_register(person=getattr(people, person),
                                     acting=acting or people.other, kind="leave",
                                     actor=getattr(people, actor), starts_on=TODAY,
                                     ends_on=TODAY)


def test_a_unit_head_cannot_register_the_absence_of_someone_outside_their_unit(people):
    with pytest.raises(ValidationError, match="권한이 없습니다"):
        _register(people, person="hr", actor="head", acting=people.staff)
    _register(people, person="staff", actor="head")  # their own member


def test_by_default_the_person_their_head_and_hr_register_absences(people):
    _register(people, person="head", actor="head", acting=people.staff)
    _register(people, person="other", actor="hr", acting=people.staff)
    with pytest.raises(ValidationError, match="권한이 없습니다"):
        _register(people, person="staff", actor="admin")


def test_who_registers_absences_is_the_agencys_versioned_rule(people):
    absence_registrars_update(registrars={"self", "admin"}, effective_from=TODAY,
                              actor=people.admin)

    with pytest.raises(ValidationError, match="권한이 없습니다"):
        _register(people, person="staff", actor="head")
    with pytest.raises(ValidationError, match="권한이 없습니다"):
        _register(people, person="staff", actor="hr")
    _register(people, person="staff", actor="admin")
    from core.audit.models import AuditEvent

    event = AuditEvent.objects.get(action="policies.absence_registrars_updated")
    assert event.changes == {"registrars": [["head", "hr", "self"], ["admin", "self"]]}


def test_the_form_offers_only_the_absences_the_rule_allows(alpha_people):
    page = agency_client("alpha", alpha_people.head.user).get("/approvals/absences/")
    options = page.content.decode().split('name="acting"')[0]
    assert alpha_people.staff.name in options and alpha_people.other.name not in options


def test_an_absence_registered_for_someone_else_is_mailed_to_them(
        people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _register(people, person="staff", actor="head")
        _register(people, person="head", actor="head", acting=people.staff)

    (notice,) = mail.outbox
    assert notice.to == [people.staff.email]
    assert people.head.name in notice.body and people.other.name in notice.body
