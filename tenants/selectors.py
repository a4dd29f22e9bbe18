"""Read agencies for the central console."""

import logging

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from core.jobs.models import Job
from tenants import archive
from tenants.backups import Backup, agency_backup_dir
from tenants.models import Agency, AgencyKind, Domain

logger = logging.getLogger(__name__)


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


def agency_for_console(pk: int) -> Agency | None:
    """An agency (never the console or the template) with its domains."""
    return (Agency.objects.exclude(kind=AgencyKind.PLATFORM).prefetch_related("domains")
            .filter(pk=pk).first())


def agency_backups(agency: Agency) -> list[Backup]:
    """The agency's archives in its backup folder, newest first; a file whose manifest
    cannot be read is left out (and logged), never offered for a restore."""
    folder = agency_backup_dir(agency)
    if not folder.is_dir():
        return []
    backups = []
    for path in folder.glob("*.tar.gz"):
        try:
            backups.append(Backup(path, archive.read_manifest(path)))
        except ValidationError:
            logger.warning("unreadable agency backup %s", path)
    return sorted(backups, key=lambda backup: backup.created_at, reverse=True)


def agency_backup(agency: Agency, name: str) -> Backup | None:
    """One of the agency's backups by file name (only names the folder lists: a name is
    never turned into a path)."""
    return next((backup for backup in agency_backups(agency) if backup.name == name), None)


def agency_jobs(agency: Agency, *, limit: int = 20) -> QuerySet[Job]:
    """The console's jobs about this agency (backups and restores), newest first."""
    return (Job.objects.filter(params__agency_id=agency.pk).defer("upload", "params")
            .select_related("started_by")[:limit])
