"""Record password and MFA events in the trail of the schema they happened in: a password
set, changed or reset, a wrong MFA code, an authenticator added or removed."""

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.signals import authentication_failed, authenticator_added, authenticator_removed
from django.dispatch import receiver

from core.audit.services import Origin, audit_record


def _origin(request) -> Origin:
    return Origin.from_request(request) if request is not None else Origin()


@receiver(password_set)
def record_password_set(sender, request, user, **kwargs) -> None:
    audit_record(actor=user, action="auth.password_set", target=user, origin=_origin(request))


@receiver(password_changed)
def record_password_changed(sender, request, user, **kwargs) -> None:
    audit_record(actor=user, action="auth.password_changed", target=user,
                 origin=_origin(request))


@receiver(password_reset)
def record_password_reset(sender, request, user, **kwargs) -> None:
    """A password set from an e-mailed reset (or invitation) link."""
    audit_record(actor=user, action="auth.password_reset", target=user, origin=_origin(request))


@receiver(authentication_failed)
def record_mfa_failed(sender, request, user, authenticator, reauthentication=False,
                      **kwargs) -> None:
    audit_record(actor=user, action="auth.mfa_failed", target=user, origin=_origin(request),
                 changes={"type": authenticator.type, "reauthentication": reauthentication})


@receiver(authenticator_added)
def record_mfa_added(sender, request, user, authenticator, **kwargs) -> None:
    audit_record(actor=user, action="auth.mfa_added", target=user, origin=_origin(request),
                 changes={"type": authenticator.type})


@receiver(authenticator_removed)
def record_mfa_removed(sender, request, user, authenticator, **kwargs) -> None:
    audit_record(actor=user, action="auth.mfa_removed", target=user, origin=_origin(request),
                 changes={"type": authenticator.type})
