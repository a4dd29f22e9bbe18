"""Record moves: the audit row and the activity event. Call inside the transaction of the
change being recorded."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction

from core.audit.announce import announce
from core.audit.collectors import collectors_schedule
from core.audit.events import SPECS, EventType, check_payload
from core.audit.models import ActivityEvent, AuditEvent


@dataclass(frozen=True)
class Origin:
    """Where an action came from: the request's client address and id (or a command's)."""

    ip_address: str | None = None
    request_id: str = ""

    @classmethod
    def from_request(cls, request) -> "Origin":
        """Take the client address from X-Forwarded-For only behind a trusted proxy, since
        anyone can send that header and the trail must not record a forged address."""
        address = request.META.get("REMOTE_ADDR")
        if settings.HARMONY_TRUST_X_FORWARDED_FOR:
            forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
            address = forwarded or address
        return cls(ip_address=address or None, request_id=getattr(request, "request_id", ""))


COMMAND_ORIGIN = Origin(request_id="command")


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    target_label: str = "",
    changes: dict | None = None,
    origin: Origin = COMMAND_ORIGIN,
) -> AuditEvent:
    """Append one security record to the current schema's trail. ``actor`` is a sign-in
    account or the agency person acting (anything with a ``user_id``); either way the row
    names the account id, so one person's actions can be followed across every app."""
    # A person's account id without loading the account (one query less per recorded change).
    account_id = actor.user_id if hasattr(actor, "user_id") else getattr(actor, "pk", None)
    return AuditEvent.objects.create(
        actor_id=account_id,
        actor_label=str(actor)[:200] if actor is not None else "system",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(target_label or str(target))[:200] if target is not None else target_label,
        changes=changes or {},
        ip_address=origin.ip_address,
        request_id=origin.request_id,
    )


def event_record(
    event_type: EventType,
    *,
    actor,
    subject: models.Model | None = None,
    subject_label: str = "",
    person_id: int | None = None,
    unit_id: int | None = None,
    audience: Iterable[int] = (),
    payload: dict | None = None,
    changes: dict | None = None,
    origin: Origin = COMMAND_ORIGIN,
) -> ActivityEvent:
    """Record one move: the audit row (security record, agency admins only) and the activity
    event (the domain fact) in the caller's transaction, announced to the live stream when —
    and only if — that transaction commits.

    ``person_id``/``unit_id`` name whom and which unit the move concerns; ``audience`` the
    people to tell now (their turn, their memo …): each must be able to read ``subject``."""
    payload = payload or {}
    check_payload(event_type, payload)
    actor_person_id = actor.pk if hasattr(actor, "user_id") else None
    # No savepoint inside the caller's transaction (two round trips fewer per move): a
    # failure here fails the move anyway.
    with transaction.atomic(savepoint=False):
        audit = audit_record(actor=actor, action=event_type.value, target=subject,
                             target_label=subject_label, changes=changes, origin=origin)
        event = ActivityEvent.objects.create(
            audit_event=audit, type=event_type.value, version=SPECS[event_type].version,
            actor_person_id=actor_person_id,
            person_id=person_id, unit_id=unit_id, object_type=audit.target_type,
            object_id=audit.target_id, visibility=SPECS[event_type].visibility,
            audience=sorted(set(audience) - {actor_person_id, None}), payload=payload)
        announce(event)
    collectors_schedule(event)
    return event


def field_changes(instance: models.Model, fields: dict[str, object]) -> dict[str, list]:
    """Return {field: [old, new]} for the fields whose value differs on ``instance``."""
    changed = {}
    for name, new in fields.items():
        old = getattr(instance, name)
        if old != new:
            changed[name] = [_plain(old), _plain(new)]
    return changed


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
