"""Live-stream tests need committed rows (PostgreSQL delivers NOTIFY only on commit) and a
real ASGI server: each test's agency is made and committed under a unique subdomain, and
uvicorn serves the project in a thread of this process, on the test database."""

import http.client

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from tests.asgi_server import asgi_server as serve
from tests.committed import committed, committed_other, db  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def asgi_server(django_db_setup, django_db_blocker):
    """uvicorn serving the project on a free port, for the module."""
    with django_db_blocker.unblock(), serve() as port:
        yield port


def session_cookie(personas, person) -> str:
    client = Client(HTTP_HOST=f"{personas.agency.get_primary_domain().domain}")
    with schema_context(personas.agency.schema_name):
        client.force_login(person.user)
    return client.cookies["sessionid"].value


class EventStream:
    """A blocking reader of one /live/ stream, as a browser's EventSource would open it."""

    def __init__(self, port: int, host: str, cookie: str, last_event_id: str = ""):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Host": host, "Cookie": f"sessionid={cookie}",
                   "Accept": "text/event-stream"}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        self.connection.request("GET", "/live/", headers=headers)
        self.response = self.connection.getresponse()

    @property
    def status(self) -> int:
        return self.response.status

    def next_event(self, timeout: float = 5.0) -> dict | None:
        """The next event (its id and data), or None when none comes within ``timeout``."""
        self.connection.sock.settimeout(timeout)
        event: dict = {}
        try:
            while True:
                line = self.response.readline().decode()
                if not line:
                    return None
                line = line.rstrip("\n")
                if not line:
                    if "data" in event:
                        return event
                    event = {}
                    continue
                name, _sep, value = line.partition(": ")
                if name in ("id", "event", "data"):
                    event[name] = value
        except TimeoutError:
            return None

    def close(self) -> None:
        self.connection.close()
