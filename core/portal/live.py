"""The live stream (/live/): server-sent events that tell the signed-in person what concerns
them — a turn to act, a return, a circulation, a memo report, an instruction — as it happens.

One ``Hub`` per server process holds ONE listening connection (PostgreSQL LISTEN, or Redis
pub/sub when configured) and fans each announcement out to the open streams it concerns:
an open browser costs a queue, never a database connection. Announcements carry the agency's
schema and the audience the recording service chose (people who may read the object), so a
stream only ever receives events of its own agency and person.

The page does not trust the message for content: on each event htmx re-fetches the parts of
the page that show counts and lists through the ordinary views and their access rules."""

import asyncio
import contextlib
import json
import logging
import re
from collections import defaultdict

from django.conf import settings
from django.db import connection
from django.utils.html import escape

from core.audit.announce import CHANNEL
from core.audit.events import event_label

log = logging.getLogger(__name__)

SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
QUEUE_SIZE = 100  # a stream that falls this far behind drops events; the page re-fetches
KEEPALIVE_SECONDS = 20
RETRY_MILLISECONDS = 3_000
LISTEN_WAIT_SECONDS = 5


class Hub:
    """Routes announcements to the streams of one process, keyed by (schema, person id)."""

    def __init__(self) -> None:
        self.streams: dict[tuple[str, int], set[asyncio.Queue]] = defaultdict(set)
        self._task: asyncio.Task | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reader = None  # a second connection, for audiences too large for NOTIFY
        self.listening = asyncio.Event()

    def subscribe(self, schema: str, person_id: int) -> asyncio.Queue:
        self._ensure_listening()
        queue: asyncio.Queue = asyncio.Queue(maxsize=QUEUE_SIZE)
        self.streams[(schema, person_id)].add(queue)
        return queue

    def unsubscribe(self, schema: str, person_id: int, queue: asyncio.Queue) -> None:
        queues = self.streams.get((schema, person_id))
        if queues is not None:
            queues.discard(queue)
            if not queues:
                del self.streams[(schema, person_id)]

    def _ensure_listening(self) -> None:
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._loop is not loop:
            self._loop, self.listening, self._reader = loop, asyncio.Event(), None
            self._task = loop.create_task(self._listen_forever())

    async def _listen_forever(self) -> None:
        while True:
            try:
                if settings.HARMONY_EVENTS_REDIS_URL:
                    await self._listen_redis()
                else:
                    await self._listen_postgres()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database or Redis went away: reconnect, streams stay
                log.exception("live: listener lost its connection; reconnecting")
                self.listening.clear()
                await asyncio.sleep(1)

    async def _listen_postgres(self) -> None:
        import psycopg

        async with await psycopg.AsyncConnection.connect(**_conninfo(),
                                                         autocommit=True) as listener:
            await listener.execute(f"LISTEN {CHANNEL}")
            self.listening.set()
            async for notice in listener.notifies():
                await self.dispatch(notice.payload)

    async def _listen_redis(self) -> None:
        import redis.asyncio as redis

        client = redis.Redis.from_url(settings.HARMONY_EVENTS_REDIS_URL)
        async with client.pubsub() as pubsub:
            await pubsub.subscribe(CHANNEL)
            self.listening.set()
            async for item in pubsub.listen():
                if item.get("type") == "message":
                    await self.dispatch(item["data"].decode())

    async def dispatch(self, text: str) -> None:
        try:
            message = json.loads(text)
            schema = message["s"]
        except (ValueError, KeyError, TypeError):
            return
        if not isinstance(schema, str) or not SCHEMA_NAME.match(schema):
            return
        audience = message.get("a")
        if audience is None:
            audience = await self._audience_from_database(schema, message["e"])
        event = (message["e"], sse(message["e"], message.get("t", ""), message.get("l", "")))
        for person_id in audience:
            for queue in list(self.streams.get((schema, person_id), ())):
                if not queue.full():
                    queue.put_nowait(event)

    async def _audience_from_database(self, schema: str, event_id: int) -> list[int]:
        """Read an audience too large for NOTIFY, on one connection kept for the purpose."""
        import psycopg
        from psycopg import sql

        query = sql.SQL("SELECT audience FROM {}.audit_activityevent WHERE id = %s").format(
            sql.Identifier(schema))
        if self._reader is None or self._reader.closed:
            self._reader = await psycopg.AsyncConnection.connect(**_conninfo(),
                                                                 autocommit=True)
        row = await (await self._reader.execute(query, [int(event_id)])).fetchone()
        return list(row[0]) if row else []


HUB = Hub()


def _conninfo() -> dict:
    """Connection parameters of the default database (the test database under pytest)."""
    params = connection.settings_dict
    info = {"dbname": params["NAME"], "user": params["USER"], "password": params["PASSWORD"],
            "host": params["HOST"], "port": params["PORT"]}
    return {key: value for key, value in info.items() if value not in ("", None)}


def sse(event_id: int, event_type: str, label: str) -> str:
    """One server-sent event: its id (for Last-Event-ID) and a short notice to show."""
    notice = escape(f"{event_label(event_type)}: {label}" if label else event_label(event_type))
    return f"id: {event_id}\nevent: changed\ndata: <p>{notice}</p>\n\n"


async def stream(schema: str, person_id: int, replay):
    """Yield the person's events: first those missed since Last-Event-ID (``replay``, a
    coroutine giving (id, type, label) rows), then live ones, with keep-alive comments."""
    queue = HUB.subscribe(schema, person_id)  # before the replay, so nothing falls between
    try:
        # The process's first stream waits until its listener is in place (a few ms), so an
        # event committed right after the page connected is not missed.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(HUB.listening.wait(), LISTEN_WAIT_SECONDS)
        yield f"retry: {RETRY_MILLISECONDS}\n\n"
        last = 0
        for event_id, event_type, label in await replay():
            last = event_id
            yield sse(event_id, event_type, label)
        while True:
            try:
                event_id, text = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if event_id > last:
                yield text  # formatted once per event for every stream it reaches
    finally:
        HUB.unsubscribe(schema, person_id, queue)
