"""``harmony jobs-sweep``: take back jobs whose worker died, and queue each agency's sweep of
uploaded files that no row names (core/jobs/sweeps.py). Meant to run every few minutes from
cron or a systemd timer beside the worker; running it twice at once does no harm."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_public_schema_name, schema_context

from core.jobs.sweeps import files_sweep_start, jobs_stale_recover, orphan_files_remove


class Command(BaseCommand):
    help = "Recover jobs whose worker died and sweep orphan uploaded files, per agency."

    def add_arguments(self, parser):
        parser.add_argument("--agency", help="Only this agency (schema name or subdomain).")
        parser.add_argument("--now", action="store_true",
                            help="Remove orphan files here and now instead of queueing a job.")
        parser.add_argument("--older-than-minutes", type=int,
                            default=settings.HARMONY_ORPHAN_FILE_MINUTES,
                            help="Leave files younger than this (default: %(default)s).")

    def handle(self, *, agency: str | None, now: bool, older_than_minutes: int, **options):
        if older_than_minutes < 1:
            raise CommandError("--older-than-minutes must be at least 1")
        if agency is None:
            with schema_context(get_public_schema_name()):  # the console's own jobs
                self._recover(get_public_schema_name())
        for schema in self._agencies(agency):
            with schema_context(schema):
                self._recover(schema)
                if now:
                    removed = orphan_files_remove(older_than=timedelta(
                        minutes=older_than_minutes))
                    self.stdout.write(f"{schema}: {len(removed)} orphan file(s) removed")
                else:
                    job = files_sweep_start(older_than_minutes=older_than_minutes)
                    self.stdout.write(f"{schema}: file sweep queued (job {job.pk})")

    def _recover(self, schema: str) -> None:
        for job in jobs_stale_recover():
            self.stdout.write(f"{schema}: job {job.pk} ({job.title}) taken back: {job.status}")

    def _agencies(self, only: str | None) -> list[str]:
        """Agencies that may run jobs: not the platform's own rows, not suspended."""
        from tenants.models import Agency, AgencyKind

        with schema_context(get_public_schema_name()):
            agencies = Agency.objects.exclude(kind=AgencyKind.PLATFORM).order_by("schema_name")
            if only:
                agencies = agencies.filter(schema_name=only.replace("-", "_"))
                if not agencies:
                    raise CommandError(f"no agency {only!r}")
            return [a.schema_name for a in agencies if not a.is_suspended]
