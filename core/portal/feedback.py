"""How views show a service's refusal (a ValidationError with Korean messages): on the form
that was posted, or as flash messages when the action was a single button."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def form_refused(form, error: ValidationError) -> None:
    """Put each message on its field when the form has one, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def flash_refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)
