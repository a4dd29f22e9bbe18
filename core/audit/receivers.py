"""Record sign-ins and failed sign-ins in the trail of the schema they happened in."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from core.audit.services import Origin, audit_record


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs) -> None:
    origin = Origin.from_request(request) if request is not None else Origin()
    audit_record(actor=user, action="auth.sign_in", target=user, origin=origin)
    from tenants.services import agency_touch

    agency_touch()


@receiver(user_login_failed)
def record_failed_sign_in(sender, credentials, request=None, **kwargs) -> None:
    origin = Origin.from_request(request) if request is not None else Origin()
    email = str(credentials.get("email") or credentials.get("username") or "")[:200]
    audit_record(actor=None, action="auth.sign_in_failed", target_label=email, origin=origin)
