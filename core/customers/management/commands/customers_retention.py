"""harmony customers_retention [--agency NAME ...] [--now] [--date YYYY-MM-DD]: the daily
retention job of customers' personal data (개인정보 보호법 제21조), for every agency or the
named ones. Schedule it once a day (cron, a Kubernetes CronJob: see infra/README.md)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from core.customers.retention import customers_retention_apply, customers_retention_start
from tenants.management.commands.agency_restore import agency_named
from tenants.models import Agency, AgencyKind, AgencyStatus


class Command(BaseCommand):
    help = ("보유기간이 지난 고객 개인정보를 익명 처리하거나 삭제합니다 (anonymise or delete "
            "customers' personal data past its retention date).")

    def add_arguments(self, parser):
        parser.add_argument("--agency", action="append", default=[],
                            help="subdomain or schema name (repeatable; default: every agency)")
        parser.add_argument("--now", action="store_true",
                            help="run here instead of queueing a job for the worker")
        parser.add_argument("--date", help="the day to apply the rule as of (default today)")

    def handle(self, *args, agency: list[str], now: bool, date: str | None, **options):
        today = self._day(date)
        agencies = [agency_named(name) for name in agency] or list(
            Agency.objects.exclude(kind=AgencyKind.PLATFORM)
            .exclude(status=AgencyStatus.SUSPENDED).order_by("schema_name"))
        for each in agencies:
            with schema_context(each.schema_name):
                if now:
                    counts = customers_retention_apply(today=today)
                    self.stdout.write(f"{each.schema_name}: anonymised {counts['anonymised']}, "
                                      f"deleted {counts['deleted']}, held {counts['held']}")
                else:
                    job = customers_retention_start(today=today)
                    self.stdout.write(f"{each.schema_name}: job {job.pk} {job.status}")

    @staticmethod
    def _day(value: str | None):
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise CommandError(f"날짜 형식이 아닙니다 (YYYY-MM-DD): {value}") from error
