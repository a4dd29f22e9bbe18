"""Read approval queues and documents, with who may see what built in."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    CharField,
    Count,
    Exists,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.approvals.models import (
    CONTINUOUS,
    ActionKind,
    ApprovalStep,
    Circulation,
    Disclosure,
    Document,
    DocumentAction,
    DocumentRecipient,
    DocumentStatus,
    PolicyParticipant,
    SignMark,
    StepRole,
    StepStatus,
)
from core.org import selectors as org_selectors
from core.org.models import Person, PersonStatus, Position, RoleCode, Unit
from core.org.selectors import role_codes
from core.policies.models import PolicyKind
from core.policies.selectors import absence_registrars, delegation_rules, policy_in_force

# 공고 제2026-3호, 훈령 제12호 (a type's own register, see Document.number).
TYPED_NUMBER = re.compile(r"^(?P<name>\S+)\s*제(?:(?P<year>\d{4})-)?(?P<serial>\d+)호?$")


def absent_people_acted_for(*, acting: Person, on: date) -> QuerySet[Person]:
    """The people absent on ``on`` whose turns ``acting`` signs (대결)."""
    return org_selectors.people_absent_with_acting(acting=acting, on=on)


def may_register_absence(*, actor: Person, person: Person, on: date) -> bool:
    """Whether ``actor`` may register ``person``'s absence under the agency's rule in force
    (부재 등록 권한: the person, their unit head, HR officers, agency admins)."""
    allowed = absence_registrars(on=on)
    roles = role_codes(actor)
    return bool(roles) and (
        ("self" in allowed and actor.pk == person.pk)
        or ("head" in allowed and person.unit is not None and person.unit.head_id == actor.pk)
        or ("hr" in allowed and RoleCode.HR_OFFICER in roles)
        or ("admin" in allowed and RoleCode.AGENCY_ADMIN in roles))


def absence_registrable_people(*, actor: Person, on: date) -> QuerySet[Person]:
    """The active people whose absence ``actor`` may register, for the form's picker."""
    allowed = absence_registrars(on=on)
    roles = role_codes(actor)
    people = Person.objects.filter(status=PersonStatus.ACTIVE)
    if ("hr" in allowed and RoleCode.HR_OFFICER in roles) or (
            "admin" in allowed and RoleCode.AGENCY_ADMIN in roles):
        return people
    mine = Q(pk=actor.pk) if "self" in allowed else Q(pk__in=[])
    if "head" in allowed:
        mine |= Q(unit__head=actor)
    return people.filter(mine) if roles else people.none()


def signers_for(person: Person) -> list[int]:
    """The person and everyone absent today for whom they act."""
    absent = absent_people_acted_for(acting=person, on=timezone.localdate())
    return [person.pk, *absent.values_list("pk", flat=True)]


def approval_queue(*, person: Person, signers: list[int] | None = None) -> QuerySet[Document]:
    """결재할 문서: documents where it is the person's turn (or they put it on hold), and the
    turns of people absent today for whom they act. ``signers`` is ``signers_for(person)``
    when the caller has it already (a page asks several times)."""
    # Resolve the signers first: a plain IN list lets the (person, status) index drive the
    # lookup, where an OR with a subquery made PostgreSQL scan every open step.
    if signers is None:
        signers = signers_for(person)
    turn = ApprovalStep.objects.filter(document=OuterRef("pk"), person__in=signers,
                                       status__in=[StepStatus.PENDING, StepStatus.HELD])
    # Never the person's own drafts: a drafter is on no box of their own line, and must not
    # sign one as an acting official either.
    return (Document.objects.filter(Exists(turn),
                                    status__in=[DocumentStatus.IN_PROGRESS, DocumentStatus.HELD])
            .exclude(drafter=person)
            .select_related("drafter", "handling_unit").order_by("submitted_at", "id"))


def after_the_fact_queue(*, person: Person) -> QuerySet[Document]:
    """후결: documents signed for the person by their acting official, not yet acknowledged."""
    proxied = ApprovalStep.objects.filter(document=OuterRef("pk"), person=person,
                                          sign_mark=SignMark.PROXY, acknowledged_at__isnull=True)
    return Document.objects.filter(Exists(proxied))


