"""The live stream tells each person what concerns them, as it happens, and nobody else."""

import time

import psycopg
import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from core.approvals import services
from core.approvals.models import StepRole
from core.audit.announce import CHANNEL
from core.audit.events import EventType
from core.audit.services import event_record
from core.portal.live import _conninfo
from tests.live.conftest import EventStream, session_cookie


def _host(personas) -> str:
    return personas.agency.get_primary_domain().domain


def _submit(personas, title: str):
    with schema_context(personas.agency.schema_name):
        document = services.document_draft(drafter=personas.staff, title=title,
                                           body="<p>본문</p>")
        return services.document_submit(document=document, actor=personas.staff, line=[
            services.LineEntry(person=personas.head, role=StepRole.APPROVER)])


def test_the_approver_sees_a_submission_arrive_and_a_bystander_does_not(asgi_server,
                                                                        committed):
    head = EventStream(asgi_server, _host(committed), session_cookie(committed, committed.head))
    other = EventStream(asgi_server, _host(committed),
                        session_cookie(committed, committed.other))
    assert (head.status, other.status) == (200, 200)

    _submit(committed, "실시간 결재 요청")

    event = head.next_event()
    assert event is not None and event["event"] == "changed"
    assert "문서 상신: 실시간 결재 요청" in event["data"]
    assert other.next_event(timeout=1.5) is None
    head.close()
    other.close()


def test_a_reconnecting_stream_replays_what_it_missed(asgi_server, committed):
    first = _submit(committed, "첫 번째 문서")
    with schema_context(committed.agency.schema_name):
        from core.audit.models import ActivityEvent

        seen = ActivityEvent.objects.filter(object_id=str(first.pk)).latest("id").pk
    _submit(committed, "자는 동안 올라온 문서")

    stream = EventStream(asgi_server, _host(committed),
                         session_cookie(committed, committed.head), last_event_id=str(seen))
    event = stream.next_event()
    assert event is not None and "자는 동안 올라온 문서" in event["data"]
    assert int(event["id"]) > seen
    stream.close()


def test_a_stream_opened_with_another_agencys_session_is_refused(asgi_server, committed,
                                                                  committed_other):
    foreign = session_cookie(committed_other, committed_other.head)
    stream = EventStream(asgi_server, _host(committed), foreign)
    assert stream.status != 200
    stream.close()


def test_events_reach_only_their_own_agency(asgi_server, committed, committed_other):
    """Person ids repeat across agencies: the stream is keyed by schema as well."""
    theirs = EventStream(asgi_server, _host(committed_other),
                         session_cookie(committed_other, committed_other.head))
    assert theirs.status == 200
    _submit(committed, "다른 기관의 문서")
    assert theirs.next_event(timeout=1.5) is None
    theirs.close()


@pytest.mark.parametrize("commit", [True, False])
def test_a_move_is_announced_only_when_its_transaction_commits(committed, commit):
    with psycopg.connect(**_conninfo(), autocommit=True) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        with schema_context(committed.agency.schema_name):
            try:
                with transaction.atomic():
                    event_record(EventType.MEMO_SENT, actor=committed.staff,
                                 audience=[committed.head.pk], payload={"title": "메모"})
                    if not commit:
                        raise RuntimeError("rolled back")
            except RuntimeError:
                pass
        received = [notice.payload for notice in listener.notifies(timeout=1.0, stop_after=1)]
    assert bool(received) is commit
    if commit:
        assert f'"s":"{committed.agency.schema_name}"' in received[0]


def _connections_to_this_database() -> int:
    with psycopg.connect(**_conninfo(), autocommit=True) as probe:
        return probe.execute("SELECT count(*) - 1 FROM pg_stat_activity "
                             "WHERE datname = current_database()").fetchone()[0]


def test_open_streams_hold_no_database_connection(asgi_server, committed):
    """One LISTEN per process, never a connection per open browser: a stream's request thread
    gives its connection back once the stream is under way (bench/live.py found each open
    stream holding one, so a hundred browsers exhausted PostgreSQL's max_connections)."""
    cookie = session_cookie(committed, committed.head)
    first = EventStream(asgi_server, _host(committed), cookie)
    _submit(committed, "듣기 시작")
    assert first.next_event() is not None  # the process listens; its connection is counted
    before = _connections_to_this_database()

    streams = [EventStream(asgi_server, _host(committed), cookie) for _ in range(5)]
    assert {stream.status for stream in streams} == {200}
    deadline = time.monotonic() + 5
    while _connections_to_this_database() > before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _connections_to_this_database() <= before
    for stream in [first, *streams]:
        stream.close()
