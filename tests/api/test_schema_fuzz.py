"""Schemathesis against /api/v1/schema/: every operation, for one agency with a signed-in
token, answers without a server error, with a documented status code and a body its schema
describes. Seeded (derandomized) and bounded (examples per operation, a time cap). Each case
with an id is also sent with the id of a real object, so the answers with data are checked
too, not only the 404s of random ids."""

import time
from contextlib import contextmanager
from datetime import timedelta

import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from harmony.wsgi import application
from tests.conftest import agency_client

BASE_URL = "http://alpha.localhost"
EXAMPLES_PER_OPERATION = 10
TIME_CAP_SECONDS = 120
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


def _run(operation, headers, real_ids: dict[str, int]) -> list[str]:
    failures: list[str] = []
    real_id = real_ids.get(operation.path.split("/")[3])

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None,
              deadline=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    def check(case):
        _call(case, headers, failures)
        if real_id is not None and "id" in (case.path_parameters or {}):
            case.path_parameters["id"] = real_id
            _call(case, headers, failures)

    check()
    return failures


def _call(case, headers, failures: list[str]) -> None:
    try:
        case.call_and_validate(base_url=BASE_URL, headers=headers, checks=CHECKS)
    except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 — collect them all
        failures.append(f"{case.operation.label}: {str(error)[:1200]}")


def _seed(people, headers) -> dict[str, int]:
    """Make one object of each kind through the API; return their ids by resource name."""
    client = agency_client("alpha")
    client.defaults["HTTP_AUTHORIZATION"] = headers["Authorization"]
    others = [people.staff.pk, people.head.pk]
    bodies = {
        "schedules": {"title": "점검", "starts_at": "2026-05-04T14:00:00+09:00",
                      "ends_at": "2026-05-04T16:00:00+09:00", "scope": "personal"},
        "tasks": {"title": "업무 계획"},
        "memos": {"title": "보고", "body": "내용", "recipients": others},
        "instructions": {"title": "지시", "body": "내용", "assignees": others,
                         "due_date": str(timezone.localdate() + timedelta(days=30))},
        "documents": {"title": "계획", "body": "<p>본문</p>", "submit": False},
        "cases": {"kind": "citizen", "name": "홍길동", "phone": "010-1234-5678",
                  "case_type": "inquiry", "title": "문의", "body": "내용", "consent": True},
    }
    ids = {"units": people.admin.unit_id, "people": people.staff.pk}
    for resource, body in bodies.items():
        response = client.post(f"/api/v1/{resource}/", body, content_type="application/json")
        assert response.status_code == 201, (resource, response.content)
        ids[resource] = response.json()["id"]
    return ids


@contextmanager
def wsgi_keeps_the_test_connection():
    """Schemathesis calls the WSGI application itself; like Django's test client (which
    reconnects them after each of its own requests), keep the request signals from closing
    the test's database connection and its transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_api_operation_keeps_to_its_schema(alpha_people):
    with schema_context("alpha"):
        token = Token.objects.create(user=alpha_people.admin.user)
    headers = {"Authorization": f"Token {token.key}"}
    real_ids = _seed(alpha_people, headers)
    started, failures = time.monotonic(), []
    with wsgi_keeps_the_test_connection():
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application,
                                                base_url=BASE_URL)
        for result in schema.get_all_operations():
            failures += _run(result.ok(), headers, real_ids)
            assert time.monotonic() - started < TIME_CAP_SECONDS, "the run is not bounded"
    print("\n\n".join(failures))
    assert failures == []
