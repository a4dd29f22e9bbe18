"""Write audit events. Call inside the transaction of the change being recorded."""

from dataclasses import dataclass

from django.conf import settings
from django.db import models

from core.audit.models import AuditEvent
from core.org.models import Person


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
    """Append one event to the current schema's trail. ``actor`` is a sign-in account or the
    agency Person acting; either way the event names the account id, so one person's actions
    can be followed across every app."""
    # A person's account id without loading the account (one query less per recorded change).
    account_id = actor.user_id if isinstance(actor, Person) else getattr(actor, "pk", None)
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
