"""allauth's password signals: record the change and revoke the account's API token."""

from allauth.account.signals import password_changed, password_reset, password_set
from django.dispatch import receiver

from core.accounts.services import password_changed_record, password_reset_record
from core.audit.services import Origin


def _origin(request) -> Origin:
    return Origin.from_request(request) if request is not None else Origin()


@receiver(password_changed)
@receiver(password_set)
def on_password_changed(sender, request, user, **kwargs) -> None:
    password_changed_record(user=user, origin=_origin(request))


@receiver(password_reset)
def on_password_reset(sender, request, user, **kwargs) -> None:
    password_reset_record(user=user, origin=_origin(request))
