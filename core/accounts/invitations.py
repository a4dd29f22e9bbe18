"""Links that let a person set their password at their agency's own host."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse


def password_setup_path(user) -> str:
    """Return the path (on the agency's host) of allauth's set-password-from-key page."""
    key = default_token_generator.make_token(user)
    return reverse(
        "account_reset_password_from_key",
        urlconf="harmony.urls_tenant",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )
