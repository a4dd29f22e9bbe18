"""API creates that a client may safely retry (Idempotency-Key): the first answer is kept in
the agency's schema, in the same transaction as the change it answers."""

from django.db import models


class IdempotentRequest(models.Model):
    key = models.CharField(max_length=255)
    # Who sent it: a hash of the credential (token or session), never the credential itself.
    client = models.CharField(max_length=64)
    request_hash = models.CharField(max_length=64)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField(null=True)  # None while the first is in flight
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"],
                                               name="idempotency_key_once_per_client")]

    def __str__(self) -> str:
        return f"{self.key} → {self.status}"
