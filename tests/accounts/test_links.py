"""Links in e-mails come from the agency's canonical (primary) domain and the configured scheme
and port, never from the Host a client sent: a forged Host must not put an attacker's address
into a password-reset or invitation mail."""

from django.core import mail

from tenants.middleware import forget_hosts
from tenants.models import Domain
from tests.conftest import console_client
from tests.factories import UserFactory
from tests.tenants.test_onboarding import FORM

CANONICAL = "http://alpha.localhost:8000/accounts/password/reset/key/"


def _reset_mail_via(host: str, email: str):
    client = console_client()
    client.defaults["HTTP_HOST"] = host
    assert client.post("/accounts/password/reset/", {"email": email}).status_code == 302
    (message,) = mail.outbox
    return message


def test_a_reset_asked_on_another_domain_and_port_links_to_the_primary_domain(alpha_people):
    Domain.objects.create(domain="alpha-old.localhost", tenant=alpha_people.agency,
                          is_primary=False)
    forget_hosts(["alpha-old.localhost"])

    message = _reset_mail_via("alpha-old.localhost:6666", alpha_people.staff.email)

    assert CANONICAL in message.body
    assert "alpha-old" not in message.body + message.subject
    assert "6666" not in message.body + message.subject


def test_a_reset_asked_with_a_forged_port_links_to_the_configured_port(alpha_people):
    message = _reset_mail_via("alpha.localhost:1234", alpha_people.staff.email)
    assert CANONICAL in message.body
    assert "1234" not in message.body + message.subject
    assert message.subject.startswith("[알파부] ")


def test_an_invitation_sent_from_a_forged_console_host_links_to_the_agency(
        db, django_capture_on_commit_callbacks):
    central = UserFactory(email="ops3@harmony.test", is_staff=True)
    from core.accounts.mfa import totp_enrol

    totp_enrol(central, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = console_client(central)
    client.defaults["HTTP_HOST"] = "localhost:7777"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/agencies/new/", FORM).status_code == 302

    (invitation,) = mail.outbox
    assert "http://mois.localhost:8000/accounts/password/reset/key/" in invitation.body
    assert "7777" not in invitation.body
