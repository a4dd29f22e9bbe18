"""Read the audit trail with the filters agency admins use."""

from datetime import date

from django.db.models import Q, QuerySet

from core.audit.models import ActivityEvent, AuditEvent


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


def missed_events(*, person_id: int, after_id: int, since, limit: int = 50) -> list[tuple]:
    """What the person was told after ``after_id`` (a stream's Last-Event-ID), within the
    replay window: (id, type, what it concerns), oldest first."""
    return list(ActivityEvent.objects.filter(audience__contains=[person_id], id__gt=after_id,
                                             occurred_at__gte=since)
                .order_by("id").values_list("id", "type", "audit_event__target_label")[:limit])
