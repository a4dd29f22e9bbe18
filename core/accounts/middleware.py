"""Send people who must use MFA to TOTP enrolment before anything else."""

from django.conf import settings
from django.db import connection
from django.shortcuts import redirect
from django_tenants.utils import get_public_schema_name

from core.accounts.mfa import has_mfa, mfa_required

# Pages needed to enrol, sign out or see static assets stay reachable.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/readyz")


class MandatoryMfaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and mfa_required(user, is_public=connection.schema_name == get_public_schema_name())
            and not has_mfa(user)
            and user.email != settings.HARMONY_DEMO_MFA_EXEMPT
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)