def involved_documents(*, person: Person,
                       signers: list[int] | None = None) -> QuerySet[Document]:
    """Documents the person drafted, stands on the line of, signed as acting official,
    received in their unit or had circulated to them. ``signers`` as for ``approval_queue``."""
    on_line = ApprovalStep.objects.filter(Q(person=person) | Q(acted_by=person),
                                          document=OuterRef("pk"))
    received = DocumentRecipient.objects.filter(document=OuterRef("pk"), unit=person.unit_id,
                                                dispatched_at__isnull=False)
    circulated = Circulation.objects.filter(document=OuterRef("pk"), person=person)
    return Document.objects.filter(Exists(on_line) | Q(drafter=person) | Exists(received)
                                   | Exists(circulated)
                                   | Q(pk__in=approval_queue(person=person, signers=signers)
                                         .values("pk")))


def reads_all_documents(person: Person) -> bool:
    """Those the agency grants the records officer role read every submitted document."""
    return RoleCode.RECORDS_OFFICER in role_codes(person)


def visible_documents(*, person: Person,
                      signers: list[int] | None = None) -> QuerySet[Document]:
    """The documents the person may read: those they are involved in; nobody else reads
    them, except records officers."""
    if reads_all_documents(person):
        return Document.objects.exclude(status=DocumentStatus.DRAFT)
    return involved_documents(person=person, signers=signers)


def may_circulate(*, person: Person, document: Document) -> bool:
    """공람 is for those who handled the document, not for everyone who was shown it: the
    drafter (the handler), the approver and whoever signed in their place; for a document
    that is not 비공개 also everyone else on the line, the 처리담당자 a receiving unit named
    at 접수 (whoever registered it, for receipts that named none) and records officers.
    Someone only circulated a document cannot circulate it on. Reads the document's steps
    and recipients (prefetched on the card)."""
    steps = list(document.steps.all())
    approvers = {pk for s in steps if s.role == StepRole.APPROVER
                 for pk in (s.person_id, s.acted_by_id)}
    handlers = {document.drafter_id} | approvers
    if document.disclosure != Disclosure.CLOSED:
        handlers |= {pk for s in steps for pk in (s.person_id, s.acted_by_id)}
        handlers |= {r.handler_id or r.received_by_id for r in document.recipients.all()}
        if reads_all_documents(person):
            return True
    return person.pk in handlers


def reads_by_role_only(*, person: Person, document: Document, signers: list[int]) -> bool:
    """Whether the person reads the document only because they are a records officer: not
    its drafter, nowhere on its line (nor acting for someone there), not circulated it, not
    in a unit it was sent to. Such readings are recorded in the audit trail. Reads the
    document's steps, circulations and recipients (prefetched by ``document_for``)."""
    if not reads_all_documents(person) or document.drafter_id == person.pk:
        return False
    on_line = any(s.person_id in signers or s.acted_by_id == person.pk
                  for s in document.steps.all())
    circulated = any(c.person_id == person.pk for c in document.circulations.all())
    received = any(r.unit_id == person.unit_id and r.dispatched_at
                   for r in document.recipients.all() if r.unit_id)
    return not (on_line or circulated or received)


def visible_document_ids(*, person: Person) -> QuerySet:
    """The ids of ``visible_documents(person)`` as text (how activity events name their
    objects), each source read through its own index: a membership test against this set
    costs what the person is involved in, where ``visible_documents`` tests every document
    the agency holds (1.4 s for a record of work in a 200,000-document agency)."""
    if reads_all_documents(person):
        return _text_ids(Document.objects.exclude(status=DocumentStatus.DRAFT), "pk")
    signers = signers_for(person)
    open_turns = ApprovalStep.objects.filter(
        person__in=signers, status__in=[StepStatus.PENDING, StepStatus.HELD],
        document__status__in=[DocumentStatus.IN_PROGRESS, DocumentStatus.HELD])
    sources = [
        _text_ids(ApprovalStep.objects.filter(person=person), "document_id"),
        _text_ids(ApprovalStep.objects.filter(acted_by=person), "document_id"),
        _text_ids(Document.objects.filter(drafter=person), "pk"),
        _text_ids(DocumentRecipient.objects.filter(unit=person.unit_id,
                                                   dispatched_at__isnull=False), "document_id"),
        _text_ids(Circulation.objects.filter(person=person), "document_id"),
        _text_ids(open_turns, "document_id"),
    ]
    return sources[0].union(*sources[1:], all=True)  # a membership test needs no dedup


