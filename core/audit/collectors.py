"""Collectors: what other apps keep from recorded moves (activity records, performance's
running tallies). One registry, two ways of following a move:

- *after the commit* (the default): ``collect(event_id)`` runs through
  ``transaction.on_commit(robust=True)``, so a rolled-back move is never collected and the
  move never waits on or fails with its collector (a failure is logged; a backfill job
  catches up). Activity records follow moves this way.
- *within the move* (``within_move=True``): ``collect(event)`` runs inside the move's own
  transaction, so what it keeps moves with the move or not at all. Performance's running
  tallies follow moves this way: attainment is exact the moment the move commits.

A collector is declared by the app that owns it (in its ``AppConfig.ready``) with the event
types it reads, or ``None`` for every type; the audit app imports none of them."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django_tenants.utils import schema_context

_AFTER: dict[str | None, list[Callable[[int], None]]] = {}
_WITHIN: dict[str | None, list[Callable]] = {}


def collector_register(types: Iterable[str] | None, collect: Callable, *,
                       within_move: bool = False) -> None:
    """Follow every move of one of ``types`` (every move: ``None``) with ``collect``."""
    registry = _WITHIN if within_move else _AFTER
    for event_type in (None,) if types is None else types:
        handlers = registry.setdefault(None if event_type is None else str(event_type), [])
        if collect not in handlers:
            handlers.append(collect)


def collectors_run(event) -> None:
    """Run the within-move collectors of ``event`` now and schedule the others for after
    the current commit. Called by ``event_record`` inside the move's transaction."""
    for collect in _handlers(_WITHIN, event.type):
        collect(event)
    schema_name = connection.schema_name
    for collect in _handlers(_AFTER, event.type):
        transaction.on_commit(lambda collect=collect: _run(collect, schema_name, event.pk),
                              robust=True)


@contextmanager
def collector_paused(collect: Callable) -> Iterator[None]:
    """Leave ``collect`` out while the block runs (benchmarks measure a move without it)."""
    saved = {key: list(handlers) for key, handlers in _WITHIN.items()}, {
        key: list(handlers) for key, handlers in _AFTER.items()}
    for registry in (_WITHIN, _AFTER):
        for handlers in registry.values():
            if collect in handlers:
                handlers.remove(collect)
    try:
        yield
    finally:
        _WITHIN.clear(), _WITHIN.update(saved[0])
        _AFTER.clear(), _AFTER.update(saved[1])


def _handlers(registry: dict, event_type: str) -> list[Callable]:
    return [*registry.get(None, ()), *registry.get(event_type, ())]


def _run(collect: Callable[[int], None], schema_name: str, event_id: int) -> None:
    with schema_context(schema_name):
        collect(event_id)
