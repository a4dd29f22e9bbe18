"""URLs of an agency's host (<subdomain>.<base domain>)."""

from django.urls import include, path

urlpatterns = [
    path("", include("core.portal.urls")),
    path("org/", include("core.org.urls")),
    path("audit/", include("core.audit.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("harmony.urls_api")),
    path("i18n/", include("django.conf.urls.i18n")),
]
