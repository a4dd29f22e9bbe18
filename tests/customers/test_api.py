"""/api/v1/cases/: scoped to the cases a person may open; contacts masked except for
handlers (whose view is recorded); intake by officials."""

from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from core.audit.events import EventType
from core.audit.models import ActivityEvent
from core.customers.models import Case
from tests.conftest import agency_client


def _client(person):
    with schema_context("alpha"):
        token, _created = Token.objects.get_or_create(user=person.user)
    client = agency_client("alpha")
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def test_the_list_shows_only_the_cases_a_person_may_open(alpha_people, case, officer):
    assert [c["number"] for c in _client(officer).get("/api/v1/cases/").json()["results"]] == [
        case.number
    ]
    assert _client(alpha_people.other).get("/api/v1/cases/").json()["results"] == []
    assert _client(alpha_people.other).get(f"/api/v1/cases/{case.pk}/").status_code == 404


def test_contacts_are_masked_for_a_bystander_and_recorded_for_a_handler(alpha_people, case):
    seen = _client(alpha_people.staff).get(f"/api/v1/cases/{case.pk}/").json()
    assert seen["customer"]["phone"] == "010-****-5678" and seen["customer"]["masked"]
    handled = _client(alpha_people.head).get(f"/api/v1/cases/{case.pk}/").json()
    assert handled["customer"]["phone"] == "010-1234-5678"
    with schema_context("alpha"):
        assert (
            ActivityEvent.objects.filter(
                type=EventType.CUSTOMER_CONTACT_VIEWED, actor_person_id=alpha_people.head.pk
            ).count()
            == 1
        )


def test_an_official_enters_a_phone_case(alpha_people):
    client = _client(alpha_people.staff)
    response = client.post(
        "/api/v1/cases/",
        {
            "channel": "phone",
            "kind": "expert",
            "name": "이전문",
            "email": "lee@univ.example",
            "affiliation": "한국대학교",
            "field": "교통정책",
            "case_type": "proposal",
            "title": "버스 노선 건의",
            "body": "노선을 늘려 주세요.",
            "consent": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status_link"].endswith("/") and body["customer"]["masked"]
    assert client.get(f"/api/v1/cases/{body['id']}/").status_code == 200
    refused = client.post(
        "/api/v1/cases/",
        {
            "kind": "citizen",
            "name": "무동의",
            "phone": "010-1111-2222",
            "case_type": "inquiry",
            "title": "t",
            "body": "b",
            "consent": False,
        },
        content_type="application/json",
    )
    assert refused.status_code == 400
    with schema_context("alpha"):
        assert Case.objects.count() == 1
