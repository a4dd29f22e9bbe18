"""Multi-factor authentication: mandatory for central staff; for agency admins and HR officers
on by default, off only with a recorded reason."""

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from core.accounts.mfa import totp_current_code, totp_enrol
from core.audit.models import AuditEvent
from core.org.models import RoleCode
from core.org.selectors import org_settings
from core.org.services import org_settings_update
from tests.conftest import agency_client, console_client
from tests.factories import PASSWORD, PersonFactory, UserFactory

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


def _unenrolled_hr_officer(people):
    with schema_context(people.agency.schema_name):
        return PersonFactory(roles=[RoleCode.STAFF, RoleCode.HR_OFFICER])


def test_admins_and_hr_officers_of_a_new_agency_must_use_mfa(alpha_people):
    hr = _unenrolled_hr_officer(alpha_people)
    with schema_context("alpha"):
        assert org_settings().privileged_mfa_required

    assert agency_client("alpha", hr.user).get("/")["Location"] == "/accounts/2fa/totp/activate/"
    assert agency_client("alpha", alpha_people.staff.user).get("/").status_code == 200
    with schema_context("alpha"):
        totp_enrol(hr.user, SECRET)
    assert agency_client("alpha", hr.user).get("/").status_code == 200


def test_turning_mfa_off_needs_a_reason_which_is_recorded(alpha_people):
    hr = _unenrolled_hr_officer(alpha_people)
    admin = agency_client("alpha", alpha_people.admin.user)

    refused = admin.post("/org/settings/", {"api_token_days": "90"})
    assert refused.status_code == 200
    assert "사유를 적어 주세요" in refused.content.decode()
    with schema_context("alpha"):
        assert org_settings().privileged_mfa_required
        assert not AuditEvent.objects.filter(action="org.settings_changed").exists()

    done = admin.post("/org/settings/", {"api_token_days": "90",
                                         "privileged_mfa_opt_out_reason": "보안토큰 도입 전"})
    assert done.status_code == 302
    with schema_context("alpha"):
        assert not org_settings().privileged_mfa_required
        event = AuditEvent.objects.get(action="org.settings_changed")
    assert event.changes["privileged_mfa_required"] == [True, False]
    assert event.changes["privileged_mfa_opt_out_reason"] == ["", "보안토큰 도입 전"]
    assert agency_client("alpha", hr.user).get("/").status_code == 200


def test_turning_mfa_back_on_clears_the_reason(alpha_people):
    with schema_context("alpha"):
        org_settings_update(privileged_mfa_required=False, api_token_days=90,
                            privileged_mfa_opt_out_reason="시험", actor=None)
    admin = agency_client("alpha", alpha_people.admin.user)
    admin.post("/org/settings/", {"privileged_mfa_required": "on", "api_token_days": "90",
                                  "privileged_mfa_opt_out_reason": "남은 사유"})
    with schema_context("alpha"):
        row = org_settings()
    assert row.privileged_mfa_required and row.privileged_mfa_opt_out_reason == ""


def test_the_service_refuses_turning_mfa_off_without_a_reason(alpha):
    with schema_context("alpha"), pytest.raises(ValidationError):
        org_settings_update(privileged_mfa_required=False, api_token_days=90,
                            privileged_mfa_opt_out_reason="  ", actor=None)


def test_only_agency_admins_change_the_mfa_rule(alpha_people):
    hr = agency_client("alpha", alpha_people.hr.user)
    assert hr.post("/org/settings/", {"privileged_mfa_required": "on",
                                      "api_token_days": "90"}).status_code == 403


def test_the_live_stream_and_htmx_of_someone_who_must_enrol_are_refused_not_redirected(
        alpha_people):
    """Followed by the page's own EventSource, the redirect to enrolment would replace the
    TOTP secret the person is copying from that very page."""
    with schema_context("alpha"):
        admin = PersonFactory(unit=alpha_people.admin.unit,
                              roles=[RoleCode.STAFF, RoleCode.AGENCY_ADMIN])
    client = agency_client("alpha", admin.user)
    assert client.get("/live/").status_code == 403
    assert client.get("/", HTTP_HX_REQUEST="true").status_code == 403
    assert client.get("/")["Location"] == "/accounts/2fa/totp/activate/"