def _text_ids(rows: QuerySet, field: str) -> QuerySet:
    return rows.order_by().annotate(text_id=Cast(field, CharField())).values("text_id")


def unit_inbox(*, person: Person) -> QuerySet[Document]:
    """수신: documents dispatched to the person's unit."""
    received = DocumentRecipient.objects.filter(document=OuterRef("pk"), unit=person.unit_id,
                                                dispatched_at__isnull=False)
    return Document.objects.filter(Exists(received))


def circulation_box(*, person: Person) -> QuerySet[Document]:
    """공람: documents circulated to the person."""
    return Document.objects.filter(circulations__person=person)


def document_for(*, person: Person, pk: int,
                 signers: list[int] | None = None) -> Document | None:
    """Return the document with its line and history if the person may read it; ``signers``
    as for ``approval_queue``."""
    return document_card(visible_documents(person=person, signers=signers)).filter(pk=pk).first()


def document_card(documents: QuerySet[Document]) -> QuerySet[Document]:
    """Load what the document's card shows with ``documents``."""
    # Each related list comes with what the card shows of it in one query, instead of a
    # further query per relation (steps, their people, their positions, ...).
    return (documents.select_related("drafter__position", "handling_unit")
            .prefetch_related(
                Prefetch("steps", ApprovalStep.objects.select_related("person__position",
                                                                      "acted_by")),
                Prefetch("actions", DocumentAction.objects.select_related("actor")),
                Prefetch("recipients", DocumentRecipient.objects.select_related("unit",
                                                                                "handler")),
                Prefetch("circulations", Circulation.objects.select_related("person")),
                "attachments", "versions"))


def head_with_position(*, drafter: Person, position: str) -> Person | None:
    """The nearest active head, up the drafter's units, holding ``position`` (a code)."""
    unit = drafter.unit
    while unit is not None and position:
        head = unit.head
        if head is not None and head.is_active and head.position and (
                head.position.code == position) and head.pk != drafter.pk:
            return head
        unit = unit.parent
    return None


def proposed_approver(*, drafter: Person, document_type: str, on: date) -> Person | None:
    """Where the delegation rules end the line: the nearest head, up the drafter's units,
    holding the position that gives final approval for this document type."""
    final = {r["document_type"]: r["final_position"] for r in delegation_rules(on=on)}
    return head_with_position(drafter=drafter, position=final.get(document_type, ""))


PEOPLE_SHOWN = 20


def people_search(*, query: str, drafter: Person,
                  limit: int = PEOPLE_SHOWN) -> tuple[list[Person], bool]:
    """The active people of the agency matching every word of ``query`` in their name, unit
    or position (the drafter, who signs as drafter, left out), at most ``limit``, and
    whether more match."""
    words = query.split()[:5]
    if not words:
        return [], False
    people = (Person.objects.filter(status=PersonStatus.ACTIVE).exclude(pk=drafter.pk)
              .select_related("unit", "position"))
    for word in words:
        people = people.filter(Q(name__icontains=word) | Q(unit__name__icontains=word)
                               | Q(position__name__icontains=word))
    found = list(people.order_by("unit__name", "position__rank", "name", "pk")[:limit + 1])
    return found[:limit], len(found) > limit


def line_people(ids) -> dict[int, Person]:
    """The people a line being built names, with their unit and position (one query)."""
    pks = {int(pk) for pk in ids if str(pk).isdecimal()}
    return Person.objects.select_related("unit", "position").in_bulk(pks)


