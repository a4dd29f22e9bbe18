"""Who must use multi-factor authentication (TOTP through allauth.mfa)."""

from allauth.mfa.models import Authenticator


def has_mfa(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_required(user, *, is_public: bool) -> bool:
    """Central staff always; agency admins and HR officers when their agency says so."""
    if is_public:
        return True
    from core.org.selectors import privileged_mfa_required

    return privileged_mfa_required(user)
