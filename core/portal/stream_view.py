"""/live/: the signed-in person's stream of events (core/portal/live.py)."""

from datetime import timedelta

from asgiref.sync import sync_to_async
from django.db import connection
from django.http import HttpResponseForbidden, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from core.audit.selectors import missed_events
from core.portal.access import current_person
from core.portal.live import stream
from core.portal.params import digits_to_int

REPLAY_WINDOW = timedelta(hours=24)


def _last_event_id(request) -> int:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last") or "0"
    return digits_to_int(raw, max_digits=17) or 0


def _who(request) -> tuple[str, int] | None:
    """(schema, person id) of a signed-in, active person of this agency, or None. The
    database connection goes back to the pool at once: a stream lives for hours and must not
    hold one (1,000 streams would need 1,000 connections)."""
    schema = request.tenant.schema_name
    try:
        with schema_context(schema):
            person = current_person(request) if request.user.is_authenticated else None
        return (schema, person.pk) if person is not None and person.is_active else None
    finally:
        _release_connection()


def _release_connection() -> None:
    """Give the thread's connection back to the pool; not inside a transaction someone else
    holds open (the tests' own), where closing would break the caller's next query."""
    if not connection.in_atomic_block:
        connection.close()


async def live(request):
    who = await sync_to_async(_who)(request)
    if who is None:
        return HttpResponseForbidden(_("로그인한 기관 직원만 실시간 알림을 받을 수 있습니다."))
    schema, person_id = who
    after = _last_event_id(request)

    @sync_to_async
    def replay():
        try:
            if not after:
                return []
            with schema_context(schema):
                return missed_events(person_id=person_id, after_id=after,
                                     since=timezone.now() - REPLAY_WINDOW)
        finally:
            # The last database work of the request (the stream calls this once the response
            # is under way): the request's thread would otherwise keep its connection open
            # until the browser leaves — one connection per open stream.
            _release_connection()

    response = StreamingHttpResponse(stream(schema, person_id, replay),
                                     content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx and friends: pass each event on at once
    return response
