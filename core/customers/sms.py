"""Text messages (문자) through a pluggable backend, chosen like ``EMAIL_BACKEND``:
``HARMONY_SMS_BACKEND`` names a class with ``send_messages(messages) -> int``. Here are a
console backend (development: prints each message) and a local-memory one (tests: keeps them
in ``outbox``). A real provider plugs in by the same two methods; none is wired here."""

import sys
import threading
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str
    sender: str = ""


class BaseSmsBackend:
    def __init__(self, **options):
        self.options = options

    def send_messages(self, messages: list[SmsMessage]) -> int:
        """Send ``messages``; return how many were accepted. Raise on a failure the caller
        may retry (a provider that did not answer)."""
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    """Print each message (development)."""

    _lock = threading.Lock()

    def send_messages(self, messages: list[SmsMessage]) -> int:
        stream = self.options.get("stream") or sys.stdout
        with self._lock:
            for message in messages:
                stream.write(f"SMS to {message.to} from {message.sender}\n{message.body}\n---\n")
            stream.flush()
        return len(messages)


# What the local-memory backend has "sent" (tests read and clear it).
outbox: list[SmsMessage] = []


class LocMemBackend(BaseSmsBackend):
    """Keep each message in ``core.customers.sms.outbox`` (tests)."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def sms_backend(**options) -> BaseSmsBackend:
    """The configured backend (``settings.HARMONY_SMS_BACKEND``)."""
    return import_string(settings.HARMONY_SMS_BACKEND)(**options)


def sms_send(*, to: str, body: str) -> int:
    return sms_backend().send_messages(
        [SmsMessage(to=to, body=body, sender=settings.HARMONY_SMS_SENDER)]
    )
