"""Tenant isolation matrix. Every URL pattern of the agency and console URL confs, found from
the resolver (so new routes join by themselves), is requested with another agency's session,
with another agency's API token, and on the wrong kind of host. None of it may yield data:
a foreign credential must behave exactly like no credential at all."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from tests.conftest import agency_client, console_client

SAMPLE_BY_CONVERTER = {"int": "1", "str": "x", "slug": "x", "path": "x",
                       "uuid": "00000000-0000-0000-0000-000000000001"}


def _route_example(pattern) -> str:
    text = str(pattern.pattern)
    if hasattr(pattern.pattern, "converters") and not text.startswith("^"):
        return re.sub(r"<(?:(\w+):)?\w+>",
                      lambda m: SAMPLE_BY_CONVERTER.get(m.group(1) or "str", "x"), text)
    text = re.sub(r"\(\?P<format>[^)]*\)", "json", text)
    text = re.sub(r"\(\?P<\w+>[^)]*\)", "1", text)
    return text.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")


def all_paths(urlconf: str) -> list[str]:
    """Return one concrete path for every URL pattern in ``urlconf``."""
    paths: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + _route_example(entry))
            elif isinstance(entry, URLPattern):
                paths.append("/" + prefix + _route_example(entry))

    walk(get_resolver(urlconf).url_patterns, "")
    return sorted(set(paths))


AGENCY_PATHS = all_paths("harmony.urls_tenant")
CONSOLE_PATHS = all_paths("harmony.urls_public")


def test_the_matrix_covers_the_routes_of_every_area():
    for expected in ("/", "/org/people/1/", "/org/import/", "/audit/", "/api/v1/people/",
                     "/api/v1/me/", "/api/v1/schema/", "/accounts/login/", "/live/",
                     "/timeline/unit/", "/timeline/people/1/", "/api/v1/audit/"):
        assert expected in AGENCY_PATHS
    for expected in ("/agencies/new/", "/agencies/1/status/", "/audit/"):
        assert expected in CONSOLE_PATHS


def _leaks(response, markers: list[str]) -> list[str]:
    body = response.content.decode(errors="replace")
    return [marker for marker in markers if marker in body]


@pytest.fixture
def two_agencies(alpha_people, beta_people):
    with schema_context("beta"):
        token = Token.objects.create(user=beta_people.admin.user)
    markers = ["베타청", beta_people.admin.email, beta_people.staff.email, beta_people.hr.email]
    return alpha_people, beta_people, token.key, markers


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_session_of_another_agency_counts_for_nothing(two_agencies, method):
    _alpha, beta, _token, markers = two_agencies
    beta_session = agency_client("beta", beta.admin.user).cookies
    failures = []
    for path in AGENCY_PATHS:
        anonymous = getattr(agency_client("alpha"), method)(path)
        replayed = agency_client("alpha")
        replayed.cookies = beta_session
        foreign = getattr(replayed, method)(path)
        if foreign.status_code != anonymous.status_code or _leaks(foreign, markers):
            failures.append((path, anonymous.status_code, foreign.status_code))
        if foreign.status_code >= 500:
            failures.append((path, "server error", foreign.status_code))
    assert failures == []


def test_an_api_token_of_another_agency_is_refused_everywhere(two_agencies):
    _alpha, _beta, token, markers = two_agencies
    failures = []
    for path in [p for p in AGENCY_PATHS if p.startswith("/api/")]:
        response = agency_client("alpha").get(path, HTTP_AUTHORIZATION=f"Token {token}")
        if response.status_code not in (401, 403, 404) and not path.endswith(
            ("/schema/", "/docs/")
        ):
            failures.append((path, response.status_code))
        if _leaks(response, markers):
            failures.append((path, "leak"))
    assert failures == []
    own = agency_client("beta").get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert own.status_code == 200


def test_a_signed_in_user_gets_nothing_from_another_agency_host(two_agencies):
    alpha, beta, _token, markers = two_agencies
    alpha_session = agency_client("alpha", alpha.admin.user).cookies
    on_beta = agency_client("beta")
    on_beta.cookies = alpha_session
    for path in ("/", "/org/", "/org/people/", "/audit/", "/api/v1/people/"):
        response = on_beta.get(path)
        assert response.status_code in (302, 401, 403), path
        assert not _leaks(response, markers), path


def test_console_pages_do_not_exist_on_agency_hosts(two_agencies):
    alpha, *_ = two_agencies
    admin = agency_client("alpha", alpha.admin.user)
    only_console = [p for p in CONSOLE_PATHS if p not in AGENCY_PATHS]
    assert only_console
    for path in only_console:
        assert admin.get(path).status_code == 404, path


def test_agency_pages_do_not_exist_on_the_console_host(two_agencies, central_user):
    central = console_client(central_user)
    only_agency = [p for p in AGENCY_PATHS if p not in CONSOLE_PATHS]
    assert only_agency
    for path in only_agency:
        assert central.get(path).status_code == 404, path


def test_an_agency_session_is_not_a_console_session(two_agencies):
    alpha, *_ = two_agencies
    replayed = console_client()
    replayed.cookies = agency_client("alpha", alpha.admin.user).cookies
    for path in CONSOLE_PATHS:
        if path.startswith(("/accounts/", "/i18n/")):
            continue
        assert replayed.get(path).status_code == 302, path