def line_templates(*, on: date) -> list[dict]:
    """결재선 템플릿 in force: [{document_type, name, steps: [{role, position|unit}]}, ...]."""
    policy = policy_in_force(kind=PolicyKind.APPROVAL_LINES, on=on)
    return policy.data["templates"] if policy else []


@dataclass(frozen=True)
class TemplateLine:
    """A template resolved for one drafter: the people it names and the boxes nobody holds."""

    reviewers: list[Person]
    cooperators: list[Person]
    approver: Person | None
    unfilled: list[str]
    delegated: Person | None  # the approver the delegation rules propose, if any


def template_line(*, drafter: Person, template: dict, on: date) -> TemplateLine:
    """Fill a template's boxes: reviewers and the approver are the nearest heads up the
    drafter's units with the named position, co-operators the heads of the named units; the
    delegation rules, when they name someone, decide the approver."""
    positions = dict(Position.objects.values_list("code", "name"))
    units = {u.code: u for u in Unit.objects.filter(
        code__in=[s["unit"] for s in template["steps"] if s.get("unit")]).select_related("head")}
    chosen: dict[str, list[Person]] = {"reviewer": [], "cooperator": [], "approver": []}
    unfilled = []
    for step in template["steps"]:
        if step.get("unit"):
            unit = units.get(step["unit"])
            person = unit.head if unit and unit.head and unit.head.is_active else None
            label = unit.name if unit else step["unit"]
        else:
            person = head_with_position(drafter=drafter, position=step.get("position", ""))
            label = positions.get(step.get("position"), step.get("position", ""))
        if person is None or person.pk == drafter.pk:
            unfilled.append(label)
        else:
            chosen[step["role"]].append(person)
    delegated = proposed_approver(drafter=drafter, document_type=template["document_type"],
                                  on=on)
    approver = delegated or next(iter(chosen["approver"]), None)
    # A head found twice (e.g. a 과장 who is also the approver) keeps only the later box.
    taken = {approver.pk} if approver else set()
    cooperators = _once(chosen["cooperator"], taken)
    reviewers = _once(chosen["reviewer"], taken)
    return TemplateLine(reviewers, cooperators, approver, unfilled, delegated)


def _once(people: list[Person], taken: set[int]) -> list[Person]:
    kept = []
    for person in people:
        if person.pk not in taken:
            taken.add(person.pk)
            kept.append(person)
    return kept


def document_list(*, person: Person, box: str, query: str = "", since: date | None = None,
                  until: date | None = None, ordering: str = "-submitted_at",
                  status: str = "", signers: list[int] | None = None) -> QuerySet:
    """The lists of the approval menu: 결재할 문서, 진행 중, 완료, 반려, 임시 저장, 후결,
    수신, 공람 and, for records officers, 전체 문서; ``signers`` as for ``approval_queue``."""
    boxes = {
        "queue": lambda: approval_queue(person=person, signers=signers),
        "progress": lambda: Document.objects.filter(
            drafter=person, status__in=[DocumentStatus.IN_PROGRESS, DocumentStatus.HELD]),
        "done": lambda: involved_documents(person=person, signers=signers).filter(
            status=DocumentStatus.APPROVED),
        "returned": lambda: Document.objects.filter(drafter=person,
                                                    status=DocumentStatus.RETURNED),
        "drafts": lambda: Document.objects.filter(
            drafter=person, status__in=[DocumentStatus.DRAFT, DocumentStatus.WITHDRAWN]),
        "after": lambda: after_the_fact_queue(person=person),
        "inbox": lambda: unit_inbox(person=person),
        "circulated": lambda: circulation_box(person=person),
        "all": lambda: (visible_documents(person=person) if reads_all_documents(person)
                        else Document.objects.none()),
    }
    documents = (boxes.get(box, boxes["queue"])().select_related("drafter", "handling_unit")
                 .defer("body").annotate(awaiting_receipt=awaiting_receipt(person=person)))
    if query:
        documents = documents.filter(_text_match(query))
    if status in DocumentStatus.values:
        documents = documents.filter(status=status)
    if since:
        documents = documents.filter(created_at__date__gte=since)
    if until:
        documents = documents.filter(created_at__date__lte=until)
    allowed = {"-submitted_at", "submitted_at", "title", "-approved_at"}
    return documents.order_by(ordering if ordering in allowed else "-submitted_at", "-id")


