"""harmony audit-verify <agency>: check an agency's audit chain; exit 1 when it is broken."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.audit.chain import chain_verify


class Command(BaseCommand):
    help = "감사 기록 해시 사슬을 검증합니다 (verify an agency's tamper-evident audit chain)."

    def add_arguments(self, parser):
        parser.add_argument("agency", help="subdomain or schema name; 'public' for the console")

    def handle(self, *args, agency: str, **options):
        schema = agency.replace("-", "_")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
            if cursor.fetchone() is None:
                raise CommandError(f"기관을 찾을 수 없습니다 (no such agency): {agency}")
        report = chain_verify(schema)
        self.stdout.write(f"{schema}: {report.rows} rows, head #{report.head_seq} "
                          f"{report.head_hash[:16]}")
        for problem in report.problems:
            self.stderr.write(problem)
        if not report.intact:
            raise SystemExit(1)
        self.stdout.write("사슬이 온전합니다 (chain intact).")
