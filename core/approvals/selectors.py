"""Read approval queues and documents, with who may see what built in."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from core.approvals.models import ApprovalStep, Document, DocumentStatus, StepStatus
from core.org.models import Person


def approval_queue(*, person: Person) -> QuerySet[Document]:
    """결재할 문서: documents where it is the person's turn (or they put it on hold)."""
    turn = ApprovalStep.objects.filter(document=OuterRef("pk"), person=person,
                                       status__in=[StepStatus.PENDING, StepStatus.HELD])
    return (Document.objects.filter(Exists(turn),
                                    status__in=[DocumentStatus.IN_PROGRESS, DocumentStatus.HELD])
            .select_related("drafter", "handling_unit").order_by("submitted_at", "id"))


def visible_documents(*, person: Person) -> QuerySet[Document]:
    """Documents the person drafted or stands on the line of; nobody else reads them."""
    on_line = ApprovalStep.objects.filter(document=OuterRef("pk"), person=person)
    return Document.objects.filter(Exists(on_line) | Q(drafter=person))


def document_for(*, person: Person, pk: int) -> Document | None:
    """Return the document with its line and history if the person may read it."""
    return (visible_documents(person=person)
            .select_related("drafter", "handling_unit")
            .prefetch_related("steps__person__position", "actions__actor")
            .filter(pk=pk).first())
