"""Shared helpers of the activity tests: moves recorded through the real services."""

from datetime import date

from django_tenants.utils import schema_context

from core.activity.models import ActivityRecord
from core.approvals import services as approval_services
from core.audit.models import AuditEvent
from core.org.models import Appointment, AppointmentKind
from tests.work.helpers import make_document, make_task


def approve_document(people, *, title="개선 계획 보고"):
    """Staff drafts, the head approves: the document completes (결재 완료)."""
    document = make_document(people, title=title)
    with schema_context("alpha"):
        return approval_services.step_approve(document=document, actor=people.head)


def records_of(person, **filters) -> list[ActivityRecord]:
    with schema_context("alpha"):
        return list(ActivityRecord.objects.filter(person=person, **filters).order_by("id"))


def events(action: str) -> int:
    with schema_context("alpha"):
        return AuditEvent.objects.filter(action=action).count()


def appoint(person, unit, starts_on: date, ends_on: date | None = None, position=None):
    with schema_context("alpha"):
        return Appointment.objects.create(
            person=person, unit=unit, kind=AppointmentKind.TRANSFER, starts_on=starts_on,
            ends_on=ends_on, position=position or person.position, grade=person.grade)


__all__ = ["approve_document", "records_of", "events", "appoint", "make_task"]
