"""Central staff onboard agencies from the standard model."""

import re

import pytest
from django.core import mail
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from core.audit.models import AuditEvent
from core.org.models import Grade, Person, Position, Role
from core.policies.models import Policy
from tenants import services
from tenants.models import Agency, Domain
from tests.conftest import console_client

FORM = {
    "name_ko": "행정안전부", "name_en": "Ministry of the Interior and Safety", "code": "1741000",
    "subdomain": "mois", "kind": "central", "standard_model_version": "2026.1",
    "admin_email": "Admin@MOIS.test",
}


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def test_central_staff_onboard_an_agency_and_its_admin_is_invited(
    central_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = console_client(central_user).post("/agencies/new/", FORM)

    assert response.status_code == 302
    agency = Agency.objects.get(code="1741000")
    assert agency.schema_name == "mois"
    assert agency.standard_model_version == "2026.1"
    assert Domain.objects.get(tenant=agency).domain == "mois.localhost"
    with schema_context("mois"):
        admin = Person.objects.get(email="admin@mois.test")
        assert {r.code for r in admin.roles.all()} == {"agency_admin", "staff"}
        assert not admin.user.has_usable_password()
        assert Grade.objects.filter(name="고위공무원단").exists()
        assert Grade.objects.count() == 10 and Position.objects.count() == 8
        assert Role.objects.count() == 5
        assert Policy.objects.filter(kind="bonus").get().data["grades"][0]["rate"] == "172.5"
        assert AuditEvent.objects.filter(action="agency.onboarded").exists()
    assert AuditEvent.objects.filter(action="agency.onboarded", actor_id=central_user.pk).exists()
    (invitation,) = mail.outbox
    assert invitation.to == ["admin@mois.test"]
    assert "http://mois.localhost:8000/accounts/password/reset/key/" in invitation.body


def test_the_invitation_link_lets_the_admin_set_a_password_and_sign_in(
    central_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        console_client(central_user).post("/agencies/new/", FORM)
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/key/" in line)
    path = link.split(":8000", 1)[1]
    client = console_client()
    client.defaults["HTTP_HOST"] = "mois.localhost"

    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    done = client.post(form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
                       {"password1": "a-new-Passw0rd!", "password2": "a-new-Passw0rd!"})
    assert done.status_code == 302

    signed_in = client.post("/accounts/login/",
                            {"login": "admin@mois.test", "password": "a-new-Passw0rd!"})
    assert signed_in.status_code == 302
    # Agency admins must use MFA unless their agency records why not: enrolment comes first.
    assert client.get("/")["Location"] == "/accounts/2fa/totp/activate/"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("subdomain", "www", "예약된 이름"),
        ("subdomain", "admin", "예약된 이름"),
        ("subdomain", "Bad_Name", "영문 소문자"),
        ("code", "12345", "7"),
        ("code", "12a4567", "숫자 7자리"),
        ("admin_email", "not-an-email", "이메일"),
    ],
)
def test_bad_onboarding_input_is_refused_in_korean_and_nothing_is_created(
    central_user, field, value, message
):
    response = console_client(central_user).post("/agencies/new/", {**FORM, field: value})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Agency.objects.filter(code=FORM["code"]).exists()
    assert not schema_exists("mois")
    assert mail.outbox == []


def test_duplicate_subdomain_or_code_is_refused(central_user, alpha):
    client = console_client(central_user)
    same_subdomain = client.post("/agencies/new/", {**FORM, "subdomain": "alpha"})
    same_code = client.post("/agencies/new/", {**FORM, "code": alpha.code})

    assert "이미 사용 중인 하위 도메인" in same_subdomain.content.decode()
    assert "이미 등록된 행정기관코드" in same_code.content.decode()
    assert Agency.objects.filter(name_ko=FORM["name_ko"]).count() == 0


def test_english_speakers_get_the_error_in_english(central_user):
    client = console_client(central_user)
    client.cookies["django_language"] = "en"
    response = client.post("/agencies/new/", {**FORM, "subdomain": "www"})

    assert response.status_code == 400
    assert "reserved" in response.content.decode()


def test_staff_of_the_console_without_staff_flag_cannot_onboard(db):
    from core.accounts.mfa import totp_enrol
    from tests.factories import UserFactory

    outsider = UserFactory(is_staff=False)
    totp_enrol(outsider, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    response = console_client(outsider).post("/agencies/new/", FORM)
    assert response.status_code == 403
    assert not Agency.objects.filter(code=FORM["code"]).exists()


def test_a_failure_mid_way_leaves_no_schema_domain_or_agency(db, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("seeding failed")

    monkeypatch.setattr("core.org.services.standard_model_apply", explode)
    with pytest.raises(RuntimeError):
        services.agency_onboard(onboarding=services.Onboarding(**FORM), actor=None)

    assert not Agency.objects.filter(code=FORM["code"]).exists()
    assert not Domain.objects.filter(domain="mois.localhost").exists()
    assert not schema_exists("mois")
    assert mail.outbox == []


def test_the_invitation_ends_on_a_sign_in_button(central_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        console_client(central_user).post("/agencies/new/", FORM)
    (invitation,) = mail.outbox
    login = "http://mois.localhost:8000/accounts/login/"
    assert invitation.body.rstrip().endswith(login)
    html, kind = invitation.alternatives[0]
    assert kind == "text/html"
    button = re.search(r'<a href="([^"]+)"[^>]*>로그인 / Sign in</a>', html)
    assert button and button.group(1) == login
    assert html.rindex("<a ") == button.start()  # nothing to click after it
