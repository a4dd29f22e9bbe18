"""The audit trail over the API, read as the page reads it (labels, described changes). The
viewset that serves it, and decides who may (agency admins), is core/portal/audit_api.py:
the audit app knows no roles."""

from rest_framework import serializers

from core.audit.display import describe, type_label
from core.audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="action")
    type_label = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = ["id", "occurred_at", "actor_label", "type", "type_label", "target_type",
                  "target_label", "changes", "ip_address", "request_id"]

    def get_type_label(self, event) -> str:
        return type_label(event)

    def get_changes(self, event) -> list[str]:
        return [str(change) for change in describe(event)]
