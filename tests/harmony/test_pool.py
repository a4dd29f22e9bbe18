"""Pooled database connections: two agencies served alternately through one connection of
the pool never see each other's data.

A request must hand its connection back to the pool when it ends, which pytest-django's test
transaction and Django's test client both prevent (the client keeps the connection open).
So these requests go through Django's real WSGI handler with committed data, like the
browser tests, and the two agencies are dropped again at the end."""

import secrets

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.db.backends.signals import connection_created
from django.test import RequestFactory
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from tests.committed import agency_drop
from tests.factories import PersonFactory, onboard_agency


def _agency_with_marker(subdomain: str, code: str, marker: str) -> tuple[str, str]:
    agency = onboard_agency(subdomain, code=code)
    with schema_context(agency.schema_name):
        person = PersonFactory(name=marker)
        return agency.schema_name, Token.objects.create(user=person.user).key


@pytest.fixture
def db():
    """pytest-django's ``db`` without its transaction (asking for ``db`` is what makes it
    create the test database; see tests/browser/conftest.py)."""


@pytest.fixture
def single_connection_pool(db, django_db_setup, django_db_blocker):
    """A pool of exactly one connection, and two committed agencies (removed afterwards)."""
    options = connection.settings_dict["OPTIONS"]
    assert options.get("pool"), "the settings pool every connection"
    saved = options["pool"]
    run = secrets.token_hex(3)
    with django_db_blocker.unblock():
        connection.close()
        connection.close_pool()
        options["pool"] = {"min_size": 1, "max_size": 1}
        agencies = {
            marker: _agency_with_marker(f"pool-{run}-{label}", f"8{secrets.randbelow(10**6):06d}",
                                        marker)
            for label, marker in (("a", f"풀알파{run}"), ("b", f"풀베타{run}"))
        }
        try:
            yield agencies
        finally:
            from tenants.models import Agency

            connection.close()
            connection.set_schema_to_public()
            schemas = [schema for schema, _token in agencies.values()]
            for agency in Agency.objects.filter(schema_name__in=schemas):
                agency_drop(agency)
            connection.close()
            connection.close_pool()
            options["pool"] = saved


def _serve(handler: WSGIHandler, host: str, token: str) -> str:
    """One request through the real handler; closing the response returns the connection."""
    environ = RequestFactory().get("/api/v1/people/", HTTP_HOST=host,
                                   HTTP_AUTHORIZATION=f"Token {token}").environ
    response = handler(environ, lambda status, headers, exc_info=None: None)
    try:
        assert response.status_code == 200, response.content[:300]
        return b"".join(response).decode()
    finally:
        response.close()


def test_agencies_served_alternately_by_one_pooled_connection_stay_apart(single_connection_pool):
    backends: list[int] = []

    def remember_backend(sender, connection, **kwargs):
        backends.append(connection.connection.info.backend_pid)

    connection_created.connect(remember_backend)
    handler = WSGIHandler()
    try:
        markers = list(single_connection_pool)
        for _round in range(3):
            for own, other in (markers, markers[::-1]):
                schema, token = single_connection_pool[own]
                body = _serve(handler, f"{schema.replace('_', '-')}.localhost", token)
                assert own in body and other not in body
    finally:
        connection_created.disconnect(remember_backend)
    assert len(backends) >= 6, "each request takes the connection from the pool again"
    assert len(set(backends)) == 1, "and it is the same database connection every time"
