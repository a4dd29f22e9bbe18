"""Receiving and handling cases: numbers, due dates, moves recorded as typed events,
masking and the audited unmasked view."""

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from core.audit.events import EventType
from core.audit.models import ActivityEvent
from core.customers import selectors, services
from core.customers.models import Case, CaseStatus, CaseStep, Customer
from tests.customers.conftest import intake
from tests.factories import UnitFactory


def _types(case) -> list[str]:
    return list(
        ActivityEvent.objects.filter(object_id=str(case.pk), object_type="customers.case")
        .order_by("id")
        .values_list("type", flat=True)
    )


def test_cases_are_numbered_per_year_without_gaps(alpha):
    with schema_context("alpha"):
        first, _ = services.case_receive(intake=intake(), channel="web")
        second, _ = services.case_receive(intake=intake(name="김철수"), channel="phone")
        assert first.serial + 1 == second.serial
        assert second.number.startswith(f"{second.year}-")
        assert first.due_on > first.received_at.date()
        assert first.customer.consent_version == services.CONSENT_VERSION
        assert first.customer.retain_until.year == first.received_at.year + 3


def test_a_case_without_consent_or_contact_is_refused_and_nothing_is_written(alpha):
    with schema_context("alpha"):
        with pytest.raises(ValidationError) as refused:
            services.case_receive(intake=intake(consent=False, email="", phone=""), channel="web")
        assert {"consent", "email"} <= set(refused.value.message_dict)
        assert not Case.objects.exists() and not Customer.objects.exists()


def test_assignment_transfer_extension_and_closure_are_recorded(alpha_people, case, officer):
    with schema_context("alpha"):
        other_unit = UnitFactory(name="민원총괄과")
        case = services.case_assign(case=case, assignee=alpha_people.staff, actor=alpha_people.head)
        assert case.status == CaseStatus.ASSIGNED
        case = services.case_transfer(case=case, unit=other_unit, actor=officer, reason="소관 부서")
        assert (case.status, case.assignee) == (CaseStatus.TRANSFERRED, None)
        due = case.due_on
        case = services.case_extend(case=case, days=3, reason="현장 확인 필요", actor=officer)
        assert case.due_on > due and case.status == CaseStatus.EXTENDED
        with pytest.raises(ValidationError):
            services.case_extend(case=case, days=1, reason="또", actor=officer)
        case = services.case_close(case=case, answer="단속했습니다.", actor=officer)
        assert case.status == CaseStatus.CLOSED and case.closed_at
        assert _types(case) == [
            EventType.CASE_RECEIVED,
            EventType.CASE_ASSIGNED,
            EventType.CASE_TRANSFERRED,
            EventType.CASE_EXTENDED,
            EventType.CASE_CLOSED,
            EventType.SURVEY_INVITED,
        ]
        closed = ActivityEvent.objects.get(type=EventType.CASE_CLOSED)
        assert closed.payload["on_time"] is True
        assert list(CaseStep.objects.filter(case=case).values_list("note", flat=True))[2:4] == [
            "소관 부서",
            "현장 확인 필요",
        ]
        with pytest.raises(ValidationError):
            services.case_close(case=case, answer="다시", actor=officer)


def test_a_bystander_cannot_move_a_case(alpha_people, case):
    with schema_context("alpha"):
        with pytest.raises(ValidationError):
            services.case_close(case=case, answer="답", actor=alpha_people.staff)
        assert Case.objects.get(pk=case.pk).status == CaseStatus.RECEIVED


def test_who_sees_the_case_and_who_sees_contacts_unmasked(alpha_people, case, officer):
    with schema_context("alpha"):
        staff, head, other = alpha_people.staff, alpha_people.head, alpha_people.other
        assert selectors.case_for(staff, case.pk) is not None  # same unit: sees the case …
        assert not selectors.handles(staff, case)  # … but masked
        assert selectors.case_for(other, case.pk) is None  # another unit: not at all
        assert selectors.handles(head, case) and selectors.handles(officer, case)
        masked = selectors.contact_of(case.customer, unmasked=False)
        assert (masked.name, masked.phone, masked.email) == (
            "홍*동",
            "010-****-5678",
            "ho***@example.com",
        )


def test_a_wrong_or_revoked_token_finds_nothing(alpha_people, case):
    with schema_context("alpha"):
        assert selectors.case_by_token(case.token).pk == case.pk
        assert selectors.case_by_token("x" * 43) is None
        assert selectors.case_by_token("") is None
        new = services.case_link_revoke(case=case, actor=alpha_people.head)
        assert selectors.case_by_token(case.token) is None
        assert selectors.case_by_token(new).pk == case.pk
