"""The agency API, /api/v1/ on each agency host."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from core.approvals import api as approvals_api
from core.org import api as org_api

router = DefaultRouter()
router.register("units", org_api.UnitViewSet, basename="unit")
router.register("people", org_api.PersonViewSet, basename="person")
router.register("documents", approvals_api.DocumentViewSet, basename="document")

urlpatterns = [
    path("me/", org_api.MeView.as_view(), name="api-me"),
    path("token/", org_api.TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
