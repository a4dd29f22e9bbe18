"""harmony agency-restore <archive> [--as SUBDOMAIN] [--code CODE] [--over SUBDOMAIN]:
bring a backup back as a new agency (suspended until central staff resume it) or over a
suspended agency; row counts and the audit chain are checked before anything is kept."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.backups import agency_restore
from tenants.models import Agency, AgencyKind


def agency_named(name: str) -> Agency:
    """The agency with this subdomain (or schema name), never the console or template."""
    agency = (Agency.objects.exclude(kind=AgencyKind.PLATFORM)
              .filter(schema_name=name.replace("-", "_")).first())
    if agency is None:
        raise CommandError(f"기관을 찾을 수 없습니다 (no such agency): {name}")
    return agency


def printer(stdout):
    def progress(done: int, total: int | None = None, *, step: str | None = None) -> None:
        if step is not None:
            stdout.write(f"[{done}/{total or '?'}] {step}")

    return progress


class Command(BaseCommand):
    help = ("기관 백업 파일을 새 기관으로, 또는 이용 정지된 기관 위에 복원합니다 "
            "(restore an agency archive).")

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a file written by agency-export")
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--as", dest="subdomain",
                            help="new agency's subdomain (default: the archived one)")
        target.add_argument("--over", help="a suspended agency to restore over")
        parser.add_argument("--code", help="new agency's 7-digit code (default: the archived)")

    def handle(self, *args, archive: str, subdomain: str | None, over: str | None,
               code: str | None, **options):
        if over and code:
            raise CommandError("--code는 새 기관으로 복원할 때만 씁니다 "
                               "(--code is for new agencies).")
        source = Path(archive)
        if not source.is_file():
            raise CommandError(f"백업 파일이 없습니다 (no such file): {archive}")
        try:
            agency = agency_restore(source=source, actor=None, subdomain=subdomain, code=code,
                                    over=agency_named(over) if over else None,
                                    progress=printer(self.stdout))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"restored {agency.name_ko} ({agency.code}) into schema "
                          f"{agency.schema_name}; status: {agency.status}")
