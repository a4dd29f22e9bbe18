"""Parallel token requests for one account: every answer clean, exactly one token valid after.

Like tests/approvals/test_concurrency.py, this runs outside the per-test transaction: each
thread sends a real request through the whole stack on its own database connection, against an
agency committed for the test."""

import copy
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from tenants.models import Agency
from tests.conftest import agency_client
from tests.factories import make_personas, onboard_agency

PARALLEL = 8


@pytest.fixture
def db(django_db_setup, django_db_blocker):
    """pytest-django's ``db`` without its per-test transaction."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def committed(db):
    while True:
        code = f"7{secrets.randbelow(10**6):06d}"
        if not Agency.objects.filter(code=code).exists():
            break
    return make_personas(onboard_agency(f"tok-{secrets.token_hex(4)}", code=code))


def _post_all_at_once(signed_in: Client, path: str, times: int) -> list:
    """POST ``path`` from ``times`` threads at once, each a client with the same session."""
    barrier = threading.Barrier(times)

    def post(_):
        client = Client(HTTP_HOST=signed_in.defaults["HTTP_HOST"])
        client.cookies = copy.deepcopy(signed_in.cookies)
        try:
            barrier.wait()
            return client.post(path)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(post, range(times)))


def test_parallel_token_requests_leave_exactly_one_valid_token(committed):
    people = committed
    subdomain = people.agency.schema_name.replace("_", "-")
    client = agency_client(subdomain, people.staff.user)

    answers = _post_all_at_once(client, "/api/v1/token/", PARALLEL)

    assert [a.status_code for a in answers] == [201] * PARALLEL
    issued = {a.json()["token"] for a in answers}
    assert len(issued) == PARALLEL
    with schema_context(people.agency.schema_name):
        (survivor,) = Token.objects.filter(user=people.staff.user)
    assert survivor.key in issued
    valid = [key for key in issued
             if agency_client(subdomain).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
             .status_code == 200]
    assert valid == [survivor.key]
