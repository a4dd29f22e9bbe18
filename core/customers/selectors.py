"""Read cases and customers, with the access rules of one place: who sees a case (its
handling unit, its assignee, the customer officers) and who sees the customer's contact
details unmasked (the case's handlers and the customer officers, 개인정보 보호법)."""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.approvals.models import Document, DocumentStatus
from core.approvals.selectors import visible_documents
from core.customers.masking import mask_email, mask_name, mask_phone
from core.customers.models import (
    OPEN_STATUSES,
    Case,
    CaseLink,
    CaseStatus,
    Customer,
    NoticeDelivery,
    OutgoingRequest,
    Subscription,
    SurveyResponse,
)
from core.exchange import selectors as exchange
from core.exchange.models import AgencyRequest
from core.org.models import Person, RoleCode, Unit
from core.org.selectors import is_agency_admin, role_codes
from core.policies.selectors import RuleVersion, rule_version, rule_version_get
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


# --- Satisfaction (고객만족도) ---------------------------------------------------------------

# Scores of a group with fewer responses than this are not shown (per person, unit, type,
# month and in total): with one or two answers, a handler could tell whose score it is.
MIN_RESPONSES = 3


@dataclass(frozen=True)
class SurveyInvitation:
    """The survey of a closed case as its customer sees it on the status page."""

    version: RuleVersion
    closes_on: date
    answered: bool
    today: date

    @property
    def is_open(self) -> bool:
        return not self.answered and self.today <= self.closes_on

    @property
    def points(self) -> range:
        return range(1, self.version.rule.scale + 1)


def survey_of(case: Case) -> SurveyInvitation | None:
    """The survey the customer of ``case`` is invited to, once it is closed: the rule
    version in force on the closing day (or the one an answer pinned), open for the rule's
    days; None while the case is open."""
    if not case.is_closed:
        return None
    closed_on = timezone.localdate(case.closed_at)
    response = SurveyResponse.objects.filter(case_id=case.pk).only("rule_version_id").first()
    version = rule_version(kind="survey", on=closed_on)
    if response is not None and response.rule_version_id not in (None, version.id):
        version = rule_version_get(response.rule_version_id)
    return SurveyInvitation(
        version=version,
        closes_on=closed_on + timedelta(days=version.rule.open_days),
        answered=response is not None,
        today=timezone.localdate(),
    )


def may_read_satisfaction(person: Person | None) -> bool:
    """Customer officers, agency admins and unit heads read satisfaction results."""
    if person is None or not person.is_active:
        return False
    return (
        is_customer_officer(person)
        or is_agency_admin(person)
        or Unit.objects.filter(head_id=person.pk, is_active=True).exists()
    )


def satisfaction_units(person: Person) -> list[int] | None:
    """The units whose cases' results ``person`` reads: None for all (customer officers,
    admins), else the units they head."""
    if is_customer_officer(person) or is_agency_admin(person):
        return None
    return list(Unit.objects.filter(head_id=person.pk).values_list("pk", flat=True))


@dataclass(frozen=True)
class ResultRow:
    """One group's results. ``score`` (0–100) and ``low`` are None below MIN_RESPONSES."""

    key: object
    label: str
    closed: int
    answered: int
    score: Decimal | None
    low: int | None

    @property
    def rate(self) -> Decimal:
        """Response rate in percent."""
        if not self.closed:
            return Decimal(0)
        return (Decimal(self.answered) * 100 / self.closed).quantize(Decimal("0.1"))

    def cells(self) -> tuple[str, str, str, str | None, str]:
        """Closed, answered, rate, score (None below the minimum) and low, as the page shows
        them: formatted once here rather than localised cell by cell in the template."""
        return (
            f"{self.closed:,}",
            f"{self.answered:,}",
            f"{self.rate}%",
            None if self.score is None else f"{self.score}",
            "—" if self.low is None else f"{self.low:,}",
        )


@dataclass(frozen=True)
class Results:
    start: date
    end: date
    total: ResultRow
    people: list[ResultRow]
    units: list[ResultRow]
    types: list[ResultRow]
    months: list[ResultRow]


# The period's monthly counts, grouped five ways at once (GROUPING SETS): a year is at most
# months × units × people × types rows, however many cases closed (core/customers/tally.py).
_RESULTS_SQL = """
SELECT GROUPING(person_id), GROUPING(unit_id), GROUPING(case_type), GROUPING(month),
       person_id, unit_id, case_type, month, max(case_type_name),
       sum(closed), sum(answered), sum(score_sum), sum(low)
FROM customers_satisfactiontally
WHERE month >= %(start)s AND month <= %(end)s
      AND (%(all_units)s OR unit_id = ANY(%(units)s))
GROUP BY GROUPING SETS ((person_id), (unit_id), (case_type), (month), ())
"""


def _row(key, label: str, closed, answered, score_sum, low) -> ResultRow:
    closed, answered = int(closed or 0), int(answered or 0)
    shown = answered >= MIN_RESPONSES
    score = (Decimal(score_sum) / answered).quantize(Decimal("0.1")) if shown else None
    return ResultRow(key=key, label=label, closed=closed, answered=answered, score=score,
                     low=int(low or 0) if shown else None)


def satisfaction_results(*, start: date, end: date, units: list[int] | None = None) -> Results:
    """Satisfaction of the cases closed in the months from ``start`` to ``end`` (inclusive;
    any day of a month stands for it) by person, unit, case type and month, with response
    rates; ``units`` limits them to those units' cases (None: all). A score is the mean of
    the responses' 0–100 scores."""
    start, end = start.replace(day=1), end.replace(day=1)
    params = {"start": start, "end": end, "all_units": units is None, "units": units or []}
    with connection.cursor() as cursor:
        cursor.execute(_RESULTS_SQL, params)
        rows = cursor.fetchall()
    grouped: dict[str, list] = {"person": [], "unit": [], "type": [], "month": [], "total": []}
    for g_person, g_unit, g_type, g_month, person, unit, kind, month, type_name, *counts in rows:
        if g_person + g_unit + g_type + g_month == 4:
            grouped["total"].append((None, "", *counts))
        elif not g_person:
            grouped["person"].append((person or None, "", *counts))
        elif not g_unit:
            grouped["unit"].append((unit or None, "", *counts))
        elif not g_type:
            grouped["type"].append((kind, type_name, *counts))
        else:
            grouped["month"].append((month, month.strftime("%Y-%m"), *counts))
    names = _names(grouped["person"], grouped["unit"])
    total = grouped["total"][0] if grouped["total"] else (None, "", 0, 0, 0, 0)
    return Results(
        start=start,
        end=end,
        total=_row(*total),
        people=_named(grouped["person"], names["person"], _("배정 전")),
        units=_named(grouped["unit"], names["unit"], _("부서 미지정")),
        types=sorted((_row(*r) for r in grouped["type"]), key=lambda r: r.label),
        months=sorted((_row(*r) for r in grouped["month"]), key=lambda r: r.key),
    )


def _names(people: list, units: list) -> dict[str, dict]:
    return {
        "person": dict(
            Person.objects.filter(pk__in=[r[0] for r in people if r[0]]).values_list("pk", "name")
        ),
        "unit": dict(
            Unit.objects.filter(pk__in=[r[0] for r in units if r[0]]).values_list("pk", "name")
        ),
    }


def _named(rows: list, names: dict, missing: str) -> list[ResultRow]:
    named = [_row(key, names.get(key, missing), *counts) for key, _label, *counts in rows]
    return sorted(named, key=lambda r: (r.key is None, r.label))
