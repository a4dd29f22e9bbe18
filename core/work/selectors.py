"""Read tasks, memo reports and instructions, with who may see and change what built in.

Access rules, one helper per object type:
- task cards are shared within the agency: every active member reads them; the owner, the
  head of the task's unit and agency admins change them (``can_edit_task``);
- a memo report is read by its author and its recipients only (``memo_for``);
- an instruction is read by its issuer and its assignees only (``instruction_for``)."""

from datetime import date

from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from core.approvals.models import Document
from core.approvals.selectors import visible_documents
from core.org.models import Person, RoleCode, Unit
from core.org.selectors import is_agency_admin, role_codes
from core.work.models import (
    AssignmentStatus,
    DecisionKind,
    DecisionRecord,
    Instruction,
    InstructionAssignment,
    Memo,
    MemoRecipient,
    MemoReply,
    ProgressReport,
    Task,
    TaskDocument,
    TaskStatus,
)

TASK_ORDERINGS = {"due_date", "-due_date", "priority", "title", "-updated_at", "-progress"}
INSTRUCTION_ISSUER_ROLES = {RoleCode.UNIT_HEAD, RoleCode.AGENCY_ADMIN}


def is_member(person: Person | None) -> bool:
    return person is not None and person.is_active


# --- tasks -------------------------------------------------------------------------------


def can_read_task(person: Person | None, task: Task) -> bool:
    """Task cards are shared within the agency: every active member reads them."""
    return is_member(person)


def can_edit_task(person: Person | None, task: Task) -> bool:
    """The owner, the head of the task's unit and agency admins change a task card."""
    if not is_member(person):
        return False
    return (task.owner_id == person.pk or task.unit.head_id == person.pk
            or is_agency_admin(person))


def can_record_decision(person: Person | None, task: Task, kind: str) -> bool:
    """Anyone who reads the card may add an opinion; only its editors record a decision."""
    if kind == DecisionKind.DECISION:
        return can_edit_task(person, task)
    return can_read_task(person, task)


def overdue_q(today: date | None = None) -> Q:
    return Q(due_date__lt=today or timezone.localdate()) & ~Q(status=TaskStatus.DONE)


def task_list(*, person: Person, query: str = "", unit_id: int | None = None,
              status: str = "", priority: int | None = None, mine: bool = False,
              overdue: bool = False, ordering: str = "due_date") -> QuerySet[Task]:
    """The agency's task cards, filtered and sorted, with what a list row shows loaded."""
    if not is_member(person):
        return Task.objects.none()
    tasks = Task.objects.select_related("owner", "unit")
    if query:
        tasks = tasks.filter(Q(title__icontains=query) | Q(goal__icontains=query)
                             | Q(owner__name__icontains=query))
    if unit_id:
        tasks = tasks.filter(unit_id=unit_id)
    if status:
        tasks = tasks.filter(status=status)
    if priority:
        tasks = tasks.filter(priority=priority)
    if mine:
        tasks = tasks.filter(owner=person)
    if overdue:
        tasks = tasks.filter(overdue_q())
    ordering = ordering if ordering in TASK_ORDERINGS else "due_date"
    if ordering.lstrip("-") == "due_date":  # tasks without a due date go last either way
        due = F("due_date")
        return tasks.order_by(due.desc(nulls_last=True) if ordering.startswith("-")
                              else due.asc(nulls_last=True), "id")
    return tasks.order_by(ordering, "id")


def visible_tasks(person: Person | None) -> QuerySet[Task]:
    """The task cards the person may read: all of them for an active member."""
    return Task.objects.all() if is_member(person) else Task.objects.none()


