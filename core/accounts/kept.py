"""The session and the signed-in account, kept in the cache until the agency's data next
changes (core/audit/version.py): two queries fewer on every page.

Whatever ends or changes a session or an account is a write to the agency's schema (signing
out deletes the session row, a new password or a deactivation updates the account, a
suspension deletes every session), so it moves the data version and the next request reads
both afresh — in every server process, as the version is read from the database. A kept
session is not served past its expiry. Session keys are kept only as their SHA-256."""

import hashlib

from django.contrib import auth
from django.contrib.auth import middleware as auth_middleware
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from core.audit.version import CACHE_SECONDS, request_mark


def _key(kind: str, session_key: str) -> str:
    digest = hashlib.sha256(session_key.encode()).hexdigest()
    return f"{kind}:{digest}:{request_mark()}"


def _keeps() -> bool:
    return connection.schema_name is not None


class SessionStore(DatabaseSessionStore):
    """Django's database sessions, read through the cache (writes go to the database as
    before, and move the version)."""

    def load(self):
        if not self.session_key or not _keeps():
            return super().load()
        key = _key("session", self.session_key)
        kept = cache.get(key)
        if kept is not None and kept[1] > timezone.now():
            return dict(kept[0])
        found = self._get_session_from_db()  # forgets the key if there is no such session
        if found is None:
            return {}
        data = self.decode(found.session_data)
        cache.set(key, (data, found.expire_date), CACHE_SECONDS)
        return dict(data)


def _signed_in(request):
    if not hasattr(request, "_cached_user"):
        session_key = request.session.session_key
        if not session_key or not _keeps():
            request._cached_user = auth.get_user(request)
        else:
            key = _key("signed-in", session_key)
            kept = cache.get(key)
            if kept is not None and kept[0].is_authenticated and (
                    request.session.get(auth.SESSION_KEY) != str(kept[0].pk)):
                kept = None  # the session has expired meanwhile (read through the cache)
            if kept is None:
                kept = (auth.get_user(request),)
                # Keyed on the version read before: a session flushed by get_user (a changed
                # password) moved it, so this entry is never read again.
                cache.set(key, kept, CACHE_SECONDS)
            request._cached_user = kept[0]
    return request._cached_user


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, with the signed-in account kept like the session."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _signed_in(request))
