"""Read agencies for the central console."""

from django.db.models import Q, QuerySet

from tenants.models import Agency, AgencyKind, Domain


def agencies_list(*, query: str = "", kind: str = "", status: str = "",
                  ordering: str = "name_ko") -> QuerySet[Agency]:
    agencies = Agency.objects.exclude(kind=AgencyKind.PLATFORM).prefetch_related("domains")
    if query:
        # A subdomain (test-ui1) differs from its schema name (test_ui1): match the domains.
        matching = Domain.objects.filter(domain__icontains=query).values("tenant_id")
        agencies = agencies.filter(
            Q(name_ko__icontains=query) | Q(name_en__icontains=query) | Q(code__startswith=query)
            | Q(schema_name__icontains=query) | Q(pk__in=matching)
        )
    if kind:
        agencies = agencies.filter(kind=kind)
    if status:
        agencies = agencies.filter(status=status)
    allowed = {"name_ko", "-name_ko", "code", "-created_at", "-people_count",
               "-last_activity_at"}
    return agencies.order_by(ordering if ordering in allowed else "name_ko", "id")
