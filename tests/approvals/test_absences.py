"""Absences: the acting official signs the absent person's turns (대결), marked on the
document, and the absent person acknowledges them afterwards (후결)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from core.approvals import services
from core.approvals.models import Document, DocumentStatus, SignMark, StepRole
from core.approvals.selectors import after_the_fact_queue, approval_queue
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
    ({"actor": "other"}, "본인이나 소속 부서장"),
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
