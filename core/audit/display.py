"""Read audit rows as people do: "문서 상신", "전화번호: (없음) → 02-123-4567".

Field labels come from the changed model's own field names (through the app registry, so
this app imports none of them), choice values read as their labels, and values recorded by
the services are already names, never ids."""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from core.audit.events import CHANGE_LABELS, event_label
from core.audit.models import AuditEvent


@dataclass(frozen=True)
class Change:
    label: str
    old: str | None  # None: a fact recorded without a before value
    new: str

    def __str__(self) -> str:
        if self.old is None:
            return f"{self.label}: {self.new}"
        return f"{self.label}: {self.old} → {self.new}"


def describe(event: AuditEvent) -> list[Change]:
    """The event's changes, one line each, in the order they were recorded."""
    model = _model(event.target_type)
    lines = []
    for key, value in (event.changes or {}).items():
        field = _field(model, key)
        label = str(field.verbose_name) if field is not None else str(
            CHANGE_LABELS.get(key, key))
        if isinstance(value, list) and len(value) == 2 and not _is_plain_list(key):
            lines.append(Change(label, _value(field, value[0]), _value(field, value[1])))
        else:
            lines.append(Change(label, None, _value(field, value)))
    return lines


def type_label(event: AuditEvent) -> str:
    return event_label(event.action)


def _is_plain_list(key: str) -> bool:
    # Recorded as one list of names (not [before, after]).
    return key in {"recipients", "assignees", "participants"}


def _model(label: str):
    if not label:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model, name: str):
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    # A reverse relation shares its name with a recorded key (e.g. "reply"): not a label.
    return field if hasattr(field, "verbose_name") else None


def _value(field, value) -> str:
    if value is None or value == "" or value == []:
        return _("(없음)")
    if isinstance(value, bool):
        return _("예") if value else _("아니오")
    if isinstance(value, list):
        return ", ".join(_value(None, item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}={_value(None, item)}" for key, item in value.items())
    choices = dict(field.flatchoices) if field is not None and field.choices else {}
    return str(choices.get(value, value))
