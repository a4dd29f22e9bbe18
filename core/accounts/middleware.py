"""Send people who must use MFA to TOTP enrolment before anything else."""

from django.db import connection
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from core.accounts.mfa import has_mfa, mfa_required
from core.portal.access import current_person

# Once an account is seen with MFA, its session skips the check (one query saved per page).
SESSION_FLAG = "harmony_mfa_ok"
# Pages needed to enrol, sign out or see static assets stay reachable.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/readyz")


class MandatoryMfaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.session.get(SESSION_FLAG)
            and not request.path.startswith(_OPEN_PREFIXES)
            # The request's person, loaded once: the page's shell shows it anyway.
            and mfa_required(current_person(request),
                             is_public=connection.schema_name == get_public_schema_name())
        ):
            if not has_mfa(user):
                return _enrol_first(request)
            request.session[SESSION_FLAG] = True
        return self.get_response(request)


def _enrol_first(request):
    """Send a page to TOTP enrolment; a program calling the API gets a JSON 403 instead, and
    so does what a page fetches by itself (the live stream, htmx): followed, the redirect
    would load the enrolment page behind the person's back and replace the secret it shows."""
    message = _("2단계 인증(OTP)을 먼저 등록해야 합니다.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=403,
                            json_dumps_params={"ensure_ascii": False})
    if request.path == reverse("portal:live") or request.headers.get("HX-Request"):
        return HttpResponseForbidden(message)
    return redirect("mfa_activate_totp")