def task_card(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Load what a task card shows (its history) with ``tasks``."""
    return (tasks.select_related("owner__position", "unit__head", "created_by")
            .prefetch_related(
                Prefetch("reports", queryset=ProgressReport.objects.select_related("author"),
                         to_attr="report_list"),
                Prefetch("decisions", queryset=DecisionRecord.objects.select_related(
                    "author__position"), to_attr="decision_list")))


def task_for(*, person: Person, pk: int) -> Task | None:
    """Return the task card with its history loaded, if the person may read it."""
    task = task_card(Task.objects.all()).filter(pk=pk).first()
    if task is None or not can_read_task(person, task):
        return None
    return task


def task_documents(*, person: Person, task: Task) -> tuple[list[Document], int]:
    """The documents linked to the card that the person may read, and how many others."""
    linked = Document.objects.filter(
        Exists(TaskDocument.objects.filter(task=task, document=OuterRef("pk"))))
    readable = list(linked.filter(pk__in=visible_documents(person=person).values("pk"))
                    .select_related("handling_unit").order_by("-created_at", "-id"))
    return readable, linked.count() - len(readable)


def linkable_documents(*, person: Person, task: Task) -> QuerySet[Document]:
    """Documents the person may read and that are not yet linked to the task."""
    return (visible_documents(person=person)
            .exclude(pk__in=TaskDocument.objects.filter(task=task).values("document_id"))
            .order_by("-created_at", "-id"))


def board_unit(*, person: Person, unit_id: int | None) -> Unit | None:
    """The unit a board shows: the one asked for, else the unit the person heads, else theirs."""
    if unit_id:
        return Unit.objects.filter(pk=unit_id, is_active=True).first()
    headed = Unit.objects.filter(head=person, is_active=True).order_by("sort_order").first()
    return headed or person.unit


def unit_board(*, unit: Unit) -> dict:
    """A unit's tasks at a glance: the counts per status, overdue ones, and open tasks."""
    today = timezone.localdate()
    tasks = list(Task.objects.filter(unit=unit).select_related("owner")
                 .order_by("priority", "due_date", "id"))
    columns = {value: [] for value in TaskStatus.values}
    for task in tasks:
        task.overdue = task.is_overdue(today)
        columns[task.status].append(task)
    return {
        "columns": [(value, label, columns[value]) for value, label in TaskStatus.choices],
        "total": len(tasks),
        "overdue": [task for task in tasks if task.overdue],
    }


# --- memo reports ------------------------------------------------------------------------


def memo_inbox(*, person: Person, query: str = "", unread: bool = False) -> QuerySet[Memo]:
    """받은 메모보고: memos sent to the person, newest first, with their own read receipt."""
    mine = MemoRecipient.objects.filter(memo=OuterRef("pk"), person=person)
    memos = (Memo.objects.filter(Exists(mine)).select_related("author__unit")
             .annotate(my_read_at=mine.values("read_at")[:1],
                       reply_count=Count("replies", distinct=True)))
    if unread:
        memos = memos.filter(Exists(mine.filter(read_at__isnull=True)))
    if query:
        memos = memos.filter(Q(title__icontains=query) | Q(author__name__icontains=query))
    return memos.order_by("-sent_at", "-id")


def memo_sent(*, person: Person, query: str = "") -> QuerySet[Memo]:
    """보낸 메모보고, with how many recipients have read each."""
    memos = (Memo.objects.filter(author=person)
             .annotate(recipient_count=Count("recipients", distinct=True),
                       read_count=Count("recipients", filter=Q(recipients__read_at__isnull=False),
                                        distinct=True))
             .prefetch_related(Prefetch("recipients",
                                        queryset=MemoRecipient.objects.select_related("person"))))
    if query:
        memos = memos.filter(title__icontains=query)
    return memos.order_by("-sent_at", "-id")


def visible_memos(person: Person | None) -> QuerySet[Memo]:
    """The memos the person wrote or received."""
    if not is_member(person):
        return Memo.objects.none()
    return Memo.objects.filter(Q(author=person) | Q(recipients__person=person)).distinct()


def memo_card(memos: QuerySet[Memo]) -> QuerySet[Memo]:
    """Load a memo's recipients and replies with ``memos``."""
    return (memos.select_related("author__unit", "author__position", "task")
            .prefetch_related(
                Prefetch("recipients", queryset=MemoRecipient.objects.select_related(
                    "person__position")),
                Prefetch("replies", queryset=MemoReply.objects.select_related("author"))))


def memo_for(*, person: Person, pk: int) -> Memo | None:
    """Return the memo with its recipients and replies if the person wrote or received it."""
    return memo_card(visible_memos(person)).filter(pk=pk).first()


def unread_memo_count(*, person: Person) -> int:
    return MemoRecipient.objects.filter(person=person, read_at__isnull=True).count()


# --- instructions ------------------------------------------------------------------------


def can_issue_instructions(person: Person | None) -> bool:
    """Instructions come from superiors: unit heads and agency admins issue them."""
    return is_member(person) and bool(role_codes(person) & INSTRUCTION_ISSUER_ROLES)


def instructions_received(*, person: Person, status: str = "") -> QuerySet:
    """The person's own assignments, due soonest first."""
    rows = (InstructionAssignment.objects.filter(assignee=person)
            .select_related("instruction__issuer"))
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("status", "instruction__due_date", "id")


def instructions_issued(*, person: Person) -> QuerySet[Instruction]:
    """Instructions the person issued, with how many assignees have finished each."""
    return (Instruction.objects.filter(issuer=person)
            .annotate(assignee_count=Count("assignments"),
                      done_count=Count("assignments",
                                       filter=Q(assignments__status=AssignmentStatus.DONE)))
            .order_by("-issued_at", "-id"))


def instruction_list(*, person: Person, role: str = "", status: str = "") -> QuerySet[Instruction]:
    """Instructions the person issued or is assigned to, newest first, every assignee's part
    loaded. ``role`` narrows to "issued" or "assigned"; ``status`` is read from the person's
    side: their own part when assigned, whether anyone is still open when they issued it.
    Unknown values filter nothing, as with the task list's sort order."""
    if not is_member(person):
        return Instruction.objects.none()
    parts = InstructionAssignment.objects.filter(instruction=OuterRef("pk"))
    mine = parts.filter(assignee=person)
    issued, assigned = Q(issuer=person), Q(Exists(mine))
    if status in AssignmentStatus.values:
        anyone_open = Exists(parts.filter(status=AssignmentStatus.OPEN))
        issued &= Q(anyone_open) if status == AssignmentStatus.OPEN else ~Q(anyone_open)
        assigned = Q(Exists(mine.filter(status=status)))
    scope = {"issued": issued, "assigned": assigned}.get(role, issued | assigned)
    return (Instruction.objects.filter(scope).select_related("issuer")
            .prefetch_related(Prefetch("assignments",
                                       queryset=InstructionAssignment.objects.select_related(
                                           "assignee")))
            .order_by("-issued_at", "-id"))


def visible_instructions(person: Person | None) -> QuerySet[Instruction]:
    """The instructions the person issued or is one of the assignees of."""
    if not is_member(person):
        return Instruction.objects.none()
    return Instruction.objects.filter(
        Q(issuer=person) | Q(assignments__assignee=person)).distinct()


def instruction_card(instructions: QuerySet[Instruction]) -> QuerySet[Instruction]:
    """Load an instruction's issuer, task and every assignee's part with ``instructions``."""
    return (instructions.select_related("issuer", "task")
            .prefetch_related(Prefetch("assignments",
                                       queryset=InstructionAssignment.objects.select_related(
                                           "assignee__unit"))))


def instruction_for(*, person: Person, pk: int) -> Instruction | None:
    """Return the instruction if the person issued it or is one of its assignees."""
    return instruction_card(visible_instructions(person)).filter(pk=pk).first()


def open_work_by_person(*, person_ids: list[int]) -> dict[int, dict]:
    """Per person: open and overdue tasks, open instructions (earliest due date), unread
    memo reports — three aggregate queries whatever the unit's size."""
    today = timezone.localdate()
    work: dict[int, dict] = {pk: {} for pk in person_ids}
    for row in (Task.objects.filter(owner__in=person_ids).exclude(status=TaskStatus.DONE)
                .values("owner_id").annotate(open=Count("id"),
                                             overdue=Count("id", filter=overdue_q(today)))):
        work[row["owner_id"]].update(tasks=row["open"], overdue=row["overdue"])
    for row in (InstructionAssignment.objects
                .filter(assignee__in=person_ids, status=AssignmentStatus.OPEN)
                .values("assignee_id").annotate(open=Count("id"),
                                                due=Min("instruction__due_date"))):
        work[row["assignee_id"]].update(instructions=row["open"], instruction_due=row["due"])
    for row in (MemoRecipient.objects.filter(person__in=person_ids, read_at__isnull=True)
                .values("person_id").annotate(unread=Count("id"))):
        work[row["person_id"]]["memos"] = row["unread"]
    return work
