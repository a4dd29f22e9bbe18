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


def _post(people, persona: str, path: str, body: dict):
    return _api(people, persona).post(path, body, content_type="application/json")


def test_a_saved_draft_is_submitted_and_a_returned_one_goes_up_again(alpha_people):
    people = alpha_people
    saved = _create(people, submit=False, line=[])
    assert saved.status_code == 201 and saved.json()["status"] == "draft"
    pk = saved.json()["id"]
    line = [{"person": people.head.pk, "role": "approver"}]
    assert _post(people, "staff", f"/api/v1/documents/{pk}/submit/",
                 {"line": line}).json()["status"] == "in_progress"
    _post(people, "head", f"/api/v1/documents/{pk}/act/",
          {"decision": "return", "opinion": "근거 보완"})

    again = _post(people, "staff", f"/api/v1/documents/{pk}/submit/",
                  {"body": "<p>근거를 붙였습니다</p>", "line": line})
    assert again.status_code == 200
    assert (again.json()["version"], again.json()["status"]) == (2, "in_progress")
    assert again.json()["body"] == "<p>근거를 붙였습니다</p>"
    twice = _post(people, "staff", f"/api/v1/documents/{pk}/submit/", {"line": line})
    assert twice.status_code == 409


def test_a_reviewer_revises_and_the_drafter_skips_through_the_api(alpha_people):
    people = alpha_people
    pk = _create(people).json()["id"]
    revised = _post(people, "head", f"/api/v1/documents/{pk}/revise/",
                    {"title": "API 기안 (수정)", "body": "<p>고친 본문</p>"})
    assert revised.status_code == 200 and revised.json()["version"] == 2
    assert revised.json()["steps"][0]["revised"] is True

    pk = _create(people, title="두 번째").json()["id"]
    refused = _post(people, "staff", f"/api/v1/documents/{pk}/skip/", {"reason": ""})
    assert refused.status_code == 400 and "사유" in refused.json()["detail"][0]
    skipped = _post(people, "staff", f"/api/v1/documents/{pk}/skip/", {"reason": "출장"})
    assert [s["status"] for s in skipped.json()["steps"]] == ["skipped", "pending"]
