"""URLs of the apex host: the central console (public schema)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("tenants.urls")),
    path("jobs/", include("core.jobs.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
]

handler400 = "harmony.errors.bad_request"
handler403 = "harmony.errors.permission_denied"
handler404 = "harmony.errors.page_not_found"
handler500 = "harmony.errors.server_error"
