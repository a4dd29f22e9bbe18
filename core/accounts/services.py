"""Account changes that are not allauth's: API tokens."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token

from core.audit.services import Origin, audit_record


def token_rotate(*, user, origin: Origin) -> Token:
    """Replace the account's API token with a new one and return it.

    The account row is locked first, so parallel rotations for one account run one after the
    other: each replaces the token before it and exactly one stays valid (a token is unique
    per account, so two unserialised inserts would collide)."""
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        replaced = _tokens_delete(user)
        token = Token.objects.create(user=user)
        audit_record(actor=user, action="auth.token_issued", target=user, origin=origin,
                     changes={"replaced": bool(replaced)})
    return token


def password_changed_record(*, user, origin: Origin) -> int:
    """Record that the account changed its password and revoke its API token (a token taken
    with the old password must not outlive it). Return how many tokens were revoked."""
    with transaction.atomic():
        revoked = _tokens_delete(user)
        audit_record(actor=user, action="auth.password_changed", target=user, origin=origin,
                     changes={"api_tokens_revoked": revoked})
    return revoked


def password_reset_record(*, user, origin: Origin) -> int:
    """Record a password reset (or a first password set from an invitation link) and revoke
    the account's API token. Return how many tokens were revoked."""
    with transaction.atomic():
        revoked = _tokens_delete(user)
        audit_record(actor=user, action="auth.password_reset", target=user, origin=origin,
                     changes={"api_tokens_revoked": revoked})
    return revoked


def _tokens_delete(user) -> int:
    return Token.objects.filter(user=user).delete()[0]


def token_expires_at(token: Token, days: int) -> datetime:
    return token.created + timedelta(days=days)
