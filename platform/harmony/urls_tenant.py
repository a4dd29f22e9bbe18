"""URLs of an agency's host (<subdomain>.<base domain>)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from core.audit import views as audit_views
from core.org.selectors import is_agency_admin
from core.portal.access import person_passes

urlpatterns = [
    path("", include("core.portal.urls")),
    path("org/", include("core.org.urls")),
    # The trail is the agency admins' (the audit app itself knows no roles).
    path("audit/", include(([path("", person_passes(is_agency_admin)(audit_views.events),
                                  name="events")], "audit"))),
    path("rules/", include("core.policies.urls")),
    path("approvals/", include("core.approvals.urls")),
    path("work/", include("core.work.urls")),
    path("schedules/", include("core.schedules.urls")),
    path("jobs/", include("core.jobs.urls")),
    path("cases/", include("core.customers.urls")),
    path("activity/", include("core.activity.urls")),
    path("performance/", include("core.performance.urls")),
    # The agency's customers file and follow their cases here without an account.
    path("public/requests/", include("core.customers.public_urls")),
    path("public/notices/", include("core.customers.notice_urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("harmony.urls_api")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
]

handler400 = "harmony.errors.bad_request"
handler403 = "harmony.errors.permission_denied"
handler404 = "harmony.errors.page_not_found"
handler500 = "harmony.errors.server_error"
