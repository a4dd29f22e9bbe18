"""/healthz (the process answers) and /readyz (the database answers and can write), on any host.

Answered before the agency lookup, so load balancers can probe by IP address."""

from django.db import connection
from django.http import JsonResponse


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"})
        if request.path == "/readyz":
            return _ready()
        return self.get_response(request)


# A standby (after a failover) or a read-only session or database answers queries but refuses
# every write: such a server must leave the load balancer's rotation, so this is "not ready".
_CAN_WRITE = "SELECT NOT pg_is_in_recovery() AND NOT current_setting('transaction_read_only')::bool"


def _ready() -> JsonResponse:
    try:
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(_CAN_WRITE)
            (writable,) = cursor.fetchone()
    except Exception as error:  # noqa: BLE001 — any failure means "not ready"
        return JsonResponse({"status": "unavailable", "error": type(error).__name__}, status=503)
    if not writable:
        return JsonResponse({"status": "unavailable", "error": "read_only"}, status=503)
    return JsonResponse({"status": "ok"})
