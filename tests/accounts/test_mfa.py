"""Multi-factor authentication: mandatory for central staff, optional per agency for admins
and HR officers."""

from django_tenants.utils import schema_context

from core.accounts.mfa import totp_current_code, totp_enrol
from tests.conftest import agency_client, console_client
from tests.factories import PASSWORD, UserFactory

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_central_staff_without_totp_are_sent_to_enrolment(db):
    user = UserFactory(is_staff=True)
    response = console_client(user).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_central_staff_sign_in_with_password_and_totp_code(db):
    user = UserFactory(email="ops2@harmony.test", is_staff=True)
    totp_enrol(user, SECRET)
    client = console_client()

    first = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert first["Location"].startswith("/accounts/2fa/authenticate/")
    assert client.get("/").status_code == 302  # not signed in before the second factor

    second = client.post("/accounts/2fa/authenticate/", {"code": totp_current_code(SECRET)})
    assert second.status_code == 302
    assert client.get("/").status_code == 200


def test_agency_can_require_mfa_for_admins_and_hr_but_not_staff(alpha_people):
    admin = agency_client("alpha", alpha_people.admin.user)
    response = admin.post("/org/settings/", {"privileged_mfa_required": "on"})
    assert response.status_code == 302

    hr = agency_client("alpha", alpha_people.hr.user)
    assert hr.get("/")["Location"] == "/accounts/2fa/totp/activate/"
    assert agency_client("alpha", alpha_people.staff.user).get("/").status_code == 200

    with schema_context("alpha"):
        totp_enrol(alpha_people.hr.user, SECRET)
    assert hr.get("/").status_code == 200


def test_only_agency_admins_change_the_mfa_rule(alpha_people):
    hr = agency_client("alpha", alpha_people.hr.user)
    assert hr.post("/org/settings/", {"privileged_mfa_required": "on"}).status_code == 403
