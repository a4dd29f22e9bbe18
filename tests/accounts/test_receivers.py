"""Password and MFA events reach the agency's audit trail (issue 13 §1)."""

from urllib.parse import urlsplit

from django.core import mail
from django_tenants.utils import schema_context

from core.accounts.mfa import totp_enrol
from core.audit.models import AuditEvent
from tests.conftest import agency_client
from tests.factories import PASSWORD

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NEW_PASSWORD = "a-new-Passw0rd!"


def _events(action: str) -> list[AuditEvent]:
    with schema_context("alpha"):
        return list(AuditEvent.objects.filter(action=action))


def test_a_password_change_is_audited(alpha_people):
    client = agency_client("alpha", alpha_people.staff.user)

    response = client.post("/accounts/password/change/", {
        "oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    (event,) = _events("auth.password_changed")
    assert event.actor_id == alpha_people.staff.user_id
    assert event.ip_address == "127.0.0.1"


def test_a_password_reset_is_audited(alpha_people):
    client = agency_client("alpha")
    client.post("/accounts/password/reset/", {"email": alpha_people.staff.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/key/" in line)

    form_page = client.get(urlsplit(link.strip()).path, follow=True)
    client.post(form_page.redirect_chain[-1][0],
                {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    (event,) = _events("auth.password_reset")
    assert event.actor_id == alpha_people.staff.user_id


def test_a_wrong_mfa_code_is_audited(alpha_people):
    user = alpha_people.staff.user
    with schema_context("alpha"):
        totp_enrol(user, SECRET)
    client = agency_client("alpha")
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    client.post("/accounts/2fa/authenticate/", {"code": "000000"})

    (event,) = _events("auth.mfa_failed")
    assert event.actor_id == user.pk and event.changes["type"] == "totp"
