"""Account changes that are not allauth's: API tokens."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token

from core.audit.events import EventType
from core.audit.services import Origin, event_record


def token_rotate(*, user, origin: Origin) -> Token:
    """Replace the account's API token with a new one and return it.

    The account row is locked first, so parallel rotations for one account run one after the
    other: each replaces the token before it and exactly one stays valid (a token is unique
    per account, so two unserialised inserts would collide)."""
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        replaced = _tokens_delete(user)
        token = Token.objects.create(user=user)
        event_record(EventType.TOKEN_ISSUED, actor=user, subject=user, origin=origin,
                     changes={"replaced": bool(replaced)})
    return token


def password_change_record(*, user, event_type: EventType, origin: Origin) -> int:
    """Record a password set, changed or reset (also a first password from an invitation
    link) and revoke the account's API token: a token taken with the old password must not
    outlive it. Return how many tokens were revoked."""
    with transaction.atomic():
        revoked = _tokens_delete(user)
        event_record(event_type, actor=user, subject=user, origin=origin,
                     changes={"api_tokens_revoked": revoked})
    return revoked


def _tokens_delete(user) -> int:
    return Token.objects.filter(user=user).delete()[0]


def token_expires_at(token: Token, days: int) -> datetime:
    return token.created + timedelta(days=days)
