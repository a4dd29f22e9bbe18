"""Who must use multi-factor authentication (TOTP through allauth.mfa)."""

from allauth.mfa.models import Authenticator


def has_mfa(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_required(person, *, is_public: bool) -> bool:
    """Central staff always; agency admins and HR officers when their agency says so.
    ``person`` is the account's person in the agency (None on the console)."""
    if is_public:
        return True
    from core.org.selectors import privileged_mfa_required

    return privileged_mfa_required(person)


def totp_enrol(user, secret: str) -> None:
    """Activate TOTP for an account with a known secret (demo seeding, tests)."""
    from allauth.mfa.totp.internal.auth import TOTP

    if not has_mfa(user):
        TOTP.activate(user, secret)


def totp_current_code(secret: str) -> str:
    """Return the code an authenticator app shows now for ``secret``."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))
