"""Deadlines that reach a person's calendar without anyone typing them (rules §2: schedules
must cost almost no effort, fed from tasks and approvals): the due dates of their open tasks
and instructions, and the deadlines of documents circulated to them and not yet read."""

from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.approvals.models import Circulation
from core.org.models import Person
from core.work.models import AssignmentStatus, InstructionAssignment, Task, TaskStatus

LABELS = {"task": _("과제 마감"), "instruction": _("지시 기한"), "circulation": _("공람 기한")}


@dataclass(frozen=True)
class Deadline:
    kind: str
    pk: int
    title: str
    day: date
    url: str

    @property
    def label(self) -> str:
        return str(LABELS[self.kind])


def deadlines_between(person: Person, first: date, last: date) -> list[Deadline]:
    """The person's deadlines falling on ``first``..``last`` (inclusive), by day."""
    tasks = (Task.objects.filter(owner=person, due_date__range=(first, last))
             .exclude(status=TaskStatus.DONE).values_list("pk", "title", "due_date"))
    assignments = (InstructionAssignment.objects
                   .filter(assignee=person, status=AssignmentStatus.OPEN,
                           instruction__due_date__range=(first, last))
                   .values_list("instruction_id", "instruction__title", "instruction__due_date"))
    circulations = (Circulation.objects
                    .filter(person=person, read_at__isnull=True, deadline__range=(first, last))
                    .values_list("document_id", "document__title", "deadline"))
    found = (
        [Deadline("task", pk, title, day, reverse("work:task", args=[pk]))
         for pk, title, day in tasks]
        + [Deadline("instruction", pk, title, day, reverse("work:instruction", args=[pk]))
           for pk, title, day in assignments]
        + [Deadline("circulation", pk, title, day, reverse("approvals:document", args=[pk]))
           for pk, title, day in circulations])
    return sorted(found, key=lambda deadline: (deadline.day, deadline.kind, deadline.pk))
