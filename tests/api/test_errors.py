"""The API answers every error in JSON ({"detail": …}), never with an HTML page."""

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django_tenants.utils import schema_context

from core.org import api as org_api
from tests.conftest import agency_client
from tests.test_isolation import AGENCY_PATHS

API_DETAIL_PATHS = [path for path in AGENCY_PATHS if path.startswith("/api/") and "/1/" in path]


def _json_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    return response.json()


@pytest.fixture
def admin(alpha_people):
    client = agency_client("alpha", alpha_people.admin.user)
    client.raise_request_exception = False
    return client


def test_every_api_object_path_with_a_non_numeric_id_is_not_found(admin):
    assert API_DETAIL_PATHS
    for path in API_DETAIL_PATHS:
        for bad_id in ("abc", "1.5", "-1", "١"):
            response = admin.get(path.replace("/1/", f"/{bad_id}/", 1))
            assert "detail" in _json_error(response, 404), (path, bad_id)


def test_an_id_beyond_the_database_range_is_not_found(admin):
    assert "detail" in _json_error(admin.get("/api/v1/documents/99999999999999999999/"), 404)
    assert "detail" in _json_error(admin.get("/api/v1/people/99999999999999999999/"), 404)


def test_an_unknown_api_path_or_format_suffix_is_json_not_found(admin):
    for path in ("/api/v1/nothing/", "/api/v1/documents.json/", "/api/v1/documents/1.json/",
                 "/api/v2/"):
        assert _json_error(admin.get(path), 404)["detail"] == "찾을 수 없습니다.", path


def test_a_wrong_method_is_json(admin):
    assert "detail" in _json_error(admin.get("/api/v1/token/"), 405)
    assert "detail" in _json_error(admin.delete("/api/v1/me/"), 405)


def test_a_refusal_is_json(alpha):
    anonymous = agency_client("alpha")
    response = anonymous.get("/api/v1/people/")
    assert response.status_code in (401, 403)
    assert "detail" in response.json()


def test_bad_input_is_json(admin):
    response = admin.post("/api/v1/documents/", "{not json", content_type="application/json")
    assert "detail" in _json_error(response, 400)


def test_a_services_validation_error_is_a_json_bad_request(admin, monkeypatch):
    def refuse(self, request):
        raise DjangoValidationError("올바르지 않은 값입니다.")

    monkeypatch.setattr(org_api.MeView, "get", refuse)
    assert _json_error(admin.get("/api/v1/me/"), 400) == {"detail": ["올바르지 않은 값입니다."]}


def test_a_server_error_is_json(admin, monkeypatch):
    def crash(self, request):
        raise RuntimeError("boom")

    monkeypatch.setattr(org_api.MeView, "get", crash)
    body = _json_error(admin.get("/api/v1/me/"), 500)
    assert body == {"detail": "일시적인 오류가 발생했습니다. 잠시 후 다시 시도하세요."}


def test_pages_outside_the_api_keep_their_html_error_pages(admin):
    response = admin.get("/org/nothing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_session_that_must_enrol_in_mfa_first_is_refused_in_json(alpha_people):
    """MFA is required of HR officers by default; this one has not enrolled yet."""
    from core.org.models import RoleCode
    from tests.factories import PersonFactory

    with schema_context("alpha"):
        new_hr = PersonFactory(unit=alpha_people.hr.unit,
                               roles=[RoleCode.STAFF, RoleCode.HR_OFFICER])
    hr = agency_client("alpha", new_hr.user)
    assert "OTP" in _json_error(hr.get("/api/v1/me/"), 403)["detail"]
    assert hr.get("/")["Location"] == "/accounts/2fa/totp/activate/"
