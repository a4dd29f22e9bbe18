"""Record sign-in, password and MFA events in the trail of the schema they happened in: a
sign-in or a failed one, a password set, changed or reset, a wrong MFA code, an authenticator
added or removed."""

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.signals import authentication_failed, authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from core.accounts.services import password_change_record
from core.audit.events import EventType
from core.audit.services import Origin, event_record


def _origin(request) -> Origin:
    return Origin.from_request(request) if request is not None else Origin()


# A password set, changed or reset revokes the account's API token (core/accounts/services).
@receiver(password_set)
def record_password_set(sender, request, user, **kwargs) -> None:
    password_change_record(user=user, event_type=EventType.PASSWORD_SET,
                           origin=_origin(request))


@receiver(password_changed)
def record_password_changed(sender, request, user, **kwargs) -> None:
    password_change_record(user=user, event_type=EventType.PASSWORD_CHANGED,
                           origin=_origin(request))


@receiver(password_reset)
def record_password_reset(sender, request, user, **kwargs) -> None:
    """A password set from an e-mailed reset (or invitation) link."""
    password_change_record(user=user, event_type=EventType.PASSWORD_RESET,
                           origin=_origin(request))


@receiver(authentication_failed)
def record_mfa_failed(sender, request, user, authenticator, reauthentication=False,
                      **kwargs) -> None:
    event_record(EventType.MFA_FAILED, actor=user, subject=user, origin=_origin(request),
                 changes={"type": authenticator.type, "reauthentication": reauthentication})


@receiver(authenticator_added)
def record_mfa_added(sender, request, user, authenticator, **kwargs) -> None:
    event_record(EventType.MFA_ADDED, actor=user, subject=user, origin=_origin(request),
                 changes={"type": authenticator.type})


@receiver(authenticator_removed)
def record_mfa_removed(sender, request, user, authenticator, **kwargs) -> None:
    event_record(EventType.MFA_REMOVED, actor=user, subject=user, origin=_origin(request),
                 changes={"type": authenticator.type})


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs) -> None:
    event_record(EventType.SIGN_IN, actor=user, subject=user, origin=_origin(request))
    from tenants.services import agency_touch

    agency_touch()


@receiver(user_login_failed)
def record_failed_sign_in(sender, credentials, request=None, **kwargs) -> None:
    email = str(credentials.get("email") or credentials.get("username") or "")[:200]
    event_record(EventType.SIGN_IN_FAILED, actor=None, subject_label=email,
                 origin=_origin(request))
