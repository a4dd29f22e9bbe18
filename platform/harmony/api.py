"""API-wide pieces: the error handler that answers in the request's language."""

from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Answer DRF errors as usual; Django's translation gives Korean or English text."""
    return drf_exception_handler(exc, context)
