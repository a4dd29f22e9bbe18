"""Request ids and agency tags for logs and Sentry, without personal data."""

import logging
import uuid
from contextvars import ContextVar

from django.db import connection

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
agency_var: ContextVar[str] = ContextVar("agency", default="-")


class RequestContextMiddleware:
    """Give each request an id (honouring X-Request-ID) and note its agency for logs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        request.request_id = request_id
        id_token = request_id_var.set(request_id)
        agency_token = agency_var.set(connection.schema_name)
        try:
            _tag_sentry_scope(connection.schema_name, request_id)
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            return response
        finally:
            request_id_var.reset(id_token)
            agency_var.reset(agency_token)


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.agency = agency_var.get()
        return True


def _tag_sentry_scope(agency: str, request_id: str) -> None:
    import sentry_sdk

    scope = sentry_sdk.get_isolation_scope()
    scope.set_tag("agency", agency)
    scope.set_tag("request_id", request_id)


def init_sentry(dsn: str, *, environment: str) -> None:
    """Turn on sentry-sdk when a DSN is configured; never send personal data."""
    if not dsn:
        return
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        traces_sample_rate=0.0,
    )
