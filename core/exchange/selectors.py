"""Read the channel from inside one agency. The agency is always the one whose schema the
connection serves (the request's host, or the job's schema): never a value from the user,
so an id that belongs to another pair of agencies is simply not found."""

from django.db import connection
from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name

from core.exchange.models import AgencyRequest, RequestStatus
from tenants.models import Agency, AgencyKind, AgencyStatus


class NoAgency(RuntimeError):
    """The channel was used outside an agency (the console, a command without a schema)."""


def current_agency() -> Agency:
    """The agency whose schema the connection serves; refuse the public schema (fail closed)."""
    schema = connection.schema_name
    if not schema or schema == get_public_schema_name():
        raise NoAgency("the inter-agency channel is used only inside an agency")
    agency = getattr(connection, "tenant", None)
    if isinstance(agency, Agency) and agency.pk and agency.schema_name == schema:
        return agency
    return Agency.objects.get(schema_name=schema)


def destinations() -> QuerySet[Agency]:
    """The agencies an official here may send a request to: every other active agency."""
    return (
        Agency.objects.exclude(kind=AgencyKind.PLATFORM)
        .exclude(schema_name=connection.schema_name)
        .filter(status=AgencyStatus.ACTIVE, domains__isnull=False)
        .distinct()
        .order_by("name_ko")
    )


def sent_by_this_agency() -> QuerySet[AgencyRequest]:
    """Requests this agency's officials sent (the caller narrows them to what one may see)."""
    return AgencyRequest.objects.filter(from_agency=current_agency()).select_related("to_agency")


def sent_request(pk) -> AgencyRequest | None:
    """One request this agency sent, with its steps; None for any other id."""
    return sent_by_this_agency().filter(pk=pk).first()


def addressed_to_this_agency() -> QuerySet[AgencyRequest]:
    return AgencyRequest.objects.filter(to_agency=current_agency()).select_related("from_agency")


def waiting_for_receipt() -> QuerySet[AgencyRequest]:
    """Requests sent to this agency and not yet received as a case, oldest first."""
    return addressed_to_this_agency().filter(status=RequestStatus.SENT).order_by("sent_at", "id")
