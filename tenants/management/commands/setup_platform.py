"""Create the console's public agency and the standard-model clone template if missing."""

from django.core.management.base import BaseCommand

from tenants.provisioning import ensure_platform_agencies


class Command(BaseCommand):
    help = "콘솔(public)과 표준모델 템플릿 스키마를 준비합니다 (idempotent)."

    def handle(self, *args, **options):
        ensure_platform_agencies()
        self.stdout.write("platform ready")
