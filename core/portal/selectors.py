"""The home page's "한눈에": what waits for the person today across work, approval and the
calendar, each list short (the first few) with its full count and a link to the whole."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from core.approvals.selectors import approval_queue, returned_to_drafter, waiting_counts
from core.org.models import Person
from core.schedules.deadlines import Deadline, deadlines_between
from core.schedules.selectors import day_start, entries_between
from core.work.models import AssignmentStatus, TaskStatus
from core.work.selectors import instructions_received, memo_inbox, overdue_q, task_list

SHOWN = 5


@dataclass
class AtAGlance:
    turns: list
    turn_count: int
    waiting: dict[str, int]
    tasks: list
    overdue_count: int
    memos: list
    instructions: list
    today: list
    deadlines: list[Deadline]
    returned: list
    returned_count: int


def at_a_glance(*, person: Person, signers: list[int], turn_count: int) -> AtAGlance:
    """``turn_count``: the length of the person's queue, which the menu counts already."""
    today = timezone.localdate()
    queue = approval_queue(person=person, signers=signers)
    tasks = task_list(person=person, mine=True).exclude(status=TaskStatus.DONE)
    returned = returned_to_drafter(person=person)
    return AtAGlance(
        turns=list(queue[:SHOWN]), turn_count=turn_count,
        waiting=waiting_counts(person=person),
        tasks=list(tasks[:SHOWN]), overdue_count=tasks.filter(overdue_q(today)).count(),
        memos=list(memo_inbox(person=person, unread=True)[:SHOWN]),
        instructions=list(instructions_received(person=person,
                                                status=AssignmentStatus.OPEN)[:SHOWN]),
        today=list(entries_between(person, day_start(today),
                                   day_start(today + timedelta(days=1)))[:SHOWN]),
        deadlines=deadlines_between(person, today, today + timedelta(days=7))[:SHOWN],
        # 반려: a returned document must not be missed; its card comes first.
        returned=list(returned[:SHOWN]), returned_count=returned.count(),
    )
