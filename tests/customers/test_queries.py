"""The case box and the status page read a fixed number of queries, however many cases."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from core.customers.services import case_receive
from tests.conftest import agency_client
from tests.customers.conftest import intake


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    # The host lookup and search_path are the middleware's (cached after the first request).
    return len(
        [
            q
            for q in captured.captured_queries
            if "search_path" not in q["sql"] and "tenants_domain" not in q["sql"]
        ]
    )


def test_the_box_does_not_grow_with_the_cases(alpha_people, officer):
    client = agency_client("alpha", officer.user)
    with schema_context("alpha"):
        case_receive(intake=intake(), channel="web")
    few = _queries(client, "/cases/")
    with schema_context("alpha"):
        for n in range(8):
            case_receive(intake=intake(title=f"민원 {n}"), channel="web")
    assert _queries(client, "/cases/") == few


def test_the_status_page_reads_the_case_its_steps_and_the_shared_progress(alpha):
    with schema_context("alpha"):
        _case, token = case_receive(intake=intake(), channel="web")
    client = agency_client("alpha")
    # The case, its steps, and the progress reports shared from the tasks linked to it.
    assert _queries(client, f"/public/requests/{token}/") == 3
