"""harmony agency-export <agency> [--out PATH]: write the agency's backup archive."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.backups import agency_export
from tenants.management.commands.agency_restore import agency_named, printer


class Command(BaseCommand):
    help = ("기관 하나를 백업 파일(tar.gz: 표 데이터, 업로드 파일, manifest)로 내보냅니다 "
            "(export one agency to an archive).")

    def add_arguments(self, parser):
        parser.add_argument("agency", help="subdomain or schema name")
        parser.add_argument("--out", help="archive path (default: the backup folder)")

    def handle(self, *args, agency: str, out: str | None, **options):
        try:
            backup = agency_export(agency=agency_named(agency), actor=None,
                                   out=Path(out) if out else None,
                                   progress=printer(self.stdout))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        head = backup.manifest["audit_chain"]
        self.stdout.write(f"{backup.path} ({backup.size} bytes): {len(backup.manifest['tables'])}"
                          f" tables, {backup.rows} rows, {backup.media_files} files, "
                          f"audit head #{head['head_seq']} {head['head_hash'][:16]}")
