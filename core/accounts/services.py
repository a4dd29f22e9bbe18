"""Account changes that are not allauth's: API tokens."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from core.audit.events import EventType
from core.audit.services import Origin, event_record


def token_rotate(*, user, origin: Origin) -> str:
    """Replace the account's API token with a new one and return its key."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        event_record(EventType.TOKEN_ISSUED, actor=user, subject=user, origin=origin)
    return token.key
