"""Record sign-ins and failed sign-ins in the trail of the schema they happened in."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from core.audit.events import EventType
from core.audit.services import Origin, event_record


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs) -> None:
    origin = Origin.from_request(request) if request is not None else Origin()
    event_record(EventType.SIGN_IN, actor=user, subject=user, origin=origin)
    from tenants.services import agency_touch

    agency_touch()


@receiver(user_login_failed)
def record_failed_sign_in(sender, credentials, request=None, **kwargs) -> None:
    origin = Origin.from_request(request) if request is not None else Origin()
    email = str(credentials.get("email") or credentials.get("username") or "")[:200]
    event_record(EventType.SIGN_IN_FAILED, actor=None, subject_label=email, origin=origin)
