"""URLs of the apex host: the central console (public schema)."""

from django.urls import include, path

urlpatterns = [
    path("", include("tenants.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
