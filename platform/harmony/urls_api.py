"""The agency API, /api/v1/ on each agency host."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from core.activity.api import ActivityRecordViewSet
from core.approvals import api as approvals_api
from core.customers.api import CaseViewSet
from core.org import api as org_api
from core.policies.api import RuleViewSet
from core.portal.audit_api import AuditEventViewSet
from core.schedules import api as schedules_api
from core.work import api as work_api


class NumericIdRouter(DefaultRouter):
    """Objects are addressed by number: /documents/abc/ matches no route and is answered 404,
    instead of reaching the database as a bad integer (a 500). No ``.json`` suffix routes
    either; the API speaks JSON only."""

    include_format_suffixes = False

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if not hasattr(viewset, "lookup_value_regex"):
            viewset = type(viewset.__name__, (viewset,), {"lookup_value_regex": "[0-9]+"})
        return super().get_lookup_regex(viewset, lookup_prefix)


router = NumericIdRouter()
router.register("units", org_api.UnitViewSet, basename="unit")
router.register("people", org_api.PersonViewSet, basename="person")
router.register("appointments", org_api.AppointmentViewSet, basename="appointment")
router.register("schedules", schedules_api.EntryViewSet, basename="schedule")
router.register("documents", approvals_api.DocumentViewSet, basename="document")
router.register("tasks", work_api.TaskViewSet, basename="task")
router.register("memos", work_api.MemoViewSet, basename="memo")
router.register("instructions", work_api.InstructionViewSet, basename="instruction")
router.register("audit", AuditEventViewSet, basename="audit")
router.register("rules", RuleViewSet, basename="rule")
router.register("cases", CaseViewSet, basename="case")
router.register("activity", ActivityRecordViewSet, basename="activity-record")

urlpatterns = [
    path("me/", org_api.MeView.as_view(), name="api-me"),
    path("token/", org_api.TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
