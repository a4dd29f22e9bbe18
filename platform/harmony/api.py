"""API-wide pieces: the error handler that answers in the request's language, and the error
answers every operation may give, documented once in the OpenAPI schema."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Answer DRF errors as usual; Django's translation gives Korean or English text. A
    service's Django ValidationError is a refusal of the input (400), not a server error."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict")
                              else {"detail": exc.messages})
    return drf_exception_handler(exc, context)


ERROR_SCHEMA = {
    "type": "object",
    "description": "오류 (error): a message, or the messages of a refused rule",
    "properties": {"detail": {"oneOf": [{"type": "string"},
                                        {"type": "array", "items": {"type": "string"}}]}},
    "required": ["detail"],
}
# A refused input names the fields it refuses ({"title": ["…"]}) or says why ({"detail": …}).
INVALID_SCHEMA = {
    "type": "object",
    "description": "입력 오류 (invalid input): messages by field, or detail",
    "additionalProperties": True,
}
# Any operation may be refused for its input (also a NUL byte anywhere: harmony.input_guard),
# for a missing or wrong credential, for a role, or for an object or page that is not there
# (or not the caller's to see).
COMMON_ERRORS = {
    "400": ("입력 오류 (invalid input)", "ApiInvalid"),
    "401": ("인증 필요 (authentication required)", "ApiError"),
    "403": ("권한 없음 (not allowed)", "ApiError"),
    "404": ("찾을 수 없음 (not found)", "ApiError"),
}


def document_common_errors(result, generator, request, public):
    """drf-spectacular hook: add the common error answers to every operation that does not
    document them itself."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ApiError", ERROR_SCHEMA)
    schemas.setdefault("ApiInvalid", INVALID_SCHEMA)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, (description, component) in COMMON_ERRORS.items():
                responses.setdefault(code, _json_response(description, component))
            for code, response in responses.items():  # e.g. a 409 documented by description
                if code.startswith("4") and "content" not in response:
                    response.update(_json_response(response.get("description", ""), "ApiError"))
    return result


def _json_response(description: str, component: str) -> dict:
    return {"description": description, "content": {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}}}
