"""Announce recorded moves to the live stream (core/portal/live.py listens).

Without Redis: PostgreSQL ``NOTIFY`` inside the recording transaction. PostgreSQL delivers a
notification only when its transaction commits and drops it on rollback, so a rolled-back
move announces nothing and a committed one cannot lose its announcement to a crash between
commit and a callback. With ``HARMONY_EVENTS_REDIS_URL`` (several servers, or a pooler that
breaks LISTEN): a Redis publish after commit (``transaction.on_commit``).

The message names the agency's schema, the event id, its type, what it concerns and its
audience, so a listening process routes it without a query; an audience too large for
NOTIFY's 8 kB is left out and read from the database by the listener instead."""

import json
from functools import cache

from django.conf import settings
from django.db import connection, transaction

CHANNEL = "harmony_events"
MAX_MESSAGE_BYTES = 7_900


def message(schema: str, event) -> str:
    fields = {"s": schema, "e": event.pk, "t": event.type,
              "l": event.audit_event.target_label[:200], "a": event.audience}
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    if len(text.encode()) > MAX_MESSAGE_BYTES:
        text = json.dumps({**fields, "a": None}, ensure_ascii=False, separators=(",", ":"))
    return text


def announce(event) -> None:
    if not event.audience:
        return  # nobody to tell now; the timeline and collectors read the row itself
    text = message(connection.schema_name, event)
    if settings.HARMONY_EVENTS_REDIS_URL:
        transaction.on_commit(lambda: _redis_publish(text))
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, text])


def _redis_publish(text: str) -> None:
    _redis().publish(CHANNEL, text)


@cache
def _redis():
    import redis

    return redis.Redis.from_url(settings.HARMONY_EVENTS_REDIS_URL)


def announce_to(event, people, *, schema: str | None = None) -> None:
    """Tell ``people`` besides the move's own audience that ``event`` changed what they watch
    (a unit head's performance dashboard): the type only, not the object's label, which they
    may not be entitled to read. Sent as ``announce`` sends, on the same terms."""
    people = sorted(set(people) - set(event.audience) - {None})
    if not people:
        return
    fields = {"s": schema or connection.schema_name, "e": event.pk, "t": event.type, "l": "",
              "a": people}
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    if len(text.encode()) > MAX_MESSAGE_BYTES:
        return  # a head-count this large watches no one dashboard; the page reloads instead
    if settings.HARMONY_EVENTS_REDIS_URL:
        transaction.on_commit(lambda: _redis_publish(text))
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, text])
