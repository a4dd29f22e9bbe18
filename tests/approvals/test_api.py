"""The approval API: draft with a line, act on a turn, withdraw; errors as 400 or 409."""

from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from tests.conftest import agency_client


def _api(people, persona: str):
    user = getattr(people, persona).user
    with schema_context("alpha"):
        token, _ = Token.objects.get_or_create(user=user)
    client = agency_client("alpha")
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def _create(people, **extra):
    body = {"title": "API 기안", "body": "<p>본문</p>",
            "line": [{"person": people.head.pk, "role": "reviewer"},
                     {"person": people.admin.pk, "role": "approver"}], **extra}
    return _api(people, "staff").post("/api/v1/documents/", body, content_type="application/json")


def test_a_document_goes_through_the_api_to_its_number(alpha_people):
    created = _create(alpha_people)
    assert created.status_code == 201
    pk = created.json()["id"]
    assert [d["id"] for d in _api(alpha_people, "head").get(
        "/api/v1/documents/?box=queue").json()["results"]] == [pk]

    _api(alpha_people, "head").post(f"/api/v1/documents/{pk}/act/", {"decision": "approve"},
                                    content_type="application/json")
    done = _api(alpha_people, "admin").post(f"/api/v1/documents/{pk}/act/",
                                            {"decision": "approve"},
                                            content_type="application/json")
    assert done.json()["status"] == "approved"
    assert done.json()["number"] == "혁신기획과-1"
    assert [a["kind"] for a in done.json()["actions"]][-1] == "completed"


def test_acting_out_of_turn_or_twice_is_refused(alpha_people):
    pk = _create(alpha_people).json()["id"]
    early = _api(alpha_people, "admin").post(f"/api/v1/documents/{pk}/act/",
                                             {"decision": "approve"},
                                             content_type="application/json")
    assert early.status_code == 400 and "차례가 아닙니다" in early.json()["detail"][0]

    head = _api(alpha_people, "head")
    head.post(f"/api/v1/documents/{pk}/act/", {"decision": "approve"},
              content_type="application/json")
    again = head.post(f"/api/v1/documents/{pk}/act/", {"decision": "approve"},
                      content_type="application/json")
    assert again.status_code == 409


def test_a_line_without_an_approver_is_a_400_in_korean(alpha_people):
    response = _create(alpha_people, line=[{"person": alpha_people.head.pk, "role": "reviewer"}])
    assert response.status_code == 400
    assert "결재권자" in response.json()["detail"][0]


def test_outsiders_get_404_for_a_document(alpha_people):
    pk = _create(alpha_people).json()["id"]
    assert _api(alpha_people, "other").get(f"/api/v1/documents/{pk}/").status_code == 404
