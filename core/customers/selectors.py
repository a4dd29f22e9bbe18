"""Read cases and customers, with the access rules of one place: who sees a case (its
handling unit, its assignee, the customer officers) and who sees the customer's contact
details unmasked (the case's handlers and the customer officers, 개인정보 보호법)."""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.approvals.models import Document, DocumentStatus
from core.approvals.selectors import visible_documents
from core.customers.masking import mask_email, mask_name, mask_phone
from core.customers.models import (
    OPEN_STATUSES,
    Case,
    CaseLink,
    CaseStatus,
    Customer,
    OutgoingRequest,
)
from core.exchange import selectors as exchange
from core.exchange.models import AgencyRequest
from core.org.models import Person, RoleCode
from core.org.selectors import role_codes
from core.policies.selectors import rule_version, rule_version_get
from core.portal.params import digits_to_int
from core.work.models import ProgressReport, Task, TaskStatus

TOKEN_MAX_CHARS = 100
# How far back the documents offered for linking to a case go.
LINKABLE_DAYS = 365


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


def case_type_of(case: Case):
    """The case's type as the rule version it was received under says (its due days, its
    stages, whether its answer needs an approved document); None if the type is gone."""
    if case.rule_version_id:
        version = rule_version_get(case.rule_version_id)
    else:
        version = rule_version(kind="case_types", on=timezone.localdate(case.received_at))
    return next((t for t in version.rule.types if t.code == case.case_type), None)


def case_stages(case: Case) -> list[str]:
    found = case_type_of(case)
    return list(found.stages) if found else []


def case_links(case: Case) -> list[CaseLink]:
    return list(case.links.select_related("task", "document", "linked_by"))


def has_approved_document(case: Case) -> bool:
    """Whether an approved (결재 완료) document is linked to the case."""
    return case.links.filter(document__status=DocumentStatus.APPROVED).exists()


def linkable_tasks(*, person: Person, case: Case) -> QuerySet[Task]:
    """Open task cards of the case's unit or the person's, not yet linked to the case."""
    units = {u for u in (case.handling_unit_id, person.unit_id) if u}
    return (
        Task.objects.filter(Q(unit_id__in=units) | Q(owner=person))
        .exclude(status=TaskStatus.DONE)
        .exclude(pk__in=case.links.filter(task__isnull=False).values("task_id"))
        .order_by("-updated_at", "-id")
    )


def linkable_documents(*, person: Person, case: Case) -> QuerySet[Document]:
    """Documents of the last year the person may read, of the case's unit or their own
    drafting, not yet linked to the case (the choice stays short in a large agency)."""
    units = {u for u in (case.handling_unit_id, person.unit_id) if u}
    since = timezone.now() - timedelta(days=LINKABLE_DAYS)
    return (
        visible_documents(person=person)
        .filter(Q(handling_unit_id__in=units) | Q(drafter=person), created_at__gte=since)
        .exclude(pk__in=case.links.filter(document__isnull=False).values("document_id"))
        .order_by("-created_at", "-id")
    )


def shared_progress(case: Case) -> list[ProgressReport]:
    """Progress reports marked "share with the customer" on the tasks linked to the case,
    oldest first: what the status page shows beside the case's own steps."""
    return list(
        ProgressReport.objects.filter(
            share_with_customers=True,
            task_id__in=case.links.filter(task__isnull=False).values("task_id"),
        ).order_by("reported_at", "id")
    )


# --- Requests to and from other agencies on the platform (issue 9 §4) -------------------


def outgoing_visible_to(person: Person | None) -> QuerySet[OutgoingRequest]:
    """The requests to other agencies ``person`` may follow: their own, their unit's, and
    all of them for customer officers."""
    if person is None or not person.is_active:
        return OutgoingRequest.objects.none()
    rows = OutgoingRequest.objects.select_related("requester", "unit")
    if is_customer_officer(person):
        return rows
    mine = Q(requester_id=person.pk)
    if person.unit_id:
        mine |= Q(unit_id=person.unit_id)
    return rows.filter(mine)


def outgoing_list(person: Person) -> list[tuple[OutgoingRequest, AgencyRequest | None]]:
    """Each request ``person`` may follow, with its state on the channel."""
    rows = list(outgoing_visible_to(person)[:200])
    channel = exchange.sent_by_this_agency().in_bulk([r.exchange_request_id for r in rows])
    return [(row, channel.get(row.exchange_request_id)) for row in rows]


def outgoing_for(person: Person | None, pk) -> tuple[OutgoingRequest, AgencyRequest] | None:
    """The request ``pk`` (the channel's id) if this agency sent it and ``person`` may
    follow it; None otherwise, also for an id of another pair of agencies."""
    if (request_id := digits_to_int(pk)) is None:
        return None
    row = outgoing_visible_to(person).filter(exchange_request_id=request_id).first()
    if row is None:
        return None
    sent = exchange.sent_request(request_id)
    return (row, sent) if sent is not None else None


def incoming_waiting(person: Person | None) -> QuerySet[AgencyRequest]:
    """Requests from other agencies waiting to be received: for customer officers only."""
    if person is None or not person.is_active or not is_customer_officer(person):
        return AgencyRequest.objects.none()
    return exchange.waiting_for_receipt()
