"""Collectors that follow recorded moves once they are committed (activity records, …).

A collector is declared by the app that owns it (in its ``AppConfig.ready``) with the event
types it reads; ``event_record`` schedules it with ``transaction.on_commit`` for each move of
those types, so a rolled-back move is never collected and the move itself never waits on or
fails with its collectors (``robust``: a failure is logged and a backfill job catches up).
The audit app imports no collector: the owning app registers one explicit function, and
its own tests call it directly — no hidden signal chain."""

import logging
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django_tenants.utils import schema_context

logger = logging.getLogger(__name__)

Collector = Callable[[int], None]
_BY_TYPE: dict[str, list[Collector]] = {}


def collector_register(types: Iterable[str], collect: Collector) -> None:
    """Call ``collect(event_id)`` after the commit of every move of one of ``types``."""
    for event_type in types:
        handlers = _BY_TYPE.setdefault(str(event_type), [])
        if collect not in handlers:
            handlers.append(collect)


def collectors_schedule(event) -> None:
    """Schedule the collectors of ``event``'s type for after the current commit."""
    schema_name = connection.schema_name
    for collect in _BY_TYPE.get(event.type, ()):
        transaction.on_commit(lambda collect=collect: _run(collect, schema_name, event.pk),
                              robust=True)


def _run(collect: Collector, schema_name: str, event_id: int) -> None:
    with schema_context(schema_name):
        collect(event_id)
