"""Hostile input is refused with a 400 (JSON under /api/), never a 500. The routes come from
the URL resolver, as in the isolation matrix, so a new page is covered by itself."""

import pytest

from tests.conftest import agency_client
from tests.test_isolation import AGENCY_PATHS

NUL = "\x00"
# The names the pages' search and filter forms use, each carrying a NUL byte.
FILTERS = {name: f"x{NUL}" for name in (
    "q", "search", "query", "status", "box", "unit", "grade", "role", "sort", "ordering",
    "page", "since", "until", "month", "week", "day", "date", "kind", "scope", "parent",
    "priority")}


def _refused_as_bad_request(response, path: str) -> bool:
    if response.status_code != 400:
        return False
    if path.startswith("/api/"):
        return "NUL" in response.json()["detail"]
    return "NUL" in response.content.decode()


def test_a_nul_byte_in_any_filter_of_any_page_is_a_bad_request(alpha_people):
    admin = agency_client("alpha", alpha_people.admin.user)
    admin.raise_request_exception = False
    failures = [(path, response.status_code) for path in AGENCY_PATHS
                if not _refused_as_bad_request(response := admin.get(path, FILTERS), path)]
    assert failures == []


def test_a_nul_byte_in_one_search_field_is_a_bad_request(alpha_people):
    admin = agency_client("alpha", alpha_people.admin.user)
    for path in ("/org/people/", "/approvals/", "/api/v1/people/", "/audit/"):
        for name in ("q", "search"):
            assert admin.get(path, {name: f"김{NUL}"}).status_code == 400, (path, name)


def test_a_nul_byte_in_the_path_is_a_bad_request(alpha_people):
    admin = agency_client("alpha", alpha_people.admin.user)
    for path in ("/schedules/feed/abc%00def.ics", "/org/people/%00/", "/api/v1/people/1%00/"):
        assert admin.get(path).status_code == 400, path


def test_the_calendar_feed_refuses_a_nul_byte_without_signing_in(alpha):
    anonymous = agency_client("alpha")
    assert anonymous.get("/schedules/feed/abc%00.ics").status_code == 400
    assert anonymous.get("/schedules/feed/abc.ics", {"x": NUL}).status_code == 400


@pytest.mark.parametrize("path", ["/approvals/new/", "/api/v1/documents/"])
def test_a_nul_byte_in_a_posted_form_field_is_a_bad_request(alpha_people, path):
    staff = agency_client("alpha", alpha_people.staff.user)
    response = staff.post(path, {"title": f"제목{NUL}", "body": "본문"})
    assert response.status_code == 400


def test_the_refusal_speaks_english_to_those_who_chose_it(alpha_people):
    admin = agency_client("alpha", alpha_people.admin.user)
    admin.cookies["django_language"] = "en"
    assert "not allowed" in admin.get("/api/v1/people/", {"q": NUL}).json()["detail"]
    assert "허용되지 않는" in agency_client("alpha", alpha_people.admin.user).get(
        "/api/v1/people/", {"q": NUL}).json()["detail"]


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "혁신기획과-99999999999999999999",
                                   "공고 제99999999999-99999999999호", "9999-99-99"])
def test_odd_values_in_any_filter_of_any_page_are_no_server_error(alpha_people, value):
    admin = agency_client("alpha", alpha_people.admin.user)
    admin.raise_request_exception = False
    params = {name: value for name in FILTERS}
    failures = [(path, response.status_code) for path in AGENCY_PATHS
                if (response := admin.get(path, params)).status_code >= 500]
    assert failures == []
