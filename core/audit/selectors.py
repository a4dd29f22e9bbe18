"""Read the audit trail with the filters agency admins use."""

from datetime import date

from django.db.models import Q, QuerySet

from core.audit.models import AuditEvent


def audit_events(
    *, query: str = "", action: str = "", since: date | None = None, until: date | None = None
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    if query:
        events = events.filter(
            Q(actor_label__icontains=query) | Q(target_label__icontains=query)
        )
    if action:
        events = events.filter(action__startswith=action)
    if since:
        events = events.filter(occurred_at__date__gte=since)
    if until:
        events = events.filter(occurred_at__date__lte=until)
    return events


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())
