"""Who is signed in, as a person of this agency, and the role gates views use."""

from functools import wraps

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from core.org.models import Person


def on_agency_host() -> bool:
    return connection.schema_name != get_public_schema_name()


def current_person(request) -> Person | None:
    """Return (once per request) the signed-in user's person record in this agency."""
    if not hasattr(request, "_person"):
        from core.org.selectors import person_for_user

        user = request.user
        if not on_agency_host() or not getattr(user, "is_authenticated", False):
            request._person = None
        else:
            # Kept until the agency's data next changes, like what pages keep: a person made
            # inactive, given other roles or another account is read afresh at once.
            key = f"person-of-user:{user.pk}:{current_data_version(request)}"
            kept = cache.get(key)
            if kept is None:
                from core.audit.version import CACHE_SECONDS

                kept = (person_for_user(user),)
                cache.set(key, kept, CACHE_SECONDS)
            request._person = kept[0]
    return request._person


def current_data_version(request) -> str:
    """The agency's data version (core/audit/version.py), read once per request."""
    if not hasattr(request, "_data_version"):
        from core.audit.version import request_mark

        request._data_version = request_mark()
    return request._data_version


def person_cached(request, name: str, compute):
    """What ``compute()`` returns for the signed-in person, kept in the cache while the
    agency's data version and the date are those it was read at: anything written to the
    agency since, by anyone, and the next day read it afresh. The cache key carries the
    agency's schema (django-tenants' key function), the person and ``name``."""
    person = current_person(request)
    if person is None:
        return compute()
    key = (f"person:{person.pk}:{person.user_id}:{name}:{current_data_version(request)}:"
           f"{timezone.localdate().isoformat()}")
    kept = cache.get(key)
    if kept is None:
        from core.audit.version import CACHE_SECONDS

        kept = (compute(),)
        cache.set(key, kept, CACHE_SECONDS)
    return kept[0]


def current_signers(request) -> list[int]:
    """Return (once per request) the people whose turns the signed-in person signs today:
    themselves and those absent for whom they act (대결). The queue, the document card and the
    navigation's queue badge all need them."""
    if not hasattr(request, "_signers"):
        from core.approvals.selectors import signers_for

        person = current_person(request)
        request._signers = (person_cached(request, "signers", lambda: signers_for(person))
                            if person else [])
    return request._signers


def current_queue_count(request) -> int:
    """Return (once per request) how many documents wait for the person's signature: the
    menu badge and the home page both show it."""
    if not hasattr(request, "_queue_count"):
        from core.approvals.selectors import approval_queue

        person = current_person(request)
        request._queue_count = person_cached(
            request, "queue_count",
            lambda: approval_queue(person=person, signers=current_signers(request)).count(),
        ) if person else 0
    return request._queue_count


def remember_queue_count(request, count: int) -> None:
    """A page that counted the person's whole queue anyway (the unfiltered 결재할 문서 list)
    hands the number to the menu's badge, which would otherwise count it again."""
    request._queue_count = count


def person_passes(check):
    """Refuse the view (403) unless ``check(person)`` holds for the signed-in person."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(current_person(request)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
