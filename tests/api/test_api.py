"""The agency API: me, units and people, with session or per-agency token auth."""

from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from tests.conftest import agency_client
from tests.factories import PersonFactory


def _token_client(people):
    with schema_context(people.agency.schema_name):
        token = Token.objects.create(user=people.staff.user)
    client = agency_client(people.agency.schema_name)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def test_me_describes_the_signed_in_person_and_agency(alpha_people):
    data = _token_client(alpha_people).get("/api/v1/me/").json()
    assert data["name"] == "최샘"
    assert data["unit_name"] == "혁신기획과"
    assert data["roles"] == ["staff"]
    assert data["agency"]["code"] == "1000001"


def test_people_are_paginated_filtered_and_searchable(alpha_people):
    with schema_context("alpha"):
        for _ in range(55):
            PersonFactory(unit=alpha_people.staff.unit)
    client = _token_client(alpha_people)

    first = client.get("/api/v1/people/").json()
    assert first["count"] == 5 + 55 + 1  # personas, the new people, the first admin
    assert len(first["results"]) == 50 and first["next"]
    by_unit = client.get("/api/v1/people/", {"unit": alpha_people.hr.unit_id}).json()
    assert {p["name"] for p in by_unit["results"]} == {"박하나", "정올리"}
    by_role = client.get("/api/v1/people/", {"role": "hr_officer"}).json()
    assert [p["name"] for p in by_role["results"]] == ["박하나"]
    assert client.get("/api/v1/people/", {"search": "정올"}).json()["count"] == 1


def test_units_list_and_session_auth_work(alpha_people):
    client = agency_client("alpha", alpha_people.staff.user)
    names = {u["name"] for u in client.get("/api/v1/units/").json()["results"]}
    assert {"혁신기획과", "성과관리과"} <= names


def test_the_people_list_uses_a_bounded_number_of_queries(alpha_people,
                                                          django_assert_max_num_queries):
    with schema_context("alpha"):
        for _ in range(30):
            PersonFactory(unit=alpha_people.staff.unit)
    client = _token_client(alpha_people)
    client.get("/api/v1/people/")  # the first request also reads the token rule into the cache
    with django_assert_max_num_queries(8):
        client.get("/api/v1/people/")


def test_anonymous_requests_are_refused_in_korean(alpha):
    response = agency_client("alpha").get("/api/v1/people/")
    assert response.status_code in (401, 403)
    assert "인증" in response.json()["detail"]


def test_the_openapi_schema_and_docs_are_served(alpha):
    client = agency_client("alpha")
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/people/" in schema.content
    assert client.get("/api/v1/docs/").status_code == 200


def test_a_signed_in_person_gets_a_token_that_works_only_at_their_agency(alpha_people, beta):
    client = agency_client("alpha", alpha_people.staff.user)
    first = client.post("/api/v1/token/").json()["token"]
    second = client.post("/api/v1/token/").json()["token"]

    assert first != second
    me = agency_client("alpha").get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {second}")
    assert me.status_code == 200
    old = agency_client("alpha").get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {first}")
    assert old.status_code == 401
    elsewhere = agency_client("beta").get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {second}")
    assert elsewhere.status_code == 401


def test_a_token_cannot_mint_another_token(alpha_people):
    client = _token_client(alpha_people)
    assert client.post("/api/v1/token/").status_code in (401, 403)
