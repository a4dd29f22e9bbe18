"""Pick the agency from the request's host, with a cached lookup."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.models import Domain

_HOST_KEY = "agency-host:{}"
_MISSING = "missing"


def host_cache_key(hostname: str) -> str:
    return _HOST_KEY.format(hostname.lower())


def forget_hosts(hostnames: list[str]) -> None:
    """Drop cached host lookups after a domain or an agency's status changes."""
    previous = connection.schema_name
    connection.set_schema_to_public()
    try:
        cache.delete_many([host_cache_key(name) for name in hostnames])
    finally:
        if previous != connection.schema_name:
            connection.set_schema(previous)


class AgencyHostMiddleware(TenantMainMiddleware):
    """Route by host; answer unknown hosts with a friendly 404 and suspended agencies with 503.

    The lookup runs on every request, so its result (the agency or "no such host") is cached
    under a public-schema key until a domain or status change drops it (``forget_hosts``).
    """

    def get_tenant(self, domain_model, hostname):
        key = host_cache_key(hostname)
        agency = cache.get(key)
        if agency is None:
            domain = domain_model.objects.select_related("tenant").filter(domain=hostname).first()
            agency = domain.tenant if domain else _MISSING
            cache.set(key, agency, settings.AGENCY_HOST_CACHE_SECONDS)
        if agency == _MISSING:
            raise Domain.DoesNotExist
        return agency

    def process_request(self, request):
        response = super().process_request(request)
        if response is not None:
            return response
        if request.tenant.is_suspended:
            page = render(request, "tenants/suspended.html", {"agency": request.tenant}, status=503)
            page["Retry-After"] = "3600"
            return page
        return None

    def no_tenant_found(self, request, hostname) -> HttpResponse:
        return render(request, "tenants/unknown_host.html", {"hostname": hostname}, status=404)
