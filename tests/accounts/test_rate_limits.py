"""Brute force: wrong passwords and wrong second-factor codes lock an account's sign-in for a
while, in every mode (also the demo)."""

import time
from types import SimpleNamespace

from allauth.core.internal import ratelimit
from django_tenants.utils import schema_context

from core.accounts.mfa import totp_current_code
from tests.conftest import agency_client
from tests.factories import PASSWORD, TOTP_SECRET

REFUSED = "로그인에 여러 번 실패했습니다"


def _sign_in(client, email: str, password: str, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


# allauth's rate-limit clock, moved past the five-minute window.
_FiveMinutesLater = SimpleNamespace(time=lambda: time.time() + 301, monotonic=time.monotonic,
                                    sleep=time.sleep)


def test_after_five_wrong_passwords_the_right_one_is_refused_for_a_while(
        alpha_people, monkeypatch):
    email = alpha_people.staff.email
    client = agency_client("alpha")
    for _ in range(5):
        assert _sign_in(client, email, "wrong-guess").status_code == 200

    refused = _sign_in(client, email, PASSWORD)
    assert refused.status_code == 200
    assert REFUSED in refused.content.decode()
    assert client.get("/").status_code == 302  # not signed in

    monkeypatch.setattr(ratelimit, "time", _FiveMinutesLater)
    assert _sign_in(client, email, PASSWORD).status_code == 302


def test_another_port_or_address_does_not_reset_the_count(alpha_people):
    email = alpha_people.staff.email
    for _ in range(5):
        _sign_in(agency_client("alpha"), email, "wrong-guess")

    other_port = agency_client("alpha")
    other_port.defaults["HTTP_HOST"] = "alpha.localhost:9999"
    refused = _sign_in(other_port, email, PASSWORD, REMOTE_ADDR="10.9.9.9")
    assert REFUSED in refused.content.decode()


def test_a_lock_on_one_account_leaves_the_others_alone(alpha_people):
    for _ in range(5):
        _sign_in(agency_client("alpha"), alpha_people.staff.email, "wrong-guess")
    assert _sign_in(agency_client("alpha"), alpha_people.head.email, PASSWORD).status_code == 302


def test_after_five_wrong_codes_the_right_code_is_refused_for_a_while(alpha_people, monkeypatch):
    client = agency_client("alpha")
    first = _sign_in(client, alpha_people.admin.email, PASSWORD)
    assert first["Location"].startswith("/accounts/2fa/authenticate/")
    for _ in range(5):
        assert client.post("/accounts/2fa/authenticate/", {"code": "000000"}).status_code == 200

    with schema_context("alpha"):
        code = totp_current_code(TOTP_SECRET)
    refused = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert refused.status_code == 200
    assert REFUSED in refused.content.decode()
    assert client.get("/").status_code == 302

    monkeypatch.setattr(ratelimit, "time", _FiveMinutesLater)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.get("/").status_code == 200
