"""Read cases and customers, with the access rules of one place: who sees a case (its
handling unit, its assignee, the customer officers) and who sees the customer's contact
details unmasked (the case's handlers and the customer officers, 개인정보 보호법)."""

import hashlib
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.customers.masking import mask_email, mask_name, mask_phone
from core.customers.models import (
    OPEN_STATUSES,
    Case,
    CaseStatus,
    Customer,
    NoticeDelivery,
    Subscription,
)
from core.org.models import Person, RoleCode
from core.org.selectors import role_codes
from core.policies.selectors import rule_version
from core.portal.params import digits_to_int

TOKEN_MAX_CHARS = 100


def is_customer_officer(person: Person | None) -> bool:
    return RoleCode.CUSTOMER_OFFICER in role_codes(person)


def cases_visible_to(person: Person | None) -> QuerySet[Case]:
    """The cases ``person`` may open: all for customer officers; otherwise those of their
    unit, those assigned to them and those they entered. Nothing for someone who is not an
    active member."""
    if person is None or not person.is_active:
        return Case.objects.none()
    cases = Case.objects.select_related("customer", "handling_unit", "assignee")
    if is_customer_officer(person):
        return cases
    mine = Q(assignee_id=person.pk) | Q(received_by_id=person.pk)
    if person.unit_id:
        mine |= Q(handling_unit_id=person.unit_id)
    return cases.filter(mine)


def case_for(person: Person | None, pk) -> Case | None:
    """The case ``pk`` if ``person`` may open it, else None (answered as not found)."""
    if (case_id := digits_to_int(pk)) is None:
        return None
    return cases_visible_to(person).filter(pk=case_id).first()


def handles(person: Person | None, case: Case) -> bool:
    """Whether ``person`` handles ``case``: its assignee, the head of its handling unit or a
    customer officer. They act on it and see the customer's contact details."""
    if person is None or not person.is_active:
        return False
    if case.assignee_id == person.pk or is_customer_officer(person):
        return True
    return bool(case.handling_unit_id and case.handling_unit.head_id == person.pk)


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str
    masked: bool


def contact_of(customer: Customer, *, unmasked: bool) -> Contact:
    """The customer's name and contacts, masked unless ``unmasked`` (the caller records the
    unmasked view: services.contact_view_record)."""
    if unmasked:
        return Contact(customer.name, customer.email, customer.phone, False)
    return Contact(
        mask_name(customer.name), mask_email(customer.email), mask_phone(customer.phone), True
    )


def case_by_token(token: str) -> Case | None:
    """The case whose private status link carries ``token``; None for a wrong or revoked one.
    The lookup is by the token's hash (an index probe), so a wrong token costs the same as a
    right one and the token itself is never stored."""
    if not token or len(token) > TOKEN_MAX_CHARS:
        token = ""
    digest = hashlib.sha256(token.encode()).hexdigest()
    return (
        Case.objects.select_related("handling_unit", "assignee__position")
        .filter(token_hash=digest)
        .first()
    )


def case_box(
    *,
    person: Person,
    status: str = "open",
    unit: str = "",
    case_type: str = "",
    overdue: bool = False,
    query: str = "",
) -> QuerySet[Case]:
    """The case box: open cases by due date by default; filters by status, unit, type,
    overdue; a search in the number and title."""
    cases = cases_visible_to(person)
    if status == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif status in CaseStatus.values:
        cases = cases.filter(status=status)
    if (unit_id := digits_to_int(unit)) is not None:
        cases = cases.filter(handling_unit_id=unit_id)
    if case_type:
        cases = cases.filter(case_type=case_type)
    if overdue:
        cases = cases.filter(status__in=OPEN_STATUSES, due_on__lt=timezone.localdate())
    query = query.strip()[:100]
    if query:
        number = query.split("-")
        found = Q(title__icontains=query)
        year, serial = (digits_to_int(part, max_digits=9) for part in (number + ["", ""])[:2])
        if len(number) == 2 and year is not None and serial is not None:
            found |= Q(year=year, serial=serial)
        cases = cases.filter(found)
    return cases.order_by("due_on", "id")


def case_types(*, on: date | None = None, public_only: bool = False) -> list:
    """The case types of the rule in force (the standard model's when the agency has none)."""
    rule = rule_version(kind="case_types", on=on or timezone.localdate()).rule
    return [t for t in rule.types if t.public or not public_only]


def deliveries_of(person: Person | None, case: Case) -> list[NoticeDelivery]:
    """The case's delivery log (channel, step, masked address, status, attempts, time), for
    its handlers and the customer officers only; empty for anyone else."""
    if not handles(person, case):
        return []
    return list(case.deliveries.select_related("step").order_by("created_at", "id"))


def subscriptions_for(person: Person | None) -> QuerySet[Subscription]:
    """The followers of public cards and topics: the customer officers' list."""
    if not is_customer_officer(person):
        return Subscription.objects.none()
    return Subscription.objects.select_related("customer", "task").order_by(
        "ended_at", "-created_at"
    )
