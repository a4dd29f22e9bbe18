from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "core.idempotency"
    label = "idempotency"
    verbose_name = "멱등 요청 (Idempotent API requests)"
