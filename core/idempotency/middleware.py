"""Idempotency-Key on the API's POST requests (issue: a client that retried after the
database was lost behind a commit created a duplicate).

The first request with a key runs inside one transaction together with the row that keeps
its answer, so either both are committed or neither; a retry with the same key (from the
same credential) gets the kept answer back, marked ``Idempotent-Replayed: true``. A retry
racing the first waits on the key's unique index and then replays. The same key with another
body is refused (422); a server error keeps nothing, so the retry runs afresh."""

import hashlib
import re

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from core.idempotency.models import IdempotentRequest

HEADER = "Idempotency-Key"
KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith("/api/") \
                or getattr(request, "tenant", None) is None \
                or request.tenant.schema_name == "public":
            return self.get_response(request)
        if not KEY.match(key):
            return _error(400, _("Idempotency-Key는 공백 없는 영문·숫자·기호 255자 이내여야 "
                                 "합니다."))
        return self._once(request, key)

    def _once(self, request, key: str):
        client = _client(request)
        digest = hashlib.sha256(request.body).hexdigest()
        with transaction.atomic():
            try:
                with transaction.atomic():
                    kept = IdempotentRequest.objects.create(
                        key=key, client=client, request_hash=digest, path=request.path[:500])
            except IntegrityError:
                return _replay(IdempotentRequest.objects.get(key=key, client=client), digest,
                               request.path)
            response = self.get_response(request)
            if response.status_code >= 500 or getattr(response, "streaming", False):
                transaction.set_rollback(True)  # nothing kept: a retry runs afresh
                return response
            kept.status, kept.body = response.status_code, response.content
            kept.content_type = response.get("Content-Type", "")[:100]
            kept.save(update_fields=["status", "body", "content_type"])
        return response


def _client(request) -> str:
    credential = request.headers.get("Authorization") or request.COOKIES.get("sessionid", "")
    return hashlib.sha256(credential.encode()).hexdigest()


def _replay(kept: IdempotentRequest, digest: str, path: str):
    if kept.request_hash != digest or kept.path != path[:500]:
        return _error(422, _("이 Idempotency-Key는 다른 요청에 이미 쓰였습니다."))
    if kept.status is None:
        return _error(409, _("같은 Idempotency-Key의 요청이 아직 처리 중입니다."))
    response = HttpResponse(bytes(kept.body), status=kept.status,
                            content_type=kept.content_type or None)
    response["Idempotent-Replayed"] = "true"
    return response


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)
