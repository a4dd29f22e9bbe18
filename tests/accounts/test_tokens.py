"""API tokens: one per account even under parallel requests, expiring after the agency's rule,
revoked when the password changes or is reset."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from core.audit.models import AuditEvent
from core.org.selectors import org_settings
from core.org.services import org_settings_update
from tests.conftest import agency_client
from tests.factories import PASSWORD

NEW_PASSWORD = "a-fresh-Passw0rd!"


def _issue(people, person=None) -> str:
    client = agency_client(people.agency.schema_name, (person or people.staff).user)
    response = client.post("/api/v1/token/")
    assert response.status_code == 201
    return response.json()["token"]


def _me(people, key: str):
    return agency_client(people.agency.schema_name).get(
        "/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")


def _age(key: str, days: int) -> None:
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(days=days))


def test_a_token_says_when_it_expires(alpha_people):
    response = agency_client("alpha", alpha_people.staff.user).post("/api/v1/token/")
    expires_at = response.json()["expires_at"]
    with schema_context("alpha"):
        token = Token.objects.get(user=alpha_people.staff.user)
    assert parse_datetime(expires_at) == token.created + timedelta(days=90)


def test_a_token_expires_after_the_agencys_rule(alpha_people):
    key = _issue(alpha_people)
    with schema_context("alpha"):
        _age(key, 89)
    assert _me(alpha_people, key).status_code == 200

    with schema_context("alpha"):
        _age(key, 91)
    refused = _me(alpha_people, key)
    assert refused.status_code == 401
    assert "만료" in refused.json()["detail"]


def test_a_shorter_rule_expires_tokens_already_issued(alpha_people,
                                                      django_capture_on_commit_callbacks):
    key = _issue(alpha_people)
    with schema_context("alpha"):
        _age(key, 2)
    assert _me(alpha_people, key).status_code == 200  # the 90-day rule is read (and cached)
    with schema_context("alpha"), django_capture_on_commit_callbacks(execute=True):
        org_settings_update(privileged_mfa_required=True, api_token_days=1, actor=None)
    assert _me(alpha_people, key).status_code == 401


@pytest.mark.parametrize("days", ["0", "366", "abc"])
def test_the_token_lifetime_is_bound_to_one_to_365_days(alpha_people, days):
    admin = agency_client("alpha", alpha_people.admin.user)
    response = admin.post("/org/settings/", {"privileged_mfa_required": "on",
                                             "api_token_days": days})
    assert response.status_code == 200
    with schema_context("alpha"):
        assert org_settings().api_token_days == 90


def test_an_admin_sets_the_token_lifetime_and_it_is_audited(alpha_people):
    admin = agency_client("alpha", alpha_people.admin.user)
    response = admin.post("/org/settings/", {"privileged_mfa_required": "on",
                                             "api_token_days": "30"})
    assert response.status_code == 302
    with schema_context("alpha"):
        assert org_settings().api_token_days == 30
        event = AuditEvent.objects.get(action="org.settings_changed")
    assert event.changes == {"api_token_days": [90, 30]}


def test_changing_the_password_revokes_the_token(alpha_people):
    key = _issue(alpha_people)
    client = agency_client("alpha", alpha_people.staff.user)
    response = client.post("/accounts/password/change/", {
        "oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    assert _me(alpha_people, key).status_code == 401
    with schema_context("alpha"):
        event = AuditEvent.objects.get(action="auth.password_changed")
    assert event.actor_id == alpha_people.staff.user_id
    assert event.changes == {"api_tokens_revoked": 1}


def test_resetting_the_password_revokes_the_token(alpha_people):
    key = _issue(alpha_people)
    client = agency_client("alpha")
    client.post("/accounts/password/reset/", {"email": alpha_people.staff.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/key/" in line)
    form_page = client.get(link.split(":8000", 1)[1], follow=True)
    done = client.post(form_page.redirect_chain[-1][0],
                       {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302

    assert _me(alpha_people, key).status_code == 401
    with schema_context("alpha"):
        event = AuditEvent.objects.get(action="auth.password_reset")
    assert event.changes == {"api_tokens_revoked": 1}


def test_tokens_are_issued_at_most_ten_times_an_hour(alpha_people):
    client = agency_client("alpha", alpha_people.staff.user)
    answers = [client.post("/api/v1/token/").status_code for _ in range(11)]
    assert answers == [201] * 10 + [429]
