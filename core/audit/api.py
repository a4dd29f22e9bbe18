"""The audit trail over the API, read as the page reads it (labels, described changes).
Who may read it is decided where the route is mounted (agency admins; the audit app knows
no roles)."""

from rest_framework import serializers, viewsets

from core.audit.display import describe, type_label
from core.audit.models import AuditEvent
from core.audit.selectors import audit_events


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


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AuditEventSerializer

    def get_queryset(self):
        params = self.request.query_params
        return audit_events(query=params.get("q", "").strip()[:200],
                            action=params.get("type", "")[:60])
