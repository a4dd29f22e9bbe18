"""allauth adapter: no self sign-up — agencies create their staff's accounts; links in e-mails
point at the agency's canonical address; failed sign-ins are counted per account."""

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter


@dataclass(frozen=True)
class CanonicalSite:
    """What allauth's e-mail templates read as ``current_site``: never the request's Host,
    which a client chooses (any port, or another of the agency's domains)."""

    name: str
    domain: str


class HarmonyAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        base = canonical_base_url(self.request)
        context = {key: rebase(value, base) if key.endswith("_url") else value
                   for key, value in context.items()}
        context["current_site"] = canonical_site(self.request)
        super().send_mail(template_prefix, email, context)

    def format_email_subject(self, subject: str) -> str:
        return f"[{canonical_site(self.request).name}] {subject}"

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth keys the counter by the request's host, so a client could reset it by
        # changing the port. Cache keys already carry the agency's schema: the login suffices.
        return str(credentials.get("email", credentials.get("username", ""))).lower()


def canonical_base_url(request) -> str:
    """Return scheme://primary-domain[:port] of the agency (or console) serving ``request``."""
    from tenants.services import agency_base_url

    return agency_base_url(request.tenant)


def canonical_site(request) -> CanonicalSite:
    agency = request.tenant
    return CanonicalSite(name=agency.name_ko, domain=urlsplit(canonical_base_url(request)).netloc)


def rebase(url, base: str):
    """Put ``url``'s path on ``base`` (scheme and host); leave anything not a URL alone."""
    if not isinstance(url, str) or "://" not in url:
        return url
    parts, canonical = urlsplit(url), urlsplit(base)
    return urlunsplit((canonical.scheme, canonical.netloc, parts.path, parts.query, parts.fragment))
