"""A client that retries a create with the same Idempotency-Key gets the first answer back,
and nothing is created twice."""

from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.work.models import Task


def _api(people, subdomain: str = "alpha") -> APIClient:
    with schema_context(subdomain):
        token = Token.objects.create(user=people.staff.user)
    client = APIClient(HTTP_HOST=f"{subdomain}.localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _tasks(subdomain: str = "alpha") -> int:
    with schema_context(subdomain):
        return Task.objects.count()


def test_a_retried_create_is_answered_from_the_first_and_not_repeated(alpha_people):
    api = _api(alpha_people)
    body = {"title": "민원 응대 개선", "owner": alpha_people.staff.pk}

    first = api.post("/api/v1/tasks/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/v1/tasks/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == 201
    assert (again.status_code, again.json()) == (201, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert _tasks() == 1


def test_without_a_key_each_post_creates(alpha_people):
    api = _api(alpha_people)
    body = {"title": "두 번", "owner": alpha_people.staff.pk}
    api.post("/api/v1/tasks/", body, format="json")
    api.post("/api/v1/tasks/", body, format="json")
    assert _tasks() == 2


def test_the_same_key_for_another_request_is_refused(alpha_people):
    api = _api(alpha_people)
    api.post("/api/v1/tasks/", {"title": "첫째", "owner": alpha_people.staff.pk},
             format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = api.post("/api/v1/tasks/", {"title": "둘째", "owner": alpha_people.staff.pk},
                     format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["detail"]
    assert _tasks() == 1


def test_a_refused_create_is_replayed_as_refused(alpha_people):
    api = _api(alpha_people)
    body = {"title": "", "owner": alpha_people.staff.pk}
    first = api.post("/api/v1/tasks/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    again = api.post("/api/v1/tasks/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert first.status_code == again.status_code == 400
    assert _tasks() == 0


def test_keys_are_kept_per_agency_and_per_credential(alpha_people, beta_people):
    alpha, beta = _api(alpha_people), _api(beta_people, "beta")
    alpha.post("/api/v1/tasks/", {"title": "알파", "owner": alpha_people.staff.pk},
               format="json", HTTP_IDEMPOTENCY_KEY="same")
    response = beta.post("/api/v1/tasks/", {"title": "베타", "owner": beta_people.staff.pk},
                         format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert (_tasks(), _tasks("beta")) == (1, 1)


def test_a_malformed_key_is_refused_in_korean(alpha_people):
    api = _api(alpha_people)
    response = api.post("/api/v1/tasks/", {"title": "x", "owner": alpha_people.staff.pk},
                        format="json", HTTP_IDEMPOTENCY_KEY="공백 있는 키")
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["detail"]
    assert _tasks() == 0
