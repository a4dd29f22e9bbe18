"""Sessions and signed-in accounts read through the cache (core/accounts/kept.py) end the
moment they end in the database: signing out, a suspension's deleted sessions, a deactivated
account and a new password all refuse the very next request — on committed data, with the
data version moving after the commit as in production."""

import pytest
from django.contrib.sessions.models import Session
from django_tenants.utils import schema_context

from core.audit import version
from tests.committed import committed, db  # noqa: F401 — fixtures
from tests.conftest import agency_client


@pytest.fixture
def after_commit(monkeypatch):
    monkeypatch.setattr(version, "EAGER", False)


def _client(people):
    return agency_client(people.agency.schema_name.replace("_", "-"), people.staff.user)


def _signed_in(client) -> bool:
    response = client.get("/")
    return response.status_code == 200 and b"hm-whoami" in response.content


def test_a_deleted_session_refuses_the_next_request(committed, after_commit):  # noqa: F811
    client = _client(committed)
    assert _signed_in(client) and _signed_in(client)  # read, then kept
    with schema_context(committed.agency.schema_name):
        Session.objects.all().delete()  # as a suspension does
    assert not _signed_in(client)


def test_signing_out_ends_the_session_for_a_copied_cookie(committed, after_commit):  # noqa: F811
    client = _client(committed)
    copy = agency_client(committed.agency.schema_name.replace("_", "-"))
    copy.cookies = client.cookies.__class__(client.cookies)  # the same session elsewhere
    assert _signed_in(client) and _signed_in(copy)
    client.post("/accounts/logout/")
    assert not _signed_in(copy)


def test_a_deactivated_account_or_a_new_password_signs_out(committed, after_commit):  # noqa: F811
    people = committed
    client = _client(people)
    assert _signed_in(client) and _signed_in(client)
    user = people.staff.user
    with schema_context(people.agency.schema_name):
        user.set_password("a-new-long-password-2026")
        user.save()
    assert not _signed_in(client)

    client = _client(people)
    assert _signed_in(client) and _signed_in(client)
    with schema_context(people.agency.schema_name):
        type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert not _signed_in(client)
