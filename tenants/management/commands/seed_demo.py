"""Seed the demo agencies and accounts (``harmony seed-demo``); safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tenants.demo import demo_summary, seed_demo
from tenants.provisioning import ensure_platform_agencies


class Command(BaseCommand):
    help = "데모 기관과 계정을 만듭니다 (creates the demo agencies and accounts)."

    def add_arguments(self, parser):
        parser.add_argument("--summary-only", action="store_true",
                            help="print the URLs and sign-ins without seeding")

    def handle(self, *args, summary_only=False, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "데모 데이터는 운영 환경에서 만들 수 없습니다 (refused in production).")
        if not summary_only:
            ensure_platform_agencies()
            seed_demo(password=settings.HARMONY_DEMO_PASSWORD, log=self.stdout.write)
        self.stdout.write(demo_summary(settings.PUBLIC_URL_PORT))