# 규정 제6조③: a 공고 takes effect 5 days after its notice unless it says otherwise; the
# type's rule may name other days (effect_days), the type "notice" has these by default.
NOTICE_EFFECT_DAYS = 5


def effect_days(rule: dict) -> int | None:
    """Days from notice to effect for documents of the type, None if it is no 공고."""
    if rule.get("effect_days") is not None:
        return rule["effect_days"]
    return NOTICE_EFFECT_DAYS if rule.get("document_type") == "notice" else None


def is_policy_type(rule: dict) -> bool:
    """정책실명제 대상: the type "policy", or any type its rule marks."""
    return rule.get("document_type") == "policy" or bool(rule.get("policy_record"))


def notice_effect(document: Document) -> dict | None:
    """When a 공고 takes effect, for its card and PDF: the date (set by the drafter, or
    counted from its notice once approved) and the days its type's rule counted when it was
    drafted; None for other documents."""
    days = document.effect_days
    if days is None and document.effective_on is None:
        return None
    counted = (document.approved_at is not None and days is not None
               and document.effective_on == timezone.localdate(document.approved_at)
               + timedelta(days=days))
    return {"on": document.effective_on, "days": days or 0, "set_by_drafter": not counted}


def awaiting_receipt(*, person: Person) -> Exists:
    """Whether the document waits for 접수 in the person's unit: for them it is not yet
    complete, whatever its sender's status says (annotated on the lists)."""
    return Exists(DocumentRecipient.objects.filter(
        document=OuterRef("pk"), unit=person.unit_id, dispatched_at__isnull=False,
        received_at__isnull=True))


def status_for(*, document: Document, person: Person) -> str:
    """The status as the person should read it: "접수 대기" for a document dispatched to
    their unit and not yet registered there (reads the prefetched recipients)."""
    if person.unit_id and any(r.unit_id == person.unit_id and r.dispatched_at
                              and not r.received_at for r in document.recipients.all()):
        return _("접수 대기")
    return document.get_status_display()


@dataclass(frozen=True)
class PolicyEntry:
    """One line of the 정책실명제 record: who took part, in which capacity, what they said."""

    role: str
    name: str
    position: str
    opinion: str = ""
    on: date | None = None


def policy_record(document: Document) -> list[PolicyEntry]:
    """정책실명제: the drafter, the reviewers, co-operators and decision-makers on the line
    (the acting official for a 대결) with their opinions, then the policy meeting's
    participants entered on the draft; empty for documents that are not policy documents.
    The page and the PDF both print this list (reads the card's prefetched relations)."""
    if not document.policy_record:
        return []
    drafter = document.drafter
    entries = [PolicyEntry(_("기안자"), drafter.name, str(drafter.position or ""),
                           on=document.submitted_at and timezone.localdate(
                               document.submitted_at))]
    roles = {StepRole.REVIEWER: _("검토자"), StepRole.COOPERATOR: _("협조자"),
             StepRole.APPROVER: _("결재권자")}
    for step in document.steps.all():
        signer = step.acted_by if step.acted_by_id else step.person
        name = (f"{signer.name} ({_('대결')})" if step.acted_by_id else signer.name)
        entries.append(PolicyEntry(roles[step.role], name, str(step.person.position or ""),
                                   step.opinion if step.status != StepStatus.HELD else "",
                                   step.acted_at and timezone.localdate(step.acted_at)))
    # Read here, for policy documents only (the card of any other costs no query for it).
    entries += [PolicyEntry(_("회의 참석자"), p.name, p.affiliation, p.remark, p.meeting_on)
                for p in PolicyParticipant.objects.filter(document=document)]
    return entries


