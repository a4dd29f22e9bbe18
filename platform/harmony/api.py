"""API-wide pieces: the error handler that answers in the request's language."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Answer DRF errors as usual; Django's translation gives Korean or English text. A
    service's Django ValidationError is a refusal of the input (400), not a server error."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    return drf_exception_handler(exc, context)
