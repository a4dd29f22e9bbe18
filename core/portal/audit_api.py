"""/api/v1/audit/: the agency's audit trail for its admins, in words."""

from rest_framework import mixins
from rest_framework.exceptions import PermissionDenied

from core.audit.api import AuditEventSerializer
from core.audit.models import AuditEvent
from core.audit.selectors import audit_events
from core.org.selectors import is_agency_admin
from core.portal.api import ScopedViewSet


class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = AuditEventSerializer
    queryset = AuditEvent.objects.none()

    def scoped_queryset(self, person):
        if not is_agency_admin(person):
            raise PermissionDenied
        params = self.request.query_params
        return audit_events(query=params.get("q", "").strip()[:200],
                            action=params.get("type", "")[:60])