def returned_to_drafter(*, person: Person) -> QuerySet[Document]:
    """반려: the person's documents sent back to them, newest return first, each with the
    reason (``return_note``), who returned it (``returned_by``) and when (``returned_at``)."""
    last = (DocumentAction.objects.filter(document=OuterRef("pk"), kind=ActionKind.RETURNED)
            .order_by("-occurred_at", "-id"))
    return (Document.objects.filter(drafter=person, status=DocumentStatus.RETURNED)
            .annotate(return_note=Subquery(last.values("note")[:1]),
                      returned_by=Subquery(last.values("actor__name")[:1]),
                      returned_at=Subquery(last.values("occurred_at")[:1]))
            .defer("body").order_by("-returned_at", "-id"))


def last_return(document: Document) -> DocumentAction | None:
    """The latest 반려 of a document now returned to its drafter, with who and why (reads
    the actions prefetched by ``document_card``); None otherwise."""
    if document.status != DocumentStatus.RETURNED:
        return None
    returns = [a for a in document.actions.all() if a.kind == ActionKind.RETURNED]
    return returns[-1] if returns else None


def waiting_counts(*, person: Person) -> dict[str, int]:
    """What waits for the person in the boxes besides their turns, in one query: 후결 to
    acknowledge, received documents their unit has not registered, unread circulations."""
    after = ApprovalStep.objects.filter(person=OuterRef("pk"), sign_mark=SignMark.PROXY,
                                        acknowledged_at__isnull=True)
    inbox = DocumentRecipient.objects.filter(unit=OuterRef("unit_id"), received_at__isnull=True,
                                             dispatched_at__isnull=False)
    unread = Circulation.objects.filter(person=OuterRef("pk"), read_at__isnull=True)
    counts = (Person.objects.filter(pk=person.pk)
              .annotate(n_after=_count(after, "person"), n_inbox=_count(inbox, "unit"),
                        n_unread=_count(unread, "person"))
              .values("n_after", "n_inbox", "n_unread").get())
    return {"after": counts["n_after"], "inbox": counts["n_inbox"],
            "circulated": counts["n_unread"]}


def _count(rows: QuerySet, correlated: str) -> Coalesce:
    """The number of ``rows`` of a subquery filtered on the outer row through ``correlated``
    (grouping by it gives one count), 0 when there are none."""
    counted = rows.order_by().values(correlated).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def _text_match(query: str) -> Q:
    """Title, drafter or unit; a document number such as `혁신기획과-12`, `공고 제2026-3호` or
    `훈령 제12호` finds that document."""
    match = Q(title__icontains=query) | Q(drafter__name__icontains=query) | Q(
        handling_unit__name__icontains=query)
    typed = TYPED_NUMBER.match(query.strip())
    if typed:
        return match | Q(register_name=typed["name"], serial=int(typed["serial"]),
                         year=int(typed["year"] or CONTINUOUS))
    unit, _, serial = query.rpartition("-")
    if unit and serial.isdecimal():
        match |= Q(handling_unit__name=unit.strip(), serial=int(serial), register="")
    return match


def absences_for(*, person: Person) -> QuerySet:
    """Absences the person registered for themselves or their unit, or acts in."""
    return org_selectors.absences_concerning(person=person)


def turns_waiting_by_person(*, person_ids: list[int]) -> dict[int, dict]:
    """Per person: how many approval turns wait with them and since when the oldest has
    waited (one aggregate query)."""
    rows = (ApprovalStep.objects
            .filter(person__in=person_ids, status__in=[StepStatus.PENDING, StepStatus.HELD])
            .values("person_id").annotate(turns=Count("id"), since=Min("opened_at")))
    return {row["person_id"]: {"turns": row["turns"], "since": row["since"]} for row in rows}


def open_turns(*, document: Document) -> list[ApprovalStep]:
    """The boxes whose turn is open now, with their people."""
    return list(document.steps.filter(status__in=[StepStatus.PENDING, StepStatus.HELD])
                .select_related("person"))
