"""API token authentication with the agency's token lifetime."""

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from core.accounts.services import token_expires_at


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a token older than the agency's rule allows."""

    def authenticate_credentials(self, key):
        from core.org.selectors import api_token_days

        user, token = super().authenticate_credentials(key)
        if timezone.now() >= token_expires_at(token, api_token_days()):
            raise AuthenticationFailed(_("API 토큰이 만료되었습니다. 새 토큰을 발급받으세요."))
        return user, token
