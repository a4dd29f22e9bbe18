"""Read agencies for the central console."""

from django.db.models import Q, QuerySet

from tenants.models import Agency, AgencyKind


def agencies_list(*, query: str = "", kind: str = "", status: str = "",
                  ordering: str = "name_ko") -> QuerySet[Agency]:
    agencies = Agency.objects.exclude(kind=AgencyKind.PLATFORM).prefetch_related("domains")
    if query:
        agencies = agencies.filter(
            Q(name_ko__icontains=query) | Q(name_en__icontains=query) | Q(code__startswith=query)
            | Q(schema_name__icontains=query)
        )
    if kind:
        agencies = agencies.filter(kind=kind)
    if status:
        agencies = agencies.filter(status=status)
    allowed = {"name_ko", "-name_ko", "code", "-created_at", "-people_count",
               "-last_activity_at"}
    return agencies.order_by(ordering if ordering in allowed else "name_ko", "id")
