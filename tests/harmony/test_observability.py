"""JSON logs carry the agency and request id; Sentry is tagged and sends no personal data."""

import io
import json
import logging

import sentry_sdk
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from pythonjsonlogger.json import JsonFormatter

from harmony.observability import RequestContextFilter, RequestContextMiddleware, init_sentry


def _json_logger() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("%(message)s %(agency)s %(request_id)s"))
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("harmony.test")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return logger, stream


def test_log_lines_name_the_agency_and_request_id(alpha):
    logger, stream = _json_logger()

    def view(request):
        logger.info("조직도 조회")
        return HttpResponse("ok")

    connection.set_schema("alpha")
    response = RequestContextMiddleware(view)(
        RequestFactory().get("/", HTTP_X_REQUEST_ID="req-123"))

    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line == {"message": "조직도 조회", "agency": "alpha", "request_id": "req-123"}
    assert response["X-Request-ID"] == "req-123"


def test_sentry_is_off_without_a_dsn_and_never_sends_personal_data_with_one():
    init_sentry("", environment="test")
    assert not sentry_sdk.get_client().is_active()

    init_sentry("http://public@127.0.0.1:9/1", environment="test")
    try:
        options = sentry_sdk.get_client().options
        assert options["send_default_pii"] is False
        assert options["environment"] == "test"
    finally:
        sentry_sdk.init(dsn=None)
