"""Admission control in front of Django: a process lets in only as many requests at a time as
its database pool has connections.

Under ASGI every request runs Django's (sync) code in a thread of its own, and each holds a
pooled connection from its first query until it has answered. Without a bound, a burst (a
worker restarted after a crash, 100 event streams reconnecting at once, a busy machine) puts
more requests in flight than the pool has connections; the surplus waits for one and, after
HARMONY_DB_POOL_TIMEOUT seconds, fails with a 500. Admitted at the door instead, the surplus
waits in the event loop, holding nothing, and is served in turn.

A request leaves once its first body chunk has been sent: an ordinary page is then complete
(its connection goes back at once), and a server-sent-events stream (/live/) has given its
connection back before it starts (core/portal/stream_view.py), so open streams never count.
"""

import asyncio
import weakref

from django.conf import settings


def request_limit() -> int:
    """As many requests as the default database's pool has connections."""
    return int(settings.DATABASES["default"].get("OPTIONS", {}).get("pool", {})
               .get("max_size", 20))


class AdmissionLimit:
    """ASGI middleware: at most ``limit`` HTTP requests of this process inside ``app``."""

    def __init__(self, app, *, limit: int):
        self.app = app
        self.limit = limit
        # One semaphore per event loop (a test server runs its own loop in a thread).
        self._semaphores: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if loop not in self._semaphores:
            self._semaphores[loop] = asyncio.Semaphore(self.limit)
        return self._semaphores[loop]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        semaphore = self._semaphore()
        await semaphore.acquire()
        admitted = True

        def leave() -> None:
            nonlocal admitted
            if admitted:
                admitted = False
                semaphore.release()

        async def sending(message):
            await send(message)
            if message["type"] == "http.response.body":
                leave()

        try:
            return await self.app(scope, receive, sending)
        finally:
            leave()
